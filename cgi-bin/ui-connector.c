/*
 * ui-connector.c — one query for connectors and their running transaction.
 *
 * The energy so far of a running transaction is its newest whole-meter
 * energy reading minus its meter_start (TXQ_SQL_LATEST_WH); its live power
 * and SoC are its newest whole-meter Power.Active.Import and SoC samples.
 * Each is one lookup in idx_mv_tx_measurand per running session, inside
 * this one query, so the overview of a large fleet stays one query for
 * all of them (docs/benchmarks-dashboard.md).
 */
#include "ui-connector.h"

#include <string.h>

#include "ui-chart.h"
#include "ui-format.h"
#include "ui-txrow.h"

/* The newest whole-meter sample of a measurand of the running transaction
 * (NULL without one). */
#define LATEST_COL(m) "IF(t.id IS NULL, NULL, " TXQ_SQL_LATEST("t.id", m) ")"

/* clang-format off */
#define CONNECTOR_SELECT                                                       \
	"SELECT c.cp_id, c.connector_id, c.status, c.error_code, c.info, "     \
	"c.vendor_error_code, c.status_ts, t.id, t.id_tag, t.start_ts, "       \
	"t.meter_start, "                                                      \
	LATEST_COL("Energy.Active.Import.Register") ", "                       \
	LATEST_COL("Power.Active.Import") ", "                                 \
	LATEST_COL("SoC") ", t.cp_tx_id "                                      \
	"FROM connectors c LEFT JOIN transactions t "                          \
	"ON t.cp_id = c.cp_id AND t.connector_id = c.connector_id "            \
	"AND t.stop_ts IS NULL "
/* clang-format on */

/* Primary key order: no sort.  See ui_connectors_load for duplicates.
 * The list has UI_CONNECTORS_IDS_MAX places, the unused ones NULL: one
 * statement for every page size, each id one primary key range. */
#define Q5  "?, ?, ?, ?, ?"
#define Q25 Q5 ", " Q5 ", " Q5 ", " Q5 ", " Q5
static const char sql_ids[] = CONNECTOR_SELECT
    "WHERE c.cp_id IN (" Q25 ", " Q25 ") ORDER BY c.cp_id, c.connector_id";
_Static_assert(UI_CONNECTORS_IDS_MAX == 50, "sql_ids has 50 places");
static const char sql_one[] =
    CONNECTOR_SELECT "WHERE c.cp_id = ? ORDER BY c.connector_id";

static TMPL_varlist *connector_vars(struct ui_req *r,
                                    const struct db_rows *rows,
                                    struct ui_connector *c)
{
	char buf[64], iso[32];
	const char *err = db_str(rows, 3);
	TMPL_varlist *vl = ui_add_fmt(NULL, "cid", "%d", c->id);
	/* Connector 0 is the charge point as a whole. */
	if (c->id)
		snprintf(buf, sizeof buf, "#%d", c->id);
	else
		snprintf(buf, sizeof buf, "Station");
	vl = TMPL_add_var(vl, "label", buf, "status", c->status, "status_class",
	                  ui_status_class(c->status), (char *)NULL);
	if (err && *err && strcmp(err, "NoError"))
		vl = TMPL_add_var(vl, "error", err, (char *)NULL);
	if (db_str(rows, 4) && *db_str(rows, 4))
		vl = TMPL_add_var(vl, "info", db_str(rows, 4), (char *)NULL);
	if (db_str(rows, 5) && *db_str(rows, 5))
		vl = TMPL_add_var(vl, "vendor_error", db_str(rows, 5),
		                  (char *)NULL);
	int64_t ts = db_time_ms(rows, 6);
	if (ts != DB_NULL_TIME) {
		ui_fmt_ago(ts, r->now, buf, sizeof buf);
		ui_fmt_iso(ts, iso, sizeof iso);
		vl = TMPL_add_var(vl, "since", buf, "since_iso", iso,
		                  (char *)NULL);
	}
	if (!c->has_tx)
		return vl;
	int64_t start = c->tx_start;
	vl = TMPL_add_var(vl, "tx", "1", "tx_id", db_str(rows, 7), "tx_tag",
	                  db_str(rows, 8) ? db_str(rows, 8) : "", (char *)NULL);
	/* A 2.0.1 station's own transactionId: its RequestStopTransaction
	 * names the session by it. */
	if (db_str(rows, 14) && *db_str(rows, 14))
		vl = TMPL_add_var(vl, "tx_cp_id", db_str(rows, 14),
		                  (char *)NULL);
	ui_fmt_kwh(c->tx_wh, 2, buf, sizeof buf);
	vl = TMPL_add_var(vl, "tx_kwh", buf, (char *)NULL);
	if (!db_isnull(rows, 12)) {
		ui_chart_fmt_power(db_dbl(rows, 12), buf, sizeof buf);
		vl = TMPL_add_var(vl, "tx_power", buf, (char *)NULL);
	}
	if (!db_isnull(rows, 13)) {
		snprintf(buf, sizeof buf, "%.0f %%", db_dbl(rows, 13));
		vl = TMPL_add_var(vl, "tx_soc", buf, (char *)NULL);
	}
	ui_fmt_duration(r->now - start, buf, sizeof buf);
	vl = TMPL_add_var(vl, "tx_duration", buf, (char *)NULL);
	ui_fmt_datetime(start, buf, sizeof buf);
	return TMPL_add_var(vl, "tx_start", buf, (char *)NULL);
}

