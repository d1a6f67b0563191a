/*
 * files_keep.c — see files_keep.h.
 */
#include "files_keep.h"

#include "log.h"

#define SLICE 10000

/* Runs a DELETE ... LIMIT 10000 until fewer rows go: no statement holds
 * many locks.  0, or -1 after a logged error. */
static int sliced(struct db *db, const char *sql, int days)
{
	long long n;
	do {
		n = db_exec(db, sql, "i", days);
		if (n < 0) {
			log_warn("ocppd: files retention: %s", db_error(db));
			return -1;
		}
	} while (n == SLICE && !db->lost);
	return 0;
}

void files_keep_pass(struct db *db, const struct csms_config *cfg)
{
	int days = cfg->files_retention_days;
	if (days <= 0)
		return;
	/* Steps before their jobs, so none is left without one. */
	if (sliced(db,
	           "DELETE FROM cp_files WHERE received_at < UTC_TIMESTAMP(3) "
	           "- INTERVAL ? DAY LIMIT 10000",
	           days) ||
	    sliced(db,
	           "DELETE FROM firmware_job_steps WHERE job_id IN (SELECT id "
	           "FROM firmware_jobs WHERE updated_at < UTC_TIMESTAMP(3) - "
	           "INTERVAL ? DAY) LIMIT 10000",
	           days))
		return;
	sliced(db,
	       "DELETE FROM firmware_jobs WHERE updated_at < UTC_TIMESTAMP(3) "
	       "- INTERVAL ? DAY LIMIT 10000",
	       days);
}
