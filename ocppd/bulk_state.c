/*
 * bulk_state.c — see bulk_state.h.
 */
#include "bulk_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonutil.h"

/* ---- outcomes ------------------------------------------------------------ */

/* A charge point's answer that refuses the command. */
static int refused(const char *status)
{
	static const char *const words[] = {"Rejected",       "Failed",
	                                    "NotSupported",   "UnlockFailed",
	                                    "NotImplemented", NULL};
	for (int i = 0; words[i]; i++)
		if (!strcmp(status, words[i]))
			return 1;
	return 0;
}

int bulk_command(struct db *db, const struct cmd_record *r)
{
	size_t np = sizeof BULK_WHO_PREFIX - 1;
	if (!r->requested_by || strncmp(r->requested_by, BULK_WHO_PREFIX, np))
		return 0;
	long long id = strtoll(r->requested_by + np, NULL, 10);
	if (id <= 0)
		return 0;
	if (r->finished_ms == DB_NULL_TIME)
		return db_exec(
		           db,
		           "UPDATE bulk_job_items SET command_uid = ? WHERE "
		           "job_id = ? AND cp_id = ?",
		           "sls", r->uid, id, r->cp_id) < 0
		           ? -1
		           : 0;
	const char *status, *result = NULL;
	char why[256] = "";
	int fw = !strcmp(r->action, "UpdateFirmware");
	if (cmd_record_answered(r)) {
		result = r->status;
		status = refused(r->status) ? "failed" : "answered";
		if (!strcmp(status, "failed"))
			snprintf(why, sizeof why, "answered %s", r->status);
	} else {
		cJSON *resp = r->response ? cJSON_Parse(r->response) : NULL;
		const char *code = json_str(resp, "code", r->status);
		const char *msg = json_str(resp, "message", NULL);
		if (!msg)
			msg = json_str(resp, "description", "");
		snprintf(why, sizeof why, "%s%s%s", code, *msg ? ": " : "",
		         msg);
		cJSON_Delete(resp);
		status = !strcmp(r->status, "offline") ? "offline" : "failed";
	}
	/* A firmware update answered goes on with the charge point's
	 * FirmwareStatusNotification: not finished yet. */
	int64_t fin =
	    fw && !strcmp(status, "answered") ? DB_NULL_TIME : r->finished_ms;
	return db_exec(db,
	               "UPDATE bulk_job_items SET status = ?, result = ?, "
	               "answer = ?, why = NULLIF(?, ''), finished_at = ?, "
	               "command_uid = ? WHERE job_id = ? AND cp_id = ? AND "
	               "status IN ('pending', 'sent')",
	               "ssssts"
	               "ls",
	               status, result, r->response, why, fin, r->uid, id,
	               r->cp_id) < 0
	           ? -1
	           : 0;
}

int bulk_firmware_status(struct db *db, const char *cp_id, const char *status,
                         int64_t now_ms)
{
	if (!status)
		return 0;
	const char *item = NULL;
	if (!strcmp(status, "Installed"))
		item = "installed";
	else if (!strcmp(status, "DownloadFailed") ||
	         !strcmp(status, "InstallationFailed"))
		item = "failed";
	/* The report is about the firmware last asked for: the newest
	 * rollout waiting for this charge point (an older one it never
	 * reported on keeps waiting until cancelled). */
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT MAX(i.job_id) FROM bulk_job_items i JOIN "
	             "bulk_jobs j ON j.id = i.job_id WHERE i.cp_id = ? AND "
	             "j.action = 'UpdateFirmware' AND i.status IN ('sent', "
	             "'answered')",
	             "s", cp_id))
		return -1;
	int rc = db_next(&r);
	long long job = rc > 0 ? db_int(&r, 0) : 0;
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	if (!job)
		return 0;
	return db_exec(db,
	               "UPDATE bulk_job_items SET fw_status = ?, fw_at = ?, "
	               "status = COALESCE(?, status), why = IF(? = 'failed', "
	               "?, why), finished_at = IF(? IS NULL, finished_at, ?) "
	               "WHERE job_id = ? AND cp_id = ?",
	               "stsssstls", status, now_ms, item, item ? item : "",
	               status, item, now_ms, job, cp_id) < 0
	           ? -1
	           : 0;
}
