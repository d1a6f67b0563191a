/*
 * ui-transaction.c — /transactions/{id}: one session.  Who charged where,
 * start and stop with their reasons, energy, cost and duration (as every
 * list shows them: ui-txrow.c, money.c), a chart of energy, power and SoC
 * over the session drawn on the server (ui-chart.c: SVG, no script), the
 * numbers of the chart as a table, the session's meter values as sent,
 * and links to the same values as CSV and to the charge point's OCPP
 * messages of the session's time span.
 *
 * Two queries: the transaction by its primary key, then its meter values
 * in time order on idx_mv_tx_measurand (transaction_id, …).  A session's
 * values are read once for the chart and the tables; only the first
 * MV_READ_MAX are read, so a session that reported for days cannot make
 * the page unbounded (the CSV has them all).
 */
#include "ui-transaction.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mvquery.h"
#include "param.h"
#include "timeutil.h"
#include "ui-chart.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-txcost.h"
#include "ui-txrow.h"

#define MV_READ_MAX  20000 /* meter values read for the chart */
#define MV_TABLE_MAX 500   /* rows of the meter value table */
#define NUM_ROWS_MAX 500   /* rows of the chart's number table */

enum {
	COL_START_STATUS = TXQ_LATEST_WH + 1,
	COL_STOP_TAG,
	COL_ANOMALY,
	COL_RESERVATION
};

static const char sql_tx[] =
    "SELECT " UI_TX_COLUMNS ", t.start_status, t.stop_id_tag, t.anomaly, "
    "t.reservation_id FROM transactions t WHERE t.id = ?";

static const char sql_mv[] = MVQ_SQL("", "", " LIMIT ?");

/* The three curves, in the displayed units. */
enum { S_ENERGY, S_POWER, S_SOC, S_N };

struct curve {
	int64_t *t;
	double *v;
	int n, cap;
};

struct session {
	struct ui_req *r;
	long long meter_start;
	struct curve c[S_N];
	TMPL_loop *mv_rows;
	long n_mv;
	/* The chart's number table: one row per sample time. */
	TMPL_loop *num_rows;
	int n_num;
	int64_t row_ts;
	double row_v[S_N];
	int row_has[S_N];
	int64_t first_ts, last_ts;
};

static int curve_add(struct curve *c, int64_t t, double v)
{
	if (c->n == c->cap) {
		int cap = c->cap ? c->cap * 2 : 256;
		int64_t *nt = realloc(c->t, cap * sizeof *nt);
		if (!nt)
			return -1;
		c->t = nt;
		double *nv = realloc(c->v, cap * sizeof *nv);
		if (!nv)
			return -1;
		c->v = nv;
		c->cap = cap;
	}
	c->t[c->n] = t;
	c->v[c->n++] = v;
	return 0;
}

/* Which curve a sampled value belongs to: whole-meter (no phase) active
 * import energy and power, and SoC, in their base units (num_unit). */
static int curve_of(const char *measurand, const char *phase,
                    const char *num_unit)
{
	if (phase || !measurand || !num_unit)
		return -1;
	if (!strcmp(measurand, "Energy.Active.Import.Register") &&
	    !strcmp(num_unit, "Wh"))
		return S_ENERGY;
	if (!strcmp(measurand, "Power.Active.Import") && !strcmp(num_unit, "W"))
		return S_POWER;
	if (!strcmp(measurand, "SoC") && !strcmp(num_unit, "%"))
		return S_SOC;
	return -1;
}

/* Writes the pending row of the number table (the values of one time). */
static void flush_num_row(struct session *s)
{
	char when[32], iso[32], buf[32];
	if (!s->row_has[S_ENERGY] && !s->row_has[S_POWER] && !s->row_has[S_SOC])
		return;
	if (s->n_num < NUM_ROWS_MAX) {
		ui_fmt_datetime(s->row_ts, when, sizeof when);
		ui_fmt_iso(s->row_ts, iso, sizeof iso);
		TMPL_varlist *row =
		    TMPL_add_var(NULL, "when", when, "iso", iso, (char *)NULL);
		if (s->row_has[S_ENERGY]) {
			snprintf(buf, sizeof buf, "%.3f", s->row_v[S_ENERGY]);
			row = TMPL_add_var(row, "energy", buf, (char *)NULL);
		}
		if (s->row_has[S_POWER]) {
			snprintf(buf, sizeof buf, "%.3f", s->row_v[S_POWER]);
			row = TMPL_add_var(row, "power", buf, (char *)NULL);
		}
		if (s->row_has[S_SOC]) {
			snprintf(buf, sizeof buf, "%.1f", s->row_v[S_SOC]);
			row = TMPL_add_var(row, "soc", buf, (char *)NULL);
		}
		s->num_rows = TMPL_add_varlist(s->num_rows, row);
	}
	s->n_num++;
	memset(s->row_has, 0, sizeof s->row_has);
}

