/*
 * firmware_jobs.c — see firmware_jobs.h.
 */
#include "firmware_jobs.h"

#include <stdlib.h>

int firmware_jobs_step(struct db *db, const char *cp_id, const char *action,
                       const char *request_id, const char *status,
                       const char *detail, int64_t now_ms)
{
	struct db_rows r;
	int rc;
	if (request_id)
		rc = db_query(db, &r,
		              "SELECT id FROM firmware_jobs WHERE cp_id = ? "
		              "AND action = ? AND request_id = ? "
		              "ORDER BY id DESC LIMIT 1",
		              "ssi", cp_id, action, atoi(request_id));
	else
		rc = db_query(db, &r,
		              /* FirmwareStatusNotification names no request:
		               * the latest job still under way. */
		              "SELECT id FROM firmware_jobs WHERE cp_id = ? "
		              "AND action = ? AND status NOT IN ('Installed', "
		              "'InstallationFailed', 'DownloadFailed') "
		              "ORDER BY id DESC LIMIT 1",
		              "ss", cp_id, action);
	if (rc)
		return -1;
	long long id = 0;
	int n = db_next(&r);
	if (n > 0)
		id = db_int(&r, 0);
	db_rows_end(&r);
	if (n < 0)
		return -1;
	if (!id)
		return 0;
	if (db_exec(db,
	            "INSERT INTO firmware_job_steps (job_id, ts, status, "
	            "detail) VALUES (?, ?, ?, ?)",
	            "ltss", id, now_ms, status, detail) < 0 ||
	    db_exec(db,
	            "UPDATE firmware_jobs SET status = ?, updated_at = ? "
	            "WHERE id = ?",
	            "stl", status, now_ms, id) < 0)
		return -1;
	return 0;
}
