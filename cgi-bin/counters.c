/*
 * counters.c — see counters.h.  Index-only reads in one snapshot: the
 * charge point sums from idx_cp_connected_kwh (connected, id, total_kwh),
 * the connectors by status from idx_conn_status (status, cp_id), those of
 * the connected or of the disconnected charge points, whichever are fewer,
 * through idx_cp_connected_kwh's range (the other side is the
 * difference), and the running sessions from the per-day summary tx_daily
 * (txquery.c).  Nothing here joins every connector to its charge point:
 * at 100,000 charge points that join took a second.  The reads still
 * grow with the fleet, one index entry per charge point and connector
 * (docs/benchmarks-web.md, "Where the remaining time goes").
 */
#include "counters.h"

#include <string.h>

#include "txquery.h"

const char *const counters_status[COUNTERS_NSTATUS + 1] = {
    "Available",   "Preparing", "Charging", "SuspendedEVSE",
    "SuspendedEV", "Finishing", "Reserved", "Unavailable",
    "Faulted",     "Unknown",   NULL,
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

int counters_load(struct db *db, struct counters *c)
{
	memset(c, 0, sizeof *c);
	struct txq_filter all = {.from = DB_NULL_TIME, .to_excl = DB_NULL_TIME};
	struct txq_totals tot;
	/* One snapshot: the offline connectors are subtracted from counts
	 * of the same moment. */
	if (db_begin(db))
		return -1;
	if (load_cps(db, c) || load_connectors(db, c) ||
	    txq_totals(db, &all, &tot)) {
		char err[sizeof db->err];
		unsigned no = db->last_errno;
		memcpy(err, db->err, sizeof err);
		db_rollback(db);
		memcpy(db->err, err, sizeof err);
		db->last_errno = no;
		return -1;
	}
	if (db_commit(db))
		return -1;
	c->sessions = tot.active;
	return 0;
}
