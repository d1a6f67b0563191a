/*
 * handle_boot_notification.c — BootNotification: remember what the charge
 * point says it is and answer with the boot status configured for it
 * (charge_points.boot_answer: Accepted, Pending or Rejected; a charge
 * point registered by connecting gets new_cp_boot_answer), the clock and
 * the heartbeat interval — or, when not Accepted, unapproved_boot_interval:
 * when to boot again (docs/registration.md).
 */
#include <string.h>

#include "handlers.h"
#include "jsonutil.h"
#include "timeutil.h"

enum hres handle_boot_notification(struct hctx *c, const cJSON *req,
                                   cJSON *conf)
{
	const char *vendor = json_str(req, "chargePointVendor", NULL);
	const char *model = json_str(req, "chargePointModel", NULL);
	const char *serial = json_str(req, "chargePointSerialNumber", NULL);
	const char *box = json_str(req, "chargeBoxSerialNumber", NULL);
	const char *fw = json_str(req, "firmwareVersion", NULL);
	const char *iccid = json_str(req, "iccid", NULL);
	const char *imsi = json_str(req, "imsi", NULL);
	const char *mtype = json_str(req, "meterType", NULL);
	const char *mserial = json_str(req, "meterSerialNumber", NULL);

	long long n;
	if (c->cfg->allow_unknown_cps)
		n = db_exec(
		    c->db,
		    "INSERT INTO charge_points (id, vendor, model, "
		    "serial_number, chargebox_serial, firmware_version, "
		    "iccid, imsi, meter_type, meter_serial, last_boot, "
		    "boot_answer) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		    "ON DUPLICATE KEY UPDATE vendor = VALUES(vendor), "
		    "model = VALUES(model), "
		    "serial_number = VALUES(serial_number), "
		    "chargebox_serial = VALUES(chargebox_serial), "
		    "firmware_version = VALUES(firmware_version), "
		    "iccid = VALUES(iccid), imsi = VALUES(imsi), "
		    "meter_type = VALUES(meter_type), "
		    "meter_serial = VALUES(meter_serial), "
		    "last_boot = VALUES(last_boot)",
		    "ssssssssssts", c->cp_id, vendor, model, serial, box, fw,
		    iccid, imsi, mtype, mserial, c->now_ms,
		    c->cfg->new_cp_boot_answer);
	else
		/* Only registered charge points get here (HTTP 404 at the
		 * handshake otherwise); one deleted since is refused. */
		n = db_exec(c->db,
		            "UPDATE charge_points SET vendor = ?, model = ?, "
		            "serial_number = ?, chargebox_serial = ?, "
		            "firmware_version = ?, iccid = ?, imsi = ?, "
		            "meter_type = ?, meter_serial = ?, last_boot = ? "
		            "WHERE id = ?",
		            "sssssssssts", vendor, model, serial, box, fw,
		            iccid, imsi, mtype, mserial, c->now_ms, c->cp_id);
	if (n < 0)
		return hctx_db_error(c);

	const char *status = "Rejected";
	char answer[16] = "";
	if (n > 0) {
		struct db_rows r;
		if (db_query(c->db, &r,
		             "SELECT boot_answer FROM charge_points "
		             "WHERE id = ?",
		             "s", c->cp_id))
			return hctx_db_error(c);
		int rc = db_next(&r);
		if (rc > 0 && db_str(&r, 0))
			strncpy(answer, db_str(&r, 0), sizeof answer - 1);
		db_rows_end(&r);
		if (rc < 0)
			return hctx_db_error(c);
		status = !strcmp(answer, "Pending")    ? "Pending"
		         : !strcmp(answer, "Rejected") ? "Rejected"
		                                       : "Accepted";
	}
	c->boot_status = !strcmp(status, "Accepted")  ? BOOT_ACCEPTED
	                 : !strcmp(status, "Pending") ? BOOT_PENDING
	                                              : BOOT_REJECTED;
	char now[32];
	time_format_iso8601(c->now_ms, now);
	if (json_add_str(conf, "status", status) ||
	    json_add_str(conf, "currentTime", now) ||
	    json_add_int(conf, "interval",
	                 c->boot_status == BOOT_ACCEPTED
	                     ? c->cfg->heartbeat_interval
	                     : c->cfg->unapproved_boot_interval))
		return H_INTERNAL;
	hctx_audit(c, "vendor=%s model=%s firmware=%s status=%s", vendor, model,
	           fw ? fw : "-", status);
	return H_OK;
}
