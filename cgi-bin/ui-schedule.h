/*
 * ui-schedule.h — the charge point page's smart charging part: the
 * charging profiles ocppd recorded for it (docs/smart-charging.md) and,
 * per connector, the latest composite schedule it reported, drawn as an
 * SVG step chart on the server (no script, like ui-chart.h's charts).
 *
 * The geometry is pure (ui_schedule_points) and unit-tested.
 */
#ifndef CSMS_UI_SCHEDULE_H
#define CSMS_UI_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#include "ui-shared.h"

#define UI_SCHEDULE_MAX_PERIODS 100 /* drawn; the rest is left out */
#define UI_SCHEDULE_PLOT_H      140 /* plot height in SVG user units */
#define UI_SCHEDULE_TOP         12
#define UI_SCHEDULE_AXIS_H      24 /* below the plot: the time labels */

struct ui_sched_period {
	int64_t start_s; /* startPeriod: seconds from the schedule's start */
	double limit;    /* A or W */
};

/* y of limit v on the plot (top UI_SCHEDULE_TOP), clamped to
 * [0, axis_max]. */
double ui_schedule_y(double v, double axis_max);

/*
 * The step line of n periods (ascending start_s) over span_s seconds as
 * <polyline> points "x,y x,y …": each period holds its limit until the
 * next one starts (the last until span_s); periods at or after span_s are
 * left out.  Returns the number of points, or -1 when they do not fit in
 * out (outlen bytes) or n < 1.
 */
int ui_schedule_points(const struct ui_sched_period *p, int n, int64_t span_s,
                       double axis_max, char *out, size_t outlen);

/*
 * Adds charging_profiles (rows: profile_id, connector, purpose, level,
 * kind, status, status_class, answer, tx, limits, when, when_iso) and
 * schedules (rows: connector, unit, start, start_iso, duration,
 * received, points, area, ticks{y,text_y,value}, xticks{x,label},
 * periods{offset, limit}, plus the SVG's width/height/left/right/base) to
 * *vl for charge point id; nothing when there is none.  0 ok, -1 on a
 * database error.
 */
int ui_schedule_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);

#endif
