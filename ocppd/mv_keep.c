/*
 * mv_keep.c — meter_values' month partitions and rollup; see mv_keep.h.
 *
 * A month is rolled up a range of transaction ids at a time (on the
 * (transaction_id, ...) index, inside the one partition), so no statement
 * holds locks or builds a Galera write set of a whole month.  INSERT
 * IGNORE on meter_rollup's key makes a rollup that ran before (the drop
 * failed, ocppd stopped) harmless to run again.
 */
#include "mv_keep.h"

#include <stdio.h>
#include <string.h>

#include "date_parts.h"
#include "log.h"

#define TX_CHUNK 1000 /* transaction ids per rollup statement */

static const struct date_parts parts = {"meter_values", "meter values",
                                        DP_MONTH};

/* The 15-minute bucket of ts, for any year (UNIX_TIMESTAMP stops at
 * 2038). */
#define BUCKET                                                                 \
	"(DATE_FORMAT(ts, '%Y-%m-%d %H:00:00') + INTERVAL (MINUTE(ts) DIV 15 " \
	"* 15) MINUTE)"
#define SERIES                                                                 \
	"IFNULL(transaction_id, 0), measurand, IFNULL(phase, ''), " BUCKET     \
	", cp_id, connector_id"

/* The values of a partition to roll up: those received before its bound
 * (?).  The older partitions are gone by then (a pass handles them
 * oldest first and stops at a failure), so "day < bound" prunes to this
 * one partition; prepared statements are optimised at each execution,
 * so the bound as a parameter prunes too. */
#define ROLLUP_SQL(where)                                                      \
	"INSERT IGNORE INTO meter_rollup (transaction_id, measurand, phase, "  \
	"bucket, cp_id, connector_id, part_bound, samples, ts_last, "          \
	"value_last, num_last, num_min, num_max, num_avg, num_unit, unit, "    \
	"context, location, format) "                                          \
	"SELECT tx, measurand, ph, bucket, cp_id, connector_id, ?, samples, "  \
	"ts, value, value_num, vmin, vmax, vavg, num_unit, unit, context, "    \
	"location, format FROM (SELECT IFNULL(transaction_id, 0) AS tx, "      \
	"measurand, IFNULL(phase, '') AS ph, " BUCKET " AS bucket, cp_id, "    \
	"connector_id, ts, value, value_num, num_unit, unit, context, "        \
	"location, format, COUNT(*) OVER w AS samples, "                       \
	"MIN(value_num) OVER w AS vmin, MAX(value_num) OVER w AS vmax, "       \
	"AVG(value_num) OVER w AS vavg, "                                      \
	"ROW_NUMBER() OVER (w ORDER BY ts DESC, id DESC) AS rn "               \
	"FROM meter_values WHERE day < ? AND " where " "                       \
	"WINDOW w AS (PARTITION BY " SERIES ")) s WHERE rn = 1"

static const char sql_no_tx[] = ROLLUP_SQL("transaction_id IS NULL");
static const char sql_tx_range[] = ROLLUP_SQL("transaction_id BETWEEN ? AND ?");
static const char sql_tx_span[] =
    "SELECT MIN(transaction_id), MAX(transaction_id) FROM meter_values "
    "WHERE day < ?";

/* Rolls up one partition's values; -1 when any part failed (the
 * partition is then kept for the next pass). */
static int rollup(struct db *db, const char *part, long bound_day,
                  int (*stop)(void))
{
	char bound[11];
	dp_day_str(bound_day, bound);
	struct db_rows rows;
	if (db_query(db, &rows, sql_tx_span, "s", bound))
		goto fail;
	long long lo = -1, hi = -1;
	if (db_next(&rows) == 1 && !db_isnull(&rows, 0)) {
		lo = db_int(&rows, 0);
		hi = db_int(&rows, 1);
	}
	db_rows_end(&rows);
	if (db_exec(db, sql_no_tx, "ss", bound, bound) < 0)
		goto fail;
	for (long long a = lo; lo >= 0 && a <= hi; a += TX_CHUNK) {
		if (stop())
			return -1;
		if (db_exec(db, sql_tx_range, "ssll", bound, bound, a,
		            a + TX_CHUNK - 1) < 0)
			goto fail;
	}
	return 0;
fail:
	log_warn("ocppd: meter values rollup of %s: %s", part, db_error(db));
	return -1;
}

void mv_keep_pass(struct db *db, const struct csms_config *cfg, long today,
                  int (*stop)(void))
{
	struct dp_plan plan;
	if (dp_read(db, &parts, today, cfg->meter_values_retention_days,
	            &plan) ||
	    !plan.ours)
		return; /* not our table's layout: leave it alone */
	dp_split_ahead(db, &parts, today, &plan);
	long below = plan.oldest;
	for (int i = 0; i < plan.n_expired && !stop(); i++) {
		const char *name = plan.expired[i];
		if (rollup(db, name, plan.expired_bound[i], stop) ||
		    dp_drop(db, &parts, name))
			break;
		below = plan.expired_bound[i];
		log_info("ocppd: meter values of %s rolled up to 15 minutes "
		         "and dropped (older than %d days)",
		         name, cfg->meter_values_retention_days);
	}
	if (below < 0)
		return;
	char day[11];
	dp_day_str(below, day);
	/* Never backwards: a node with an older view of the partitions (a
	 * race with another node's pass) must not hide rollup rows. */
	if (db_exec(db,
	            "UPDATE meter_retention SET dropped_below = ? "
	            "WHERE id = 1 AND dropped_below < ?",
	            "ss", day, day) < 0)
		log_warn("ocppd: meter values retention: %s", db_error(db));
}
