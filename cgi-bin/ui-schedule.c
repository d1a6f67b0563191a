/*
 * ui-schedule.c — see ui-schedule.h.
 *
 * Both queries touch only this charge point's rows: the newest profiles
 * by idx_cprof_cp, the schedules by composite_schedules' primary key.
 */
#include "ui-schedule.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "timeutil.h"
#include "ui-chart.h"

#define LIMITS_SHOWN 4 /* periods summed up in a profile's row */

static const char sched_sql_profiles[] =
    "SELECT profile_id, connector_id, purpose, stack_level, kind, status, "
    "answer, transaction_id, schedule, created_at FROM charging_profiles "
    "WHERE cp_id = ? ORDER BY created_at DESC, id DESC LIMIT 20";

static const char sched_sql_schedules[] =
    "SELECT connector_id, duration, schedule_start, charging_rate_unit, "
    "schedule, received_at FROM composite_schedules WHERE cp_id = ? "
    "ORDER BY connector_id";

double ui_schedule_y(double v, double axis_max)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	if (!(axis_max > 0))
		axis_max = 1;
	if (v > axis_max)
		v = axis_max;
	return UI_SCHEDULE_TOP + UI_SCHEDULE_PLOT_H -
	       v / axis_max * UI_SCHEDULE_PLOT_H;
}

static double sched_x(int64_t s, int64_t span_s)
{
	return ui_line_x(s * 1000, 0, span_s * 1000);
}

int ui_schedule_points(const struct ui_sched_period *p, int n, int64_t span_s,
                       double axis_max, char *out, size_t outlen)
{
	size_t used = 0;
	int pts = 0;
	if (n < 1 || !outlen)
		return -1;
	out[0] = '\0';
	for (int i = 0; i < n && p[i].start_s < span_s; i++) {
		int64_t end = i + 1 < n && p[i + 1].start_s < span_s
		                  ? p[i + 1].start_s
		                  : span_s;
		double y = ui_schedule_y(p[i].limit, axis_max);
		/* The step: down or up at the period's start, then flat. */
		int w =
		    snprintf(out + used, outlen - used, "%s%.1f,%.1f %.1f,%.1f",
		             used ? " " : "", sched_x(p[i].start_s, span_s), y,
		             sched_x(end, span_s), y);
		if (w < 0 || (size_t)w >= outlen - used)
			return -1;
		used += (size_t)w;
		pts += 2;
	}
	return pts;
}

static const char *sched_status_class(const char *st)
{
	if (!strcmp(st, "accepted"))
		return "ok";
	if (!strcmp(st, "rejected") || !strcmp(st, "failed"))
		return "bad";
	return "muted";
}

/* "0 s", "+30 min", "+2 h": an offset on the time axis, in the unit of
 * its step. */
static void sched_fmt_offset(int64_t s, int64_t step_s, char *buf, size_t n)
{
	if (s == 0)
		snprintf(buf, n, "0");
	else if (s % 3600 == 0 && step_s >= 600)
		snprintf(buf, n, "+%lld h", (long long)(s / 3600));
	else if (step_s >= 60 && s % 60 == 0)
		snprintf(buf, n, "+%lld min", (long long)(s / 60));
	else
		snprintf(buf, n, "+%lld s", (long long)s);
}

/* "16", "7.5": a limit as OCPP sends it (multiples of 0.1). */
static void sched_fmt_limit(double v, char *buf, size_t n)
{
	snprintf(buf, n, "%.1f", v);
	size_t len = strlen(buf);
	if (len > 2 && !strcmp(buf + len - 2, ".0"))
		buf[len - 2] = '\0';
}

/* The periods of a chargingSchedule, ascending as OCPP sends them (ocppd
 * checked that for what it sent; a charge point's answer is drawn as it
 * came, out of order periods left out). */
static int sched_read_periods(const cJSON *cs, struct ui_sched_period *p)
{
	const cJSON *arr =
	    cJSON_GetObjectItemCaseSensitive(cs, "chargingSchedulePeriod");
	const cJSON *e;
	int n = 0;
	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *st =
		    cJSON_GetObjectItemCaseSensitive(e, "startPeriod");
		const cJSON *li = cJSON_GetObjectItemCaseSensitive(e, "limit");
		if (n == UI_SCHEDULE_MAX_PERIODS || !cJSON_IsNumber(st) ||
		    !cJSON_IsNumber(li) ||
		    (n && (int64_t)st->valuedouble <= p[n - 1].start_s))
			continue;
		p[n].start_s = (int64_t)st->valuedouble;
		p[n].limit = li->valuedouble;
		n++;
	}
	return n;
}

