/*
 * test_ui_chart.c — the server-rendered charts (cgi-bin/ui-chart.c): axis
 * scaling, bar geometry, and the SVG a template makes of it; the line
 * chart's time steps, point scaling and panels.
 */
#include "../../cgi-bin/ui-chart.c"
#include "check.h"

#include <stdlib.h>

static void nice_axis_maxima(void)
{
	CHECK(ui_chart_nice_max(0) == 1);
	CHECK(ui_chart_nice_max(-3) == 1);
	CHECK(ui_chart_nice_max(0.7) == 1);
	CHECK(ui_chart_nice_max(1) == 1);
	CHECK(ui_chart_nice_max(1.2) == 2);
	CHECK(ui_chart_nice_max(2.2) == 2.5);
	CHECK(ui_chart_nice_max(3) == 5);
	CHECK(ui_chart_nice_max(7) == 10);
	CHECK(ui_chart_nice_max(14) == 20);
	CHECK(ui_chart_nice_max(1000) == 1000);
	CHECK(ui_chart_nice_max(1001) == 2000);
	CHECK(fabs(ui_chart_nice_max(0.012) - 0.02) < 1e-12);
}

static void bars_fit_the_plot(void)
{
	double v[30] = {0};
	struct ui_chart c;
	v[0] = 14;
	v[1] = 7;
	v[29] = 0.001; /* tiny but not zero: still visible */
	v[5] = -4;     /* drawn as zero */
	CHECK_INT(ui_chart_layout(v, 30, &c), 0);
	CHECK(c.axis_max == 20);
	double base = UI_CHART_HEIGHT - UI_CHART_BOTTOM;
	double plot_h = base - UI_CHART_TOP;
	CHECK(fabs(c.bars[0].h - plot_h * 14 / 20) < 1e-9);
	CHECK(fabs(c.bars[0].y + c.bars[0].h - base) < 1e-9);
	CHECK(c.bars[5].h == 0);
	CHECK(c.bars[29].h >= 1);
	CHECK(c.bars[0].x >= UI_CHART_LEFT);
	CHECK(c.bars[29].x + c.bars[29].w <= UI_CHART_WIDTH - UI_CHART_RIGHT);
	for (int i = 1; i < 30; i++)
		CHECK(c.bars[i].x > c.bars[i - 1].x + c.bars[i - 1].w);
	CHECK(c.tick_y[0] == base);
	CHECK(c.tick_y[UI_CHART_TICKS] == UI_CHART_TOP);
	CHECK(c.tick_value[UI_CHART_TICKS] == 20);
	CHECK_INT(ui_chart_layout(v, 0, &c), -1);
	CHECK_INT(ui_chart_layout(v, UI_CHART_MAX_BARS + 1, &c), -1);
}

static void template_gets_bars_ticks_and_labels(void)
{
	double v[3] = {1.5, 0, 10};
	const char *labels[] = {"2025-01-01", "2025-01-02", "2025-01-03"};
	const char *shorts[] = {"01-01", "01-02", "01-03"};
	struct ui_chart c;
	char *out, err[256];
	size_t len;
	ui_chart_layout(v, 3, &c);
	TMPL_varlist *vl = ui_chart_vars(NULL, &c, v, labels, shorts, 2, "kWh");
	CHECK_INT(
	    TMPL_render(NULL,
	                "<TMPL_LOOP bars>[<TMPL_VAR label>=<TMPL_VAR value> "
	                "<TMPL_VAR unit><TMPL_IF show_label> "
	                "<TMPL_VAR short></TMPL_IF>]</TMPL_LOOP>|"
	                "<TMPL_LOOP ticks><TMPL_VAR value>,</TMPL_LOOP>",
	                NULL, vl, NULL, &out, &len, err, sizeof err),
	    0);
	TMPL_free_varlist(vl);
	/* Labels every 2nd bar counted back from the last one. */
	char got[256];
	snprintf(got, sizeof got, "%s", out);
	free(out);
	CHECK_STR(got, "[2025-01-01=1.5 kWh 01-01][2025-01-02=0 kWh]"
	               "[2025-01-03=10 kWh 01-03]|0,2.5,5,7.5,10,");
}

/* A day of a few Wh still gets distinct axis labels. */
static void small_values_keep_distinct_ticks(void)
{
	double v[2] = {0.009, 0.004};
	const char *labels[] = {"2025-01-01", "2025-01-02"};
	struct ui_chart c;
	char *out, err[256];
	size_t len;
	ui_chart_layout(v, 2, &c);
	TMPL_varlist *vl = ui_chart_vars(NULL, &c, v, labels, labels, 1, "kWh");
	CHECK_INT(TMPL_render(NULL,
	                      "<TMPL_LOOP bars><TMPL_VAR value>;</TMPL_LOOP>|"
	                      "<TMPL_LOOP ticks><TMPL_VAR value>,</TMPL_LOOP>",
	                      NULL, vl, NULL, &out, &len, err, sizeof err),
	          0);
	TMPL_free_varlist(vl);
	char got[256];
	snprintf(got, sizeof got, "%s", out);
	free(out);
	CHECK_STR(got, "0.009;0.004;|0,0.0025,0.005,0.0075,0.01,");
}

