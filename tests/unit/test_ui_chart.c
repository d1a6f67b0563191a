/*
 * test_ui_chart.c — the server-rendered bar chart (cgi-bin/ui-chart.c):
 * axis scaling, bar geometry, and the SVG a template makes of it.
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

int main(void)
{
	RUN(nice_axis_maxima);
	RUN(bars_fit_the_plot);
	RUN(template_gets_bars_ticks_and_labels);
	RUN(small_values_keep_distinct_ticks);
	CHECK_EXIT();
}