/* "16 A @0 s, 8 A @1800 s": a profile's schedule in one line. */
static void sched_limits_text(const char *json, char *buf, size_t n)
{
	struct ui_sched_period p[UI_SCHEDULE_MAX_PERIODS];
	cJSON *cs = json ? cJSON_Parse(json) : NULL;
	const char *unit = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(cs, "chargingRateUnit"));
	int np = cs ? sched_read_periods(cs, p) : 0;
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < np && i < LIMITS_SHOWN && used < n; i++) {
		char lim[32];
		sched_fmt_limit(p[i].limit, lim, sizeof lim);
		int w = snprintf(buf + used, n - used, "%s%s %s @%lld s",
		                 i ? ", " : "", lim, unit ? unit : "",
		                 (long long)p[i].start_s);
		used += w > 0 ? (size_t)w : 0;
	}
	if (np > LIMITS_SHOWN && used + 5 < n)
		snprintf(buf + used, n - used, ", …");
	cJSON_Delete(cs);
}

static int sched_add_profiles(struct ui_req *r, const char *id,
                              TMPL_varlist **vl)
{
	struct db_rows rows;
	TMPL_loop *loop = NULL;
	int rc;
	if (db_query(r->db, &rows, sched_sql_profiles, "s", id))
		return -1;
	while ((rc = db_next(&rows)) > 0) {
		char pid[24], conn[24], level[24], limits[200], iso[32];
		const char *st = db_str(&rows, 5) ? db_str(&rows, 5) : "";
		snprintf(pid, sizeof pid, "%lld", db_int(&rows, 0));
		snprintf(conn, sizeof conn, "%lld", db_int(&rows, 1));
		snprintf(level, sizeof level, "%lld", db_int(&rows, 3));
		sched_limits_text(db_str(&rows, 8), limits, sizeof limits);
		time_format_iso8601(db_time_ms(&rows, 9), iso);
		char when[20];
		snprintf(when, sizeof when, "%.10s %.5s", iso, iso + 11);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "profile_id", pid, "connector",
		    strcmp(conn, "0") ? conn : "whole CP", "purpose",
		    db_str(&rows, 2) ? db_str(&rows, 2) : "", "level", level,
		    "kind", db_str(&rows, 4) ? db_str(&rows, 4) : "", "status",
		    st, "sched_status_class", sched_status_class(st), "answer",
		    db_str(&rows, 6) ? db_str(&rows, 6) : "", "tx",
		    db_str(&rows, 7) ? db_str(&rows, 7) : "", "limits", limits,
		    "when", when, "when_iso", iso, (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "charging_profiles", loop);
	return rc < 0 ? -1 : 0;
}

static TMPL_varlist *sched_num(TMPL_varlist *vl, const char *name, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.1f", v);
	return TMPL_add_var(vl, name, buf, (char *)NULL);
}

/* One connector's schedule: its chart's variables. */
static TMPL_varlist *sched_row(const struct db_rows *rows)
{
	struct ui_sched_period p[UI_SCHEDULE_MAX_PERIODS];
	char buf[64], iso[32];
	cJSON *cs = db_str(rows, 4) ? cJSON_Parse(db_str(rows, 4)) : NULL;
	int np = cs ? sched_read_periods(cs, p) : 0;
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(cs, "duration");
	int64_t span = cJSON_IsNumber(d) && d->valuedouble > 0
	                   ? (int64_t)d->valuedouble
	                   : db_int(rows, 1);
	if (span <= 0)
		span = np ? p[np - 1].start_s + 3600 : 3600;
	double max = 0;
	for (int i = 0; i < np; i++)
		if (p[i].limit > max)
			max = p[i].limit;
	double axis_max = ui_chart_nice_max(max);
	const char *unit = db_str(rows, 3) ? db_str(rows, 3) : "";

	long long conn = db_int(rows, 0);
	char label[40] = "Whole charge point";
	if (conn)
		snprintf(label, sizeof label, "Connector %lld", conn);
	snprintf(buf, sizeof buf, "%lld", conn);
	TMPL_varlist *vl =
	    TMPL_add_var(NULL, "connector", buf, "connector_label", label,
	                 "unit", unit, (char *)NULL);
	snprintf(buf, sizeof buf, "%lld", (long long)span);
	vl = TMPL_add_var(vl, "duration", buf, (char *)NULL);
	int64_t start = db_time_ms(rows, 2);
	if (start != DB_NULL_TIME) {
		time_format_iso8601(start, iso);
		snprintf(buf, sizeof buf, "%.10s %.8s", iso, iso + 11);
		vl = TMPL_add_var(vl, "start", buf, "start_iso", iso,
		                  (char *)NULL);
	}
	time_format_iso8601(db_time_ms(rows, 5), iso);
	snprintf(buf, sizeof buf, "%.10s %.8s", iso, iso + 11);
	vl = TMPL_add_var(vl, "received", buf, "received_iso", iso,
	                  (char *)NULL);

	double base = UI_SCHEDULE_TOP + UI_SCHEDULE_PLOT_H;
	char pts[UI_SCHEDULE_MAX_PERIODS * 2 * 24 + 64];
	int npts =
	    np ? ui_schedule_points(p, np, span, axis_max, pts, sizeof pts - 48)
	       : -1;
	if (npts > 0) {
		vl = TMPL_add_var(vl, "points", pts, (char *)NULL);
		/* The same line closed along the base: the filled area. */
		size_t len = strlen(pts);
		snprintf(pts + len, sizeof pts - len, " %.1f,%.1f %.1f,%.1f",
		         sched_x(span, span), base, sched_x(p[0].start_s, span),
		         base);
		vl = TMPL_add_var(vl, "area", pts, (char *)NULL);
	} else {
		vl = TMPL_add_var(vl, "empty", "1", (char *)NULL);
	}

	TMPL_loop *ticks = NULL, *xticks = NULL, *periods = NULL;
	for (int t = 0; t <= UI_LINE_TICKS; t++) {
		double v = axis_max * t / UI_LINE_TICKS;
		double y = ui_schedule_y(v, axis_max);
		TMPL_varlist *row = sched_num(NULL, "y", y);
		row = sched_num(row, "text_y", y + 4);
		sched_fmt_limit(v, buf, sizeof buf);
		row = TMPL_add_var(row, "value", buf, (char *)NULL);
		ticks = TMPL_add_varlist(ticks, row);
	}
	int64_t step = ui_chart_time_step(span * 1000, UI_LINE_X_TICKS) / 1000;
	if (step < 1)
		step = 1;
	for (int64_t s = 0; s <= span; s += step) {
		TMPL_varlist *row = sched_num(NULL, "x", sched_x(s, span));
		row = sched_num(row, "label_y", base + 16);
		sched_fmt_offset(s, step, buf, sizeof buf);
		/* The last label ends at the plot's edge, not past it. */
		row = TMPL_add_var(row, "anchor",
		                   s + step > span ? "end" : "middle",
		                   (char *)NULL);
		row = TMPL_add_var(row, "label", buf, (char *)NULL);
		xticks = TMPL_add_varlist(xticks, row);
	}
	for (int i = 0; i < np; i++) {
		char off[24];
		snprintf(off, sizeof off, "%lld", (long long)p[i].start_s);
		sched_fmt_limit(p[i].limit, buf, sizeof buf);
		periods = TMPL_add_varlist(
		    periods, TMPL_add_var(NULL, "offset", off, "limit", buf,
		                          (char *)NULL));
	}
	vl = TMPL_add_loop(vl, "ticks", ticks);
	vl = TMPL_add_loop(vl, "xticks", xticks);
	if (periods)
		vl = TMPL_add_loop(vl, "periods", periods);
	vl = sched_num(vl, "width", UI_CHART_WIDTH);
	vl = sched_num(vl, "height", base + UI_SCHEDULE_AXIS_H);
	vl = sched_num(vl, "left", UI_CHART_LEFT);
	vl = sched_num(vl, "right", UI_CHART_WIDTH - UI_CHART_RIGHT);
	vl = sched_num(vl, "base", base);
	cJSON_Delete(cs);
	return vl;
}

static int sched_add_schedules(struct ui_req *r, const char *id,
                               TMPL_varlist **vl)
{
	struct db_rows rows;
	TMPL_loop *loop = NULL;
	int rc;
	if (db_query(r->db, &rows, sched_sql_schedules, "s", id))
		return -1;
	while ((rc = db_next(&rows)) > 0)
		loop = TMPL_add_varlist(loop, sched_row(&rows));
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "schedules", loop);
	return rc < 0 ? -1 : 0;
}

int ui_schedule_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	return sched_add_profiles(r, id, vl) || sched_add_schedules(r, id, vl)
	           ? -1
	           : 0;
}
