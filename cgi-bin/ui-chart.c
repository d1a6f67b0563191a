/*
 * ui-chart.c — chart geometry and its template variables: the bar chart
 * (energy per day) and the line chart over time (a session's curves).
 */
#include "ui-chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

double ui_chart_nice_max(double v)
{
	static const double steps[] = {1, 2, 2.5, 5, 10};
	if (!(v > 0) || !isfinite(v))
		return 1;
	double p = pow(10, floor(log10(v)));
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		double m = steps[i] * p;
		/* log10 rounding: 1000 must stay 1000, not become 2000 */
		if (m >= v * (1 - 1e-12))
			return m;
	}
	return 10 * p;
}

int ui_chart_layout(const double *values, int n, struct ui_chart *c)
{
	memset(c, 0, sizeof *c);
	if (n < 1 || n > UI_CHART_MAX_BARS)
		return -1;
	double max = 0;
	for (int i = 0; i < n; i++)
		if (values[i] > max && isfinite(values[i]))
			max = values[i];
	c->n = n;
	c->axis_max = ui_chart_nice_max(max);

	const double plot_w = UI_CHART_WIDTH - UI_CHART_LEFT - UI_CHART_RIGHT;
	const double plot_h = UI_CHART_HEIGHT - UI_CHART_TOP - UI_CHART_BOTTOM;
	const double base = UI_CHART_HEIGHT - UI_CHART_BOTTOM;
	const double slot = plot_w / n;
	for (int i = 0; i < n; i++) {
		double v = values[i] > 0 && isfinite(values[i]) ? values[i] : 0;
		double h = v / c->axis_max * plot_h;
		/* A day with some energy stays visible as a sliver. */
		if (v > 0 && h < 1)
			h = 1;
		c->bars[i].w = slot * 0.72;
		c->bars[i].x =
		    UI_CHART_LEFT + slot * i + (slot - c->bars[i].w) / 2;
		c->bars[i].h = h;
		c->bars[i].y = base - h;
	}
	for (int t = 0; t <= UI_CHART_TICKS; t++) {
		c->tick_value[t] = c->axis_max * t / UI_CHART_TICKS;
		c->tick_y[t] = base - plot_h * t / UI_CHART_TICKS;
	}
	return 0;
}

/*
 * Enough decimals to tell steps of size step apart (a chart of a few Wh has
 * ticks of 0.0025 kWh), then "12.50" trimmed to "12.5" and "10.00" to "10".
 */
static void fmt_value(double v, double step, char *buf, size_t n)
{
	int decimals = 2;
	if (step > 0 && isfinite(step)) {
		decimals = 1 - (int)floor(log10(step));
		if (decimals < 0)
			decimals = 0;
		if (decimals > 6)
			decimals = 6;
	}
	snprintf(buf, n, "%.*f", decimals, v);
	char *dot = strchr(buf, '.');
	if (!dot)
		return;
	char *end = buf + strlen(buf) - 1;
	while (end > dot && *end == '0')
		*end-- = '\0';
	if (end == dot)
		*end = '\0';
}

static TMPL_varlist *add_num(TMPL_varlist *vl, const char *name, double v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%.1f", v);
	return TMPL_add_var(vl, name, buf, (char *)NULL);
}

