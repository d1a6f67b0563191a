/*
 * handle_security_status.c — LogStatusNotification and
 * SignedFirmwareStatusNotification (OCPP 1.6 Security Whitepaper): the
 * latest status per charge point with the request it answers, as
 * handle_firmware.c keeps the 1.6 core ones.
 */
#include "firmware_jobs.h"
#include "handlers.h"
#include "jsonutil.h"

/* requestId is optional (Idle has none): NULL when absent. */
static const char *request_id(const cJSON *req, char *buf, size_t len)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "requestId");
	if (!cJSON_IsNumber(id))
		return NULL;
	snprintf(buf, len, "%.0f", id->valuedouble);
	return buf;
}

enum hres handle_log_status(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	char idbuf[24];
	const char *status = json_str(req, "status", NULL);
	const char *rid = request_id(req, idbuf, sizeof idbuf);
	if (db_exec(c->db,
	            "UPDATE charge_points SET log_status = ?, "
	            "log_request_id = ?, log_ts = ? WHERE id = ?",
	            "ssts", status, rid, c->now_ms, c->cp_id) < 0)
		return hctx_db_error(c);
	hctx_audit(c, "status=%s requestId=%s", status, rid ? rid : "-");
	return H_OK;
}

enum hres handle_signed_firmware_status(struct hctx *c, const cJSON *req,
                                        cJSON *conf)
{
	(void)conf;
	char idbuf[24];
	const char *status = json_str(req, "status", NULL);
	const char *rid = request_id(req, idbuf, sizeof idbuf);
	if (db_exec(c->db,
	            "UPDATE charge_points SET signed_fw_status = ?, "
	            "signed_fw_request_id = ?, signed_fw_ts = ? WHERE id = ?",
	            "ssts", status, rid, c->now_ms, c->cp_id) < 0 ||
	    (rid && firmware_jobs_step(c->db, c->cp_id, "SignedUpdateFirmware",
	                               rid, status, NULL, c->now_ms)))
		return hctx_db_error(c);
	hctx_audit(c, "status=%s requestId=%s", status, rid ? rid : "-");
	return H_OK;
}
