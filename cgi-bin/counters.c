/*
 * counters.c — see counters.h.  Three cheap reads: one row of
 * charge_points sums, at most twenty groups of connectors, and the
 * running sessions from the per-day summary tx_daily (txquery.c).
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
    "SELECT c.status, cp.connected <> 0, COUNT(*) FROM connectors c "
    "JOIN charge_points cp ON cp.id = c.cp_id WHERE c.connector_id > 0 "
    "GROUP BY c.status, cp.connected <> 0";

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

static int load_connectors(struct db *db, struct counters *c)
{
	struct db_rows rows;
	if (db_query(db, &rows, sql_connectors, ""))
		return -1;
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		const char *s = db_str(&rows, 0);
		long long n = db_int(&rows, 2);
		c->connectors += n;
		if (!db_int(&rows, 1)) {
			c->connectors_offline += n;
			continue;
		}
		for (int i = 0; s && i < COUNTERS_NSTATUS; i++)
			if (!strcmp(s, counters_status[i]))
				c->by_status[i] += n;
	}
	db_rows_end(&rows);
	c->charging = c->by_status[COUNTERS_CHARGING];
	return rc < 0 ? -1 : 0;
}

int counters_load(struct db *db, struct counters *c)
{
	memset(c, 0, sizeof *c);
	struct txq_filter all = {.from = DB_NULL_TIME, .to_excl = DB_NULL_TIME};
	struct txq_totals tot;
	if (load_cps(db, c) || load_connectors(db, c) ||
	    txq_totals(db, &all, &tot))
		return -1;
	c->sessions = tot.active;
	return 0;
}
