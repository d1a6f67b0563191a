/*
 * ui-chart.h — a bar chart as inline SVG, computed on the server: no chart
 * library and no script, so it also works with JavaScript off.
 *
 * The geometry is pure (ui_chart_layout) and unit-tested; ui_chart_vars
 * turns it into template variables for chart.tmpl.
 *
 * The second kind is a line chart over time (a session's energy, power and
 * SoC): one panel per series, stacked, each with its own y axis and unit,
 * all sharing one time axis (ui_line_vars).
 */
#include <stdint.h>

#ifndef CSMS_UI_CHART_H
#define CSMS_UI_CHART_H

#include "tmpl.h"

#define UI_CHART_MAX_BARS 62
#define UI_CHART_TICKS    4 /* horizontal grid lines above the base line */

/* The drawing area, in SVG user units (viewBox 0 0 WIDTH HEIGHT). */
#define UI_CHART_WIDTH  960
#define UI_CHART_HEIGHT 220
#define UI_CHART_LEFT   52
#define UI_CHART_RIGHT  8
#define UI_CHART_TOP    10
#define UI_CHART_BOTTOM 26

struct ui_chart_bar {
	double x, y, w, h;
};

struct ui_chart {
	int n;
	double axis_max; /* value of the top grid line */
	struct ui_chart_bar bars[UI_CHART_MAX_BARS];
	double tick_y[UI_CHART_TICKS + 1]; /* 0 is the base line */
	double tick_value[UI_CHART_TICKS + 1];
};

/*
 * The smallest "nice" number (1, 2, 2.5 or 5 times a power of ten) that is
 * >= v; 1 for v <= 0, so an empty chart still has an axis.
 */
double ui_chart_nice_max(double v);

/* Lays out n (<= UI_CHART_MAX_BARS) non-negative values as bars; negative
 * values draw as zero.  -1 when n is out of range. */
int ui_chart_layout(const double *values, int n, struct ui_chart *c);

/*
 * Adds the loops "bars" (x, y, w, h, label, value, and show_label on every
 * label_every-th bar counted back from the last, with label_x, label_y) and
 * "ticks" (y, value) plus chart_width/chart_height/chart_left/chart_right to
 * vl.  labels[i] names bar i ("2025-11-03"), short_labels[i] is what the axis
 * shows ("11-03"); unit follows each value in the tooltips ("kWh").  Values are
 * in the displayed unit.  Returns vl.
 */
TMPL_varlist *ui_chart_vars(TMPL_varlist *vl, const struct ui_chart *c,
                            const double *values, const char *const *labels,
                            const char *const *short_labels, int label_every,
                            const char *unit);

/* The line chart: panels stacked in SVG user units (viewBox 0 0 WIDTH h). */
#define UI_LINE_PANEL_H 110 /* plot height of one panel */
#define UI_LINE_TITLE_H 26  /* above each plot: its title */
#define UI_LINE_AXIS_H  24  /* below the last plot: the time labels */
#define UI_LINE_TICKS   4   /* grid lines above each panel's base line */
#define UI_LINE_X_TICKS 6   /* at most this many time intervals */

/*
 * The step of the time axis for a span of span_ms: the smallest of 1, 2, 5,
 * 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, 1, 2, 7 days (then
 * multiples of 7 days) that cuts the span into at most max_ticks intervals.
 */
int64_t ui_chart_time_step(int64_t span_ms, int max_ticks);

/* x of time t on a time axis from t0 (left edge of the plot) to t1 (right
 * edge); clamped to the plot.  t1 <= t0 puts everything at the left. */
double ui_line_x(int64_t t, int64_t t0, int64_t t1);

/* y of v on a panel whose plot starts at top (the axis_max grid line) and is
 * UI_LINE_PANEL_H high; clamped to [0, axis_max]. */
double ui_line_y(double v, double axis_max, double top);

/* "950 W", "7.4 kW", "150 kW": a power as the dashboard shows it. */
void ui_chart_fmt_power(double w, char *buf, size_t n);

/* One series of a line chart, values already in the displayed unit. */
struct ui_series {
	const char *key;   /* CSS class and data-series: "energy" */
	const char *title; /* "Energy" */
	const char *unit;  /* "kWh" */
	const int64_t *t;  /* ms UTC, ascending */
	const double *v;
	int n;
	double
	    fixed_max; /* the axis maximum (100 for SoC), or 0: from the data */
};

/*
 * Adds the loop "panels" (key, title, unit, title_y, top, base, ticks {y,
 * text_y, value}, points "x,y x,y …" for a <polyline>, n, empty, last_x,
 * last_y, last_value) and the loop "xticks" (x, label, label_y) plus
 * line_width, line_height, line_left, line_right, line_top, line_base to vl.
 * The time axis runs from t0 to t1 (t1 <= t0 gets a minute).  Returns vl.
 */
TMPL_varlist *ui_line_vars(TMPL_varlist *vl, const struct ui_series *s, int ns,
                           int64_t t0, int64_t t1);

#endif