static int add_value(struct session *s, const struct db_rows *rows)
{
	char when[32], iso[32], num[40];
	int64_t ts = db_time_ms(rows, MVQ_TS);
	const char *measurand = db_str(rows, MVQ_MEASURAND);
	const char *phase = db_str(rows, MVQ_PHASE);
	const char *num_unit = db_str(rows, MVQ_NUM_UNIT);
	const char *value = db_str(rows, MVQ_VALUE);
	const char *unit = db_str(rows, MVQ_UNIT);
	const char *samples = db_str(rows, MVQ_SAMPLES);
	if (s->n_mv == 0)
		s->first_ts = ts;
	s->last_ts = ts;
	if (s->n_mv < MV_TABLE_MAX) {
		ui_fmt_datetime(ts, when, sizeof when);
		ui_fmt_iso(ts, iso, sizeof iso);
		TMPL_varlist *row =
		    TMPL_add_var(NULL, "when", when, "iso", iso, "measurand",
		                 measurand ? measurand : "", "value",
		                 value ? value : "", (char *)NULL);
		/* Absent ones show as a dash. */
		if (phase)
			row = TMPL_add_var(row, "phase", phase, (char *)NULL);
		if (unit)
			row = TMPL_add_var(row, "unit", unit, (char *)NULL);
		if (!db_isnull(rows, MVQ_NUM) && num_unit) {
			snprintf(num, sizeof num, "%.10g",
			         db_dbl(rows, MVQ_NUM));
			row = TMPL_add_var(row, "num", num, "num_unit",
			                   num_unit, (char *)NULL);
		}
		if (samples)
			row =
			    TMPL_add_var(row, "rollup", samples, (char *)NULL);
		s->mv_rows = TMPL_add_varlist(s->mv_rows, row);
	}
	s->n_mv++;
	if (db_isnull(rows, MVQ_NUM))
		return 0;
	int k = curve_of(measurand, phase, num_unit);
	if (k < 0)
		return 0;
	double v = db_dbl(rows, MVQ_NUM);
	if (k == S_ENERGY) /* energy of this session, kWh */
		v = (v - (double)s->meter_start) / 1000.0;
	else if (k == S_POWER)
		v /= 1000.0; /* kW */
	if (ts != s->row_ts)
		flush_num_row(s);
	s->row_ts = ts;
	s->row_v[k] = v;
	s->row_has[k] = 1;
	return curve_add(&s->c[k], ts, v);
}

static void free_session(struct session *s)
{
	for (int i = 0; i < S_N; i++) {
		free(s->c[i].t);
		free(s->c[i].v);
	}
}

/* Reads the meter values; -1 on a database error or out of memory. */
static int load_values(struct ui_req *r, long long id, struct session *s)
{
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, sql_mv, "lli", id, id, MV_READ_MAX))
		return -1;
	while ((rc = db_next(&rows)) > 0)
		if (add_value(s, &rows)) {
			snprintf(r->db->err, sizeof r->db->err,
			         "out of memory");
			rc = -1;
			break;
		}
	db_rows_end(&rows);
	flush_num_row(s);
	return rc < 0 ? -1 : 0;
}

static TMPL_varlist *chart_vars(TMPL_varlist *vl, struct session *s,
                                int64_t start, int64_t end)
{
	static const char *const keys[S_N] = {"energy", "power", "soc"};
	static const char *const titles[S_N] = {"Energy", "Power", "SoC"};
	static const char *const units[S_N] = {"kWh", "kW", "%"};
	struct ui_series series[S_N];
	for (int i = 0; i < S_N; i++)
		series[i] = (struct ui_series){
		    .key = keys[i],
		    .title = titles[i],
		    .unit = units[i],
		    .t = s->c[i].t,
		    .v = s->c[i].v,
		    .n = s->c[i].n,
		    .fixed_max = i == S_SOC ? 100 : 0,
		};
	/* The axis covers the session and every value read (a charge
	 * point's clock may run ahead of ours). */
	if (s->n_mv && s->first_ts < start)
		start = s->first_ts;
	if (s->n_mv && s->last_ts > end)
		end = s->last_ts;
	vl = ui_line_vars(vl, series, S_N, start, end);
	char buf[64];
	TMPL_loop *summary = NULL;
	for (int i = 0; i < S_N; i++) {
		if (!s->c[i].n)
			continue;
		double lo = s->c[i].v[0], hi = lo;
		for (int j = 1; j < s->c[i].n; j++) {
			if (s->c[i].v[j] < lo)
				lo = s->c[i].v[j];
			if (s->c[i].v[j] > hi)
				hi = s->c[i].v[j];
		}
		snprintf(buf, sizeof buf, "%s %d samples, from %.3g to %.3g %s",
		         titles[i], s->c[i].n, lo, hi, units[i]);
		summary = TMPL_add_varlist(
		    summary, TMPL_add_var(NULL, "text", buf, (char *)NULL));
	}
	if (summary)
		vl = TMPL_add_loop(vl, "chart_summary", summary);
	if (s->c[S_ENERGY].n || s->c[S_POWER].n || s->c[S_SOC].n)
		vl = TMPL_add_var(vl, "has_curves", "1", (char *)NULL);
	return vl;
}

