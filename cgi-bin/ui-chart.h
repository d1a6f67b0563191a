/*
 * ui-chart.h — a bar chart as inline SVG, computed on the server: no chart
 * library and no script, so it also works with JavaScript off.
 *
 * The geometry is pure (ui_chart_layout) and unit-tested; ui_chart_vars
 * turns it into template variables for chart.tmpl.
 */
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

#endif
