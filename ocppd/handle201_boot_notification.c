/*
 * handle201_boot_notification.c — 2.0.1 BootNotification: the same
 * charge_points row as a 1.6 charge point's (vendor, model, serial,
 * firmware, modem), plus the boot reason; answered like 1.6 from
 * boot_answer (Accepted, Pending, Rejected) with the clock and the
 * interval (docs/registration.md).  The protocol column is written when
 * the link comes up (cp_state.c).
 */
#include <string.h>

#include "handlers201.h"
#include "jsonutil.h"
#include "timeutil.h"

enum hres handle201_boot_notification(struct hctx *c, const cJSON *req,
                                      cJSON *conf)
{
	const char *reason = json_str(req, "reason", NULL);
	const cJSON *cs =
	    cJSON_GetObjectItemCaseSensitive(req, "chargingStation");
	const cJSON *modem = cJSON_GetObjectItemCaseSensitive(cs, "modem");
	const char *vendor = json_str(cs, "vendorName", NULL);
	const char *model = json_str(cs, "model", NULL);
	const char *serial = json_str(cs, "serialNumber", NULL);
	const char *fw = json_str(cs, "firmwareVersion", NULL);
	const char *iccid = json_str(modem, "iccid", NULL);
	const char *imsi = json_str(modem, "imsi", NULL);

	long long n;
	if (c->cfg->allow_unknown_cps)
		n = db_exec(c->db,
		            "INSERT INTO charge_points (id, vendor, model, "
		            "serial_number, firmware_version, iccid, imsi, "
		            "last_boot, boot_reason, boot_answer) "
		            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		            "ON DUPLICATE KEY UPDATE vendor = VALUES(vendor), "
		            "model = VALUES(model), "
		            "serial_number = VALUES(serial_number), "
		            "firmware_version = VALUES(firmware_version), "
		            "iccid = VALUES(iccid), imsi = VALUES(imsi), "
		            "last_boot = VALUES(last_boot), "
		            "boot_reason = VALUES(boot_reason)",
		            "ssssssstss", c->cp_id, vendor, model, serial, fw,
		            iccid, imsi, c->now_ms, reason,
		            c->cfg->new_cp_boot_answer);
	else
		n = db_exec(c->db,
		            "UPDATE charge_points SET vendor = ?, model = ?, "
		            "serial_number = ?, firmware_version = ?, "
		            "iccid = ?, imsi = ?, last_boot = ?, "
		            "boot_reason = ? WHERE id = ?",
		            "sssssstss", vendor, model, serial, fw, iccid, imsi,
		            c->now_ms, reason, c->cp_id);
	if (n < 0)
		return hctx_db_error(c);

	const char *status = "Rejected";
	if (n > 0) {
		char answer[16] = "";
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
	if (json_add_str(conf, "currentTime", now) ||
	    json_add_int(conf, "interval",
	                 c->boot_status == BOOT_ACCEPTED
	                     ? c->cfg->heartbeat_interval
	                     : c->cfg->unapproved_boot_interval) ||
	    json_add_str(conf, "status", status))
		return H_INTERNAL;
	hctx_audit(c, "vendor=%s model=%s firmware=%s reason=%s status=%s",
	           vendor, model, fw ? fw : "-", reason, status);
	return H_OK;
}