TMPL_varlist *ui_chart_vars(TMPL_varlist *vl, const struct ui_chart *c,
                            const double *values, const char *const *labels,
                            const char *const *short_labels, int label_every,
                            const char *unit)
{
	char buf[64];
	TMPL_loop *bars = NULL, *ticks = NULL;
	for (int i = 0; i < c->n; i++) {
		const struct ui_chart_bar *b = &c->bars[i];
		TMPL_varlist *row = add_num(NULL, "x", b->x);
		row = add_num(row, "y", b->y);
		row = add_num(row, "w", b->w);
		row = add_num(row, "h", b->h);
		fmt_value(values[i] > 0 ? values[i] : 0,
		          c->axis_max / UI_CHART_TICKS / 10, buf, sizeof buf);
		row = TMPL_add_var(row, "label", labels[i], "value", buf,
		                   "unit", unit, (char *)NULL);
		if (label_every > 0 && (c->n - 1 - i) % label_every == 0) {
			row = TMPL_add_var(row, "show_label", "1", "short",
			                   short_labels[i], (char *)NULL);
			row = add_num(row, "label_x", b->x + b->w / 2);
			row = add_num(row, "label_y",
			              UI_CHART_HEIGHT - UI_CHART_BOTTOM + 16);
		}
		bars = TMPL_add_varlist(bars, row);
	}
	for (int t = 0; t <= UI_CHART_TICKS; t++) {
		TMPL_varlist *row = add_num(NULL, "y", c->tick_y[t]);
		row = add_num(row, "text_y", c->tick_y[t] + 4);
		fmt_value(c->tick_value[t], c->axis_max / UI_CHART_TICKS, buf,
		          sizeof buf);
		row = TMPL_add_var(row, "value", buf, (char *)NULL);
		ticks = TMPL_add_varlist(ticks, row);
	}
	if (bars)
		vl = TMPL_add_loop(vl, "bars", bars);
	if (ticks)
		vl = TMPL_add_loop(vl, "ticks", ticks);
	vl = add_num(vl, "chart_width", UI_CHART_WIDTH);
	vl = add_num(vl, "chart_height", UI_CHART_HEIGHT);
	vl = add_num(vl, "chart_left", UI_CHART_LEFT);
	return add_num(vl, "chart_right", UI_CHART_WIDTH - UI_CHART_RIGHT);
}

/* ---- line chart over time ---- */

int64_t ui_chart_time_step(int64_t span_ms, int max_ticks)
{
	static const int64_t steps[] = {
	    1000,     2000,     5000,     10000,     15000,
	    30000,    60000,    120000,   300000,    600000,
	    900000,   1800000,  3600000,  7200000,   10800000,
	    21600000, 43200000, 86400000, 172800000, 604800000,
	};
	if (max_ticks < 1)
		max_ticks = 1;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		if (span_ms <= steps[i] * max_ticks)
			return steps[i];
	/* Weeks: as many as it takes. */
	int64_t week = steps[sizeof steps / sizeof steps[0] - 1];
	int64_t k = (span_ms + week * max_ticks - 1) / (week * max_ticks);
	return week * (k > 0 ? k : 1);
}

double ui_line_x(int64_t t, int64_t t0, int64_t t1)
{
	const double plot_w = UI_CHART_WIDTH - UI_CHART_LEFT - UI_CHART_RIGHT;
	if (t1 <= t0 || t <= t0)
		return UI_CHART_LEFT;
	if (t >= t1)
		return UI_CHART_LEFT + plot_w;
	return UI_CHART_LEFT + plot_w * (double)(t - t0) / (double)(t1 - t0);
}

double ui_line_y(double v, double axis_max, double top)
{
	if (!isfinite(v) || v < 0)
		v = 0;
	if (!(axis_max > 0))
		axis_max = 1;
	if (v > axis_max)
		v = axis_max;
	return top + UI_LINE_PANEL_H - v / axis_max * UI_LINE_PANEL_H;
}

void ui_chart_fmt_power(double w, char *buf, size_t n)
{
	if (!isfinite(w))
		w = 0;
	/* Where the rounding would print "1000 W" or "100.0 kW", the next
	 * form takes over. */
	if (fabs(w) < 999.5)
		snprintf(buf, n, "%.0f W", w);
	else if (fabs(w) < 99950)
		snprintf(buf, n, "%.1f kW", w / 1000);
	else
		snprintf(buf, n, "%.0f kW", w / 1000);
}

/* A time axis label: seconds only when the step needs them, the date only
 * when the step is a day or more. */
static void fmt_tick_time(int64_t t, int64_t step, char *buf, size_t n)
{
	char iso[32];
	time_format_iso8601(t, iso); /* 2025-11-25T13:00:01.000Z */
	if (step >= 86400000)
		snprintf(buf, n, "%.5s", iso + 5);
	else if (step < 60000)
		snprintf(buf, n, "%.8s", iso + 11);
	else
		snprintf(buf, n, "%.5s", iso + 11);
}

