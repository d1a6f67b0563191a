/*
 * counters.c — see counters.h.  Index-only reads in one snapshot: the
 * charge point sums from idx_cp_connected_kwh (connected, id, total_kwh),
 * the connectors by status from idx_conn_status (status, cp_id), those of
 * the connected or of the disconnected charge points, whichever are fewer,
 * through idx_cp_connected_kwh's range (the other side is the
 * difference), and the running sessions from the per-day summary
 * tx_daily.  Nothing here joins every connector to its charge point:
 * at 100,000 charge points that join took a second.  The reads still
 * grow with the fleet, one index entry per charge point and connector
 * (docs/benchmarks-web.md, "Where the remaining time goes").
 */
#include "counters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

const char *const counters_status[COUNTERS_NSTATUS + 1] = {
    "Available",   "Preparing", "Charging", "SuspendedEVSE",
    "SuspendedEV", "Finishing", "Reserved", "Unavailable",
    "Faulted",     "Unknown",   "Occupied", /* OCPP 2.0.1: in use */
    NULL,
};

static const char sql_cps[] = "SELECT COUNT(*), COALESCE(SUM(connected), 0),"
                              " COALESCE(SUM(total_kwh), 0) FROM charge_points";
static const char sql_connectors[] =
    "SELECT status, COUNT(*) FROM connectors WHERE connector_id > 0 "
    "GROUP BY status";
/* The connectors of the charge points with connected = ?. */
static const char sql_side[] =
    "SELECT c.status, COUNT(*) FROM charge_points cp "
    "JOIN connectors c ON c.cp_id = cp.id "
    "WHERE cp.connected = ? AND c.connector_id > 0 GROUP BY c.status";

static int load_cps(struct db *db, struct counters *c)
{
	struct db_rows rows;
	if (db_query(db, &rows, sql_cps, ""))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0) {
		c->cps = db_int(&rows, 0);
		c->cps_connected = db_int(&rows, 1);
		c->total_kwh = db_dbl(&rows, 2);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/* Adds each status's count to by[] (and their sum to *sum); side < 0
 * counts every connector, else those of charge points with connected =
 * side. */
static int count_by_status(struct db *db, int side, long long *by,
                           long long *sum)
{
	struct db_rows rows;
	if (side < 0 ? db_query(db, &rows, sql_connectors, "")
	             : db_query(db, &rows, sql_side, "i", side))
		return -1;
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		const char *s = db_str(&rows, 0);
		long long n = db_int(&rows, 1);
		*sum += n;
		for (int i = 0; s && i < COUNTERS_NSTATUS; i++)
			if (!strcmp(s, counters_status[i]))
				by[i] += n;
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/* The join to charge_points runs from the smaller side: the disconnected
 * ones on a normal day, the connected ones after a restart, when every
 * link is still coming back. */
static int load_connectors(struct db *db, struct counters *c)
{
	long long all[COUNTERS_NSTATUS] = {0}, side[COUNTERS_NSTATUS] = {0};
	long long n_side = 0;
	int online = c->cps_connected < c->cps - c->cps_connected;
	if (count_by_status(db, -1, all, &c->connectors) ||
	    count_by_status(db, online, side, &n_side))
		return -1;
	for (int i = 0; i < COUNTERS_NSTATUS; i++)
		c->by_status[i] = online ? side[i] : all[i] - side[i];
	c->connectors_offline = online ? c->connectors - n_side : n_side;
	c->charging = c->by_status[COUNTERS_CHARGING];
	return 0;
}

static int load_sessions(struct db *db, struct counters *c)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT COALESCE(SUM(n_active), 0) FROM tx_daily", ""))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0)
		c->sessions = db_int(&rows, 0);
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/* Rolls back keeping the error that caused it. */
static void rollback_keep_error(struct db *db)
{
	char err[sizeof db->err];
	unsigned no = db->last_errno;
	memcpy(err, db->err, sizeof err);
	db_rollback(db);
	memcpy(db->err, err, sizeof err);
	db->last_errno = no;
}

int counters_load(struct db *db, struct counters *c)
{
	memset(c, 0, sizeof *c);
	/* One snapshot: the offline connectors are subtracted from counts
	 * of the same moment. */
	if (db_begin(db))
		return -1;
	if (load_cps(db, c) || load_connectors(db, c) || load_sessions(db, c)) {
		rollback_keep_error(db);
		return -1;
	}
	c->counted_ms = time_now_ms();
	return db_commit(db) ? -1 : 0;
}

/* ---- the snapshot ocppd keeps ---------------------------------------------
 */

static int status_index(const char *s)
{
	for (int i = 0; s && i < COUNTERS_NSTATUS; i++)
		if (!strcmp(counters_status[i], s))
			return i;
	return -1;
}

int counters_load_cps_by_status(struct db *db, struct counters *c)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT status, COUNT(DISTINCT cp_id) FROM connectors "
	             "WHERE connector_id > 0 GROUP BY status",
	             ""))
		return -1;
	memset(c->cps_by_status, 0, sizeof c->cps_by_status);
	int rc;
	while ((rc = db_next(&rows)) > 0) {
		int i = status_index(db_str(&rows, 0));
		if (i >= 0)
			c->cps_by_status[i] = db_int(&rows, 1);
	}
	db_rows_end(&rows);
	c->has_cps_by_status = rc == 0;
	return rc < 0 ? -1 : 0;
}