/* The figures of the transaction row beyond the list's. */
static TMPL_varlist *detail_vars(struct ui_req *r, TMPL_varlist *vl,
                                 const struct db_rows *rows, int64_t *start,
                                 int64_t *end)
{
	char iso[32];
	const char *s;
	*start = db_time_ms(rows, TXQ_START);
	int64_t stop = db_time_ms(rows, TXQ_STOP);
	*end = stop != DB_NULL_TIME ? stop : r->now;
	if ((s = db_str(rows, COL_START_STATUS)) && *s)
		vl = TMPL_add_var(vl, "start_status", s, (char *)NULL);
	if ((s = db_str(rows, COL_STOP_TAG)) && *s)
		vl = TMPL_add_var(vl, "stop_tag", s, (char *)NULL);
	if ((s = db_str(rows, COL_ANOMALY)) && *s)
		vl = TMPL_add_var(vl, "anomaly", s, (char *)NULL);
	if ((s = db_str(rows, COL_RESERVATION)) && *s)
		vl = TMPL_add_var(vl, "reservation", s, (char *)NULL);
	vl = ui_add_fmt(vl, "meter_start", "%lld", db_int(rows, TXQ_MSTART));
	if (!db_isnull(rows, TXQ_MSTOP))
		vl = ui_add_fmt(vl, "meter_stop", "%lld",
		                db_int(rows, TXQ_MSTOP));
	/* The charge point's messages of this session: its span, to now
	 * while it runs. */
	struct ui_qs qs;
	ui_qs_init(&qs);
	ui_fmt_iso(*start, iso, sizeof iso);
	ui_qs_add(&qs, "from", iso);
	ui_fmt_iso(*end, iso, sizeof iso);
	ui_qs_add(&qs, "to", iso);
	return TMPL_add_var(vl, "log_qs", qs.buf, (char *)NULL);
}

void ui_transaction(struct ui_req *r, const char *arg)
{
	long long id;
	struct db_rows rows;
	if (param_parse_int(arg, 1, INT_MAX, &id)) {
		ui_error(r, 400, "Bad request",
		         "A transaction id is a whole number.");
		return;
	}
	if (db_query(r->db, &rows, sql_tx, "l", id)) {
		ui_db_error(r, "transaction");
		return;
	}
	int rc = db_next(&rows);
	TMPL_varlist *tx = NULL;
	struct session s = {.r = r, .row_ts = DB_NULL_TIME};
	int64_t start = 0, end = 0;
	int active = 0;
	if (rc > 0) {
		tx = ui_tx_vars(r, &rows);
		tx = detail_vars(r, tx, &rows, &start, &end);
		s.meter_start = db_int(&rows, TXQ_MSTART);
		active = db_time_ms(&rows, TXQ_STOP) == DB_NULL_TIME;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		TMPL_free_varlist(tx);
		ui_db_error(r, "transaction");
		return;
	}
	if (rc == 0) {
		char msg[96];
		snprintf(msg, sizeof msg, "No transaction has the id %lld.",
		         id);
		ui_error(r, 404, "Transaction not found", msg);
		return;
	}
	if (load_values(r, id, &s)) {
		free_session(&s);
		if (s.mv_rows)
			tx = TMPL_add_loop(tx, "mv", s.mv_rows);
		if (s.num_rows)
			tx = TMPL_add_loop(tx, "nums", s.num_rows);
		TMPL_free_varlist(tx);
		ui_db_error(r, "meter values");
		return;
	}
	char title[48];
	snprintf(title, sizeof title, "Transaction %lld", id);
	/* Refreshed while it runs; a finished session does not change. */
	TMPL_varlist *vl =
	    ui_frame_vars(r, tx, title, "transactions", active ? 5 : 0);
	if (s.mv_rows)
		vl = TMPL_add_loop(vl, "mv", s.mv_rows);
	if (s.num_rows)
		vl = TMPL_add_loop(vl, "nums", s.num_rows);
	vl = ui_add_fmt(vl, "n_mv", "%ld", s.n_mv);
	if (s.n_mv > MV_TABLE_MAX)
		vl = ui_add_fmt(vl, "mv_cut", "%d", MV_TABLE_MAX);
	if (s.n_num > NUM_ROWS_MAX)
		vl = ui_add_fmt(vl, "nums_cut", "%d", NUM_ROWS_MAX);
	if (s.n_mv >= MV_READ_MAX)
		vl = ui_add_fmt(vl, "read_cut", "%d", MV_READ_MAX);
	vl = chart_vars(vl, &s, start, end);
	/* The stored cost and its parts, or a running session's estimate. */
	if (ui_txcost_vars(r, id, &vl)) {
		free_session(&s);
		TMPL_free_varlist(vl);
		ui_db_error(r, "cost");
		return;
	}
	free_session(&s);
	ui_render(r, 200, "transaction.tmpl", vl);
}