static void time_steps(void)
{
	/* At most 6 intervals of a "round" step. */
	CHECK(ui_chart_time_step(0, 6) == 1000);
	CHECK(ui_chart_time_step(6000, 6) == 1000);
	CHECK(ui_chart_time_step(6001, 6) == 2000);
	CHECK(ui_chart_time_step(25 * 60000, 6) == 300000);
	CHECK(ui_chart_time_step(30 * 60000, 6) == 300000);
	CHECK(ui_chart_time_step(31 * 60000, 6) == 600000);
	CHECK(ui_chart_time_step(8 * 3600000LL, 6) == 7200000);
	CHECK(ui_chart_time_step(3 * 86400000LL, 6) == 43200000);
	CHECK(ui_chart_time_step(20 * 86400000LL, 6) == 604800000);
	/* Beyond weeks: whole multiples of a week, still at most 6. */
	int64_t year = 365 * 86400000LL;
	int64_t step = ui_chart_time_step(year, 6);
	CHECK(step % 604800000 == 0);
	CHECK(year / step <= 6);
	CHECK(ui_chart_time_step(5000, 0) == 5000);
}

static void line_scaling(void)
{
	const double left = UI_CHART_LEFT,
	             right = UI_CHART_WIDTH - UI_CHART_RIGHT;
	CHECK(ui_line_x(1000, 1000, 2000) == left);
	CHECK(ui_line_x(2000, 1000, 2000) == right);
	CHECK(fabs(ui_line_x(1500, 1000, 2000) - (left + right) / 2) < 1e-9);
	/* Outside the axis: clamped; an empty axis puts all at the left. */
	CHECK(ui_line_x(0, 1000, 2000) == left);
	CHECK(ui_line_x(9000, 1000, 2000) == right);
	CHECK(ui_line_x(1500, 2000, 2000) == left);

	double top = 40;
	CHECK(ui_line_y(0, 10, top) == top + UI_LINE_PANEL_H);
	CHECK(ui_line_y(10, 10, top) == top);
	CHECK(fabs(ui_line_y(2.5, 10, top) - (top + UI_LINE_PANEL_H * 0.75)) <
	      1e-9);
	CHECK(ui_line_y(-3, 10, top) == top + UI_LINE_PANEL_H);
	CHECK(ui_line_y(11, 10, top) == top);
	CHECK(ui_line_y(NAN, 10, top) == top + UI_LINE_PANEL_H);
	CHECK(ui_line_y(1, 0, top) == top); /* axis 0 counts as 1 */
}

static void power_format(void)
{
	char b[32];
	ui_chart_fmt_power(950, b, sizeof b);
	CHECK_STR(b, "950 W");
	ui_chart_fmt_power(7400, b, sizeof b);
	CHECK_STR(b, "7.4 kW");
	ui_chart_fmt_power(999.6, b, sizeof b);
	CHECK_STR(b, "1.0 kW");
	ui_chart_fmt_power(99960, b, sizeof b);
	CHECK_STR(b, "100 kW");
	ui_chart_fmt_power(150000, b, sizeof b);
	CHECK_STR(b, "150 kW");
	ui_chart_fmt_power(0, b, sizeof b);
	CHECK_STR(b, "0 W");
}

/* Three panels stacked, each series scaled on its own axis, one polyline
 * point per sample, time labels on whole steps. */
static void line_panels_render(void)
{
	int64_t t0 = 1700000000000LL; /* 2023-11-14T22:13:20Z */
	int64_t t[3] = {t0 + 60000, t0 + 600000, t0 + 1200000};
	double e[3] = {0.5, 2, 3.2}, soc[2] = {20, 80};
	struct ui_series s[3] = {
	    {"energy", "Energy", "kWh", t, e, 3, 0},
	    {"power", "Power", "kW", t, NULL, 0, 0},
	    {"soc", "SoC", "%", t, soc, 2, 100},
	};
	char *out, err[256];
	size_t len;
	TMPL_varlist *vl = ui_line_vars(NULL, s, 3, t0, t0 + 1200000);
	CHECK_INT(TMPL_render(NULL,
	                      "<TMPL_LOOP panels>[<TMPL_VAR key> <TMPL_VAR n> "
	                      "top=<TMPL_VAR top><TMPL_IF empty> empty"
	                      "</TMPL_IF> ticks=<TMPL_LOOP ticks><TMPL_VAR "
	                      "value>,</TMPL_LOOP> pts=<TMPL_VAR points> "
	                      "last=<TMPL_VAR last_value>]</TMPL_LOOP>|"
	                      "<TMPL_LOOP xticks><TMPL_VAR label>@<TMPL_VAR "
	                      "x>,</TMPL_LOOP>|<TMPL_VAR line_height>",
	                      NULL, vl, NULL, &out, &len, err, sizeof err),
	          0);
	TMPL_free_varlist(vl);
	char got[1024];
	snprintf(got, sizeof got, "%s", out);
	free(out);
	/* Energy: axis 5 (nice max of 3.2), x from 52 to 952 over 20 min;
	 * SoC on its fixed 0..100 axis, in the third panel. */
	CHECK_STR(got, "[energy 3 top=26.0 ticks=0,1.25,2.5,3.75,5, "
	               "pts=97.0,125.0 502.0,92.0 952.0,65.6 last=3.2]"
	               "[power 0 top=162.0 empty ticks=0,0.25,0.5,0.75,1, pts= "
	               "last=]"
	               "[soc 2 top=298.0 ticks=0,25,50,75,100, "
	               "pts=97.0,386.0 502.0,320.0 last=80]"
	               "|22:15@127.0,22:20@352.0,22:25@577.0,22:30@802.0,"
	               "|432.0");
}

int main(void)
{
	RUN(nice_axis_maxima);
	RUN(bars_fit_the_plot);
	RUN(template_gets_bars_ticks_and_labels);
	RUN(small_values_keep_distinct_ticks);
	RUN(time_steps);
	RUN(line_scaling);
	RUN(power_format);
	RUN(line_panels_render);
	CHECK_EXIT();
}