/*
 * Two open transactions on one connector is an anomaly ocppd repairs on
 * the next start; until then the join returns the connector twice.  Each
 * row waits in `held` until the next connector shows up, and a later row
 * for the same connector replaces it only when its transaction is newer.
 */
int ui_connectors_load(struct ui_req *r, const char *const *ids, size_t n,
                       ui_connector_fn fn, void *arg)
{
	struct db_rows rows;
	struct ui_connector held = {0};
	char held_cp[64] = "", held_status[32] = "";
	int rc;

	if (!n || n > UI_CONNECTORS_IDS_MAX)
		return n ? -1 : 0;
	if (n == 1) {
		rc = db_query(r->db, &rows, sql_one, "s", ids[0]);
	} else {
		struct db_value v[UI_CONNECTORS_IDS_MAX];
		for (size_t i = 0; i < UI_CONNECTORS_IDS_MAX; i++)
			v[i] = (struct db_value){.type = 's',
			                         .u.s = i < n ? ids[i] : NULL};
		rc = db_query_values(r->db, &rows, sql_ids, v,
		                     UI_CONNECTORS_IDS_MAX);
	}
	if (rc)
		return -1;
	while ((rc = db_next(&rows)) > 0) {
		struct ui_connector c = {0};
		c.cp_id = db_str(&rows, 0) ? db_str(&rows, 0) : "";
		c.id = (int)db_int(&rows, 1);
		c.status = db_str(&rows, 2) ? db_str(&rows, 2) : "";
		c.has_tx = !db_isnull(&rows, 7);
		c.tx_start = db_time_ms(&rows, 9);
		if (c.has_tx && !db_isnull(&rows, 11)) {
			c.tx_wh = db_dbl(&rows, 11) - db_dbl(&rows, 10);
			if (c.tx_wh < 0)
				c.tx_wh = 0;
		}
		int same =
		    held.vars && held.id == c.id && !strcmp(held_cp, c.cp_id);
		if (same && c.tx_start <= held.tx_start)
			continue;
		if (same) {
			TMPL_free_varlist(held.vars);
		} else if (held.vars) {
			fn(&held, arg);
		}
		held = c;
		held.vars = connector_vars(r, &rows, &c);
		snprintf(held_cp, sizeof held_cp, "%s", c.cp_id);
		snprintf(held_status, sizeof held_status, "%s", c.status);
		held.cp_id = held_cp;
		held.status = held_status;
	}
	if (held.vars) {
		if (rc >= 0)
			fn(&held, arg);
		else
			TMPL_free_varlist(held.vars);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}
