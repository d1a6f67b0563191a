/*
 * test_ui_schedule.c — the composite schedule's step chart
 * (cgi-bin/ui-schedule.c): each period holds its limit until the next one
 * starts, the last until the end of the span, periods past the span are
 * left out, limits are clamped to the axis, and a buffer too small is an
 * error rather than a cut line.
 */
#include "../../cgi-bin/ui-chart.c"
#include "../../cgi-bin/ui-schedule.c"
#include "check.h"

/* The plot spans x 52..952 (UI_CHART_LEFT .. WIDTH - RIGHT) and y 12..152
 * (UI_SCHEDULE_TOP, UI_SCHEDULE_PLOT_H 140). */
static void steps_hold_until_the_next_period(void)
{
	struct ui_sched_period p[] = {{0, 20}, {900, 12}, {2700, 0}};
	char buf[256];
	CHECK_INT(ui_schedule_points(p, 3, 3600, 20, buf, sizeof buf), 6);
	CHECK_STR(buf, "52.0,12.0 277.0,12.0 277.0,68.0 727.0,68.0 "
	               "727.0,152.0 952.0,152.0");
}

static void periods_past_the_span_left_out(void)
{
	struct ui_sched_period p[] = {{0, 10}, {1800, 5}, {3600, 40}};
	char buf[256];
	/* The third starts at the span's end: not drawn; the second runs to
	 * the end. */
	CHECK_INT(ui_schedule_points(p, 3, 3600, 10, buf, sizeof buf), 4);
	CHECK_STR(buf, "52.0,12.0 502.0,12.0 502.0,82.0 952.0,82.0");
}

static void limits_clamped_to_the_axis(void)
{
	CHECK(ui_schedule_y(-5, 10) == UI_SCHEDULE_TOP + UI_SCHEDULE_PLOT_H);
	CHECK(ui_schedule_y(50, 10) == UI_SCHEDULE_TOP);
	CHECK(ui_schedule_y(5, 0) == UI_SCHEDULE_TOP); /* axis 0: taken as 1 */
}

static void errors(void)
{
	struct ui_sched_period p[] = {{0, 10}, {60, 5}};
	char small[20];
	CHECK_INT(ui_schedule_points(p, 2, 3600, 10, small, sizeof small), -1);
	CHECK_INT(ui_schedule_points(p, 0, 3600, 10, small, sizeof small), -1);
}

static void profile_limits_summed_up(void)
{
	char buf[200];
	sched_limits_text(
	    "{\"chargingRateUnit\":\"A\",\"chargingSchedulePeriod\":"
	    "[{\"startPeriod\":0,\"limit\":16},"
	    "{\"startPeriod\":600,\"limit\":7.5}]}",
	    buf, sizeof buf);
	CHECK_STR(buf, "16 A @0 s, 7.5 A @600 s");
	sched_limits_text("not json", buf, sizeof buf);
	CHECK_STR(buf, "");
	sched_limits_text(NULL, buf, sizeof buf);
	CHECK_STR(buf, "");
}

int main(void)
{
	RUN(steps_hold_until_the_next_period);
	RUN(periods_past_the_span_left_out);
	RUN(limits_clamped_to_the_axis);
	RUN(errors);
	RUN(profile_limits_summed_up);
	CHECK_EXIT();
}