static TMPL_varlist *line_panel(const struct ui_series *s, double top,
                                int64_t t0, int64_t t1)
{
	char buf[64];
	double max = 0;
	for (int i = 0; i < s->n; i++)
		if (isfinite(s->v[i]) && s->v[i] > max)
			max = s->v[i];
	double axis_max =
	    s->fixed_max > 0 ? s->fixed_max : ui_chart_nice_max(max);

	TMPL_varlist *vl = TMPL_add_var(NULL, "key", s->key, "title", s->title,
	                                "unit", s->unit, (char *)NULL);
	vl = add_num(vl, "title_y", top - 8);
	vl = add_num(vl, "top", top);
	vl = add_num(vl, "base", top + UI_LINE_PANEL_H);
	TMPL_loop *ticks = NULL;
	for (int t = 0; t <= UI_LINE_TICKS; t++) {
		double v = axis_max * t / UI_LINE_TICKS;
		double y = ui_line_y(v, axis_max, top);
		TMPL_varlist *row = add_num(NULL, "y", y);
		row = add_num(row, "text_y", y + 4);
		/* A tenth of the step: 1.25 stays 1.25, not 1.2 */
		fmt_value(v, axis_max / UI_LINE_TICKS / 10, buf, sizeof buf);
		row = TMPL_add_var(row, "value", buf, (char *)NULL);
		ticks = TMPL_add_varlist(ticks, row);
	}
	vl = TMPL_add_loop(vl, "ticks", ticks);
	snprintf(buf, sizeof buf, "%d", s->n);
	vl = TMPL_add_var(vl, "n", buf, (char *)NULL);
	if (!s->n)
		return TMPL_add_var(vl, "empty", "1", (char *)NULL);

	/* "x,y " per point; the template escapes nothing in it. */
	char *pts = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&pts, &len);
	if (m) {
		for (int i = 0; i < s->n; i++)
			fprintf(m, "%s%.1f,%.1f", i ? " " : "",
			        ui_line_x(s->t[i], t0, t1),
			        ui_line_y(s->v[i], axis_max, top));
		if (fclose(m)) {
			free(pts);
			pts = NULL;
		}
	}
	vl = TMPL_add_var(vl, "points", pts ? pts : "", (char *)NULL);
	free(pts);
	int last = s->n - 1;
	vl = add_num(vl, "last_x", ui_line_x(s->t[last], t0, t1));
	vl = add_num(vl, "last_y", ui_line_y(s->v[last], axis_max, top));
	fmt_value(s->v[last], axis_max / UI_LINE_TICKS / 10, buf, sizeof buf);
	return TMPL_add_var(vl, "last_value", buf, (char *)NULL);
}

TMPL_varlist *ui_line_vars(TMPL_varlist *vl, const struct ui_series *s, int ns,
                           int64_t t0, int64_t t1)
{
	char buf[32];
	if (t1 <= t0)
		t1 = t0 + 60000;
	TMPL_loop *panels = NULL, *xticks = NULL;
	double top = UI_LINE_TITLE_H;
	for (int i = 0; i < ns; i++) {
		panels =
		    TMPL_add_varlist(panels, line_panel(&s[i], top, t0, t1));
		top += UI_LINE_PANEL_H + UI_LINE_TITLE_H;
	}
	double base = top - UI_LINE_TITLE_H; /* of the last panel */
	int64_t step = ui_chart_time_step(t1 - t0, UI_LINE_X_TICKS);
	/* Ticks at whole steps of UTC time (floor, for times before 1970). */
	int64_t first = t0 / step * step;
	if (first < t0)
		first += step;
	for (int64_t t = first; t <= t1; t += step) {
		TMPL_varlist *row = add_num(NULL, "x", ui_line_x(t, t0, t1));
		row = add_num(row, "label_y", base + 16);
		fmt_tick_time(t, step, buf, sizeof buf);
		row = TMPL_add_var(row, "label", buf, (char *)NULL);
		xticks = TMPL_add_varlist(xticks, row);
	}
	if (panels)
		vl = TMPL_add_loop(vl, "panels", panels);
	if (xticks)
		vl = TMPL_add_loop(vl, "xticks", xticks);
	vl = add_num(vl, "line_width", UI_CHART_WIDTH);
	vl = add_num(vl, "line_height", base + UI_LINE_AXIS_H);
	vl = add_num(vl, "line_left", UI_CHART_LEFT);
	vl = add_num(vl, "line_right", UI_CHART_WIDTH - UI_CHART_RIGHT);
	vl = add_num(vl, "line_top", UI_LINE_TITLE_H);
	return add_num(vl, "line_base", base);
}