/* "n,n,...", one per status. */
static void join_counts(const long long *v, char *out, size_t len)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < COUNTERS_NSTATUS && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%lld", i ? "," : "",
		                      v[i]);
}

static void split_counts(const char *p, long long *v)
{
	for (int i = 0; i < COUNTERS_NSTATUS && p && *p; i++) {
		char *end;
		v[i] = strtoll(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
	}
}

int counters_store(struct db *db, const struct counters *c)
{
	char by[COUNTERS_NSTATUS * 21 + 1], cps_by[COUNTERS_NSTATUS * 21 + 1];
	join_counts(c->by_status, by, sizeof by);
	join_counts(c->cps_by_status, cps_by, sizeof cps_by);
	return db_exec(db,
	               "REPLACE INTO fleet_counters (id, cps, cps_connected, "
	               "total_kwh, connectors, connectors_offline, by_status, "
	               "sessions, cps_by_status, taken_at) VALUES (1, ?, ?, ?, "
	               "?, ?, ?, ?, NULLIF(?, ''), UTC_TIMESTAMP(3))",
	               "lldllsls", c->cps, c->cps_connected, c->total_kwh,
	               c->connectors, c->connectors_offline, by, c->sessions,
	               c->has_cps_by_status ? cps_by : "") < 0
	           ? -1
	           : 0;
}

/* 1 and *c from a snapshot no older than max_age_s, 0 when there is none
 * that fresh, -1 on a database error. */
static int counters_read(struct db *db, struct counters *c, int max_age_s)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT cps, cps_connected, total_kwh, connectors, "
	             "connectors_offline, by_status, sessions, taken_at, "
	             "cps_by_status FROM "
	             "fleet_counters WHERE id = 1 AND taken_at >= "
	             "UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
	             "i", max_age_s))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0) {
		memset(c, 0, sizeof *c);
		c->cps = db_int(&rows, 0);
		c->cps_connected = db_int(&rows, 1);
		c->total_kwh = db_dbl(&rows, 2);
		c->connectors = db_int(&rows, 3);
		c->connectors_offline = db_int(&rows, 4);
		split_counts(db_str(&rows, 5), c->by_status);
		c->charging = c->by_status[COUNTERS_CHARGING];
		c->sessions = db_int(&rows, 6);
		c->counted_ms = db_time_ms(&rows, 7);
		if (db_str(&rows, 8)) {
			split_counts(db_str(&rows, 8), c->cps_by_status);
			c->has_cps_by_status = 1;
		}
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : rc > 0;
}

int counters_get(struct db *db, struct counters *c)
{
	int rc = counters_read(db, c, COUNTERS_FRESH_S);
	/* No snapshot that fresh (ocppd keeps none, or is down): count. */
	return rc < 0 ? -1 : rc ? 0 : counters_load(db, c);
}
