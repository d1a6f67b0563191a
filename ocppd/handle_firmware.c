/*
 * handle_firmware.c — DiagnosticsStatusNotification and
 * FirmwareStatusNotification: the latest status per charge point, for the
 * operator who asked for an upload or an update.  Each is a webhook
 * event too, written in the same transaction.
 */
#include "bulk_state.h"
#include "firmware_jobs.h"
#include "handlers.h"
#include "jsonutil.h"
#include "notify.h"

enum hres handle_diagnostics_status(struct hctx *c, const cJSON *req,
                                    cJSON *conf)
{
	(void)conf;
	const char *status = json_str(req, "status", NULL);
	if (db_exec(c->db,
	            "UPDATE charge_points SET diagnostics_status = ?, "
	            "diagnostics_ts = ? WHERE id = ?",
	            "sts", status, c->now_ms, c->cp_id) < 0 ||
	    notify_status_event(c, NOTIFY_DIAGNOSTICS_STATUS, status))
		return hctx_db_error(c);
	hctx_audit(c, "status=%s", status);
	return H_OK;
}

enum hres handle_firmware_status(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	const char *status = json_str(req, "status", NULL);
	if (db_exec(c->db,
	            "UPDATE charge_points SET firmware_status = ?, "
	            "firmware_ts = ? WHERE id = ?",
	            "sts", status, c->now_ms, c->cp_id) < 0 ||
	    notify_status_event(c, NOTIFY_FIRMWARE_STATUS, status) ||
	    bulk_firmware_status(c->db, c->cp_id, status, c->now_ms) ||
	    firmware_jobs_step(c->db, c->cp_id, "UpdateFirmware", NULL, status,
	                       NULL, c->now_ms))
		return hctx_db_error(c);
	hctx_audit(c, "status=%s", status);
	return H_OK;
}
