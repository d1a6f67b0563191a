/*
 * ui-chart.c — bar chart geometry and its template variables.
 */
#include "ui-chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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
