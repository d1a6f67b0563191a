/*
 * fleet_counters.c — see fleet_counters.h.
 */
#include "fleet_counters.h"

#include "counters.h"
#include "db.h"
#include "log.h"
#include "site_counters.h"
#include "ticker.h"
#include "timeutil.h"

static const struct csms_config *cfg;
static int logged;

/* Another node's snapshot younger than most of an interval: its turn. */
static int fresh(struct db *db, int interval_s)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT 1 FROM fleet_counters WHERE id = 1 AND taken_at > "
	             "UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
	             "i", interval_s > 1 ? interval_s - 1 : 1))
		return -1;
	int rc = db_next(&r);
	db_rows_end(&r);
	return rc;
}

static void count(struct db *db, void *arg)
{
	(void)arg;
	struct counters c;
	int rc = fresh(db, cfg->fleet_counters_interval);
	/* The sites' totals go with the fleet's, on the same node. */
	if (rc == 0)
		rc = counters_load(db, &c) ||
		             counters_load_cps_by_status(db, &c) ||
		             counters_store(db, &c) ||
		             site_counters_refresh(db, time_now_ms())
		         ? -1
		         : 0;
	if (rc < 0 && !logged)
		log_warn("ocppd: fleet counters: %s", db_error(db));
	logged = rc < 0;
}

static struct ticker T = {.name = "fleet counters", .run = count};

int fleet_counters_start(const struct csms_config *c, char *err, size_t errlen)
{
	if (c->fleet_counters_interval <= 0)
		return 0;
	cfg = c;
	T.every_s = c->fleet_counters_interval;
	return ticker_start(&T, c, err, errlen);
}

void fleet_counters_stop(void)
{
	ticker_stop(&T);
}
