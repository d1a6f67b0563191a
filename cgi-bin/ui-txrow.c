/*
 * ui-txrow.c — formatting of one transaction row.
 */
#include "ui-txrow.h"

#include "ui-format.h"

TMPL_varlist *ui_tx_vars(struct ui_req *r, const struct db_rows *rows)
{
	char buf[64], iso[32];
	const char *s;
	int64_t start = db_time_ms(rows, 6), stop = db_time_ms(rows, 7);
	int active = stop == DB_NULL_TIME;

	TMPL_varlist *vl = TMPL_add_var(
	    NULL, "id", db_str(rows, 0) ? db_str(rows, 0) : "", "cp",
	    db_str(rows, 1) ? db_str(rows, 1) : "", "connector",
	    db_str(rows, 2) ? db_str(rows, 2) : "", "tag",
	    db_str(rows, 3) ? db_str(rows, 3) : "", (char *)NULL);
	ui_fmt_datetime(start, buf, sizeof buf);
	ui_fmt_iso(start, iso, sizeof iso);
	vl = TMPL_add_var(vl, "start", buf, "start_iso", iso, (char *)NULL);

	double wh = 0;
	int have_energy = 1;
	if (!active) {
		ui_fmt_datetime(stop, buf, sizeof buf);
		ui_fmt_iso(stop, iso, sizeof iso);
		vl = TMPL_add_var(vl, "stop", buf, "stop_iso", iso,
		                  (char *)NULL);
		ui_fmt_duration(stop - start, buf, sizeof buf);
		if (!db_isnull(rows, 5))
			wh = db_dbl(rows, 5) - db_dbl(rows, 4);
		else
			have_energy = 0;
	} else {
		vl = TMPL_add_var(vl, "active", "1", (char *)NULL);
		ui_fmt_duration(r->now - start, buf, sizeof buf);
		if (!db_isnull(rows, 9))
			wh = db_dbl(rows, 9) - db_dbl(rows, 4);
	}
	vl = TMPL_add_var(vl, "duration", buf, (char *)NULL);
	if (wh < 0)
		wh = 0;
	if (have_energy) {
		ui_fmt_kwh(wh, 2, buf, sizeof buf);
		vl = TMPL_add_var(vl, "kwh", buf, (char *)NULL);
		ui_fmt_money(wh / 1000.0 * r->ctx->cfg.price_per_kwh, buf,
		             sizeof buf);
		vl = TMPL_add_var(vl, "cost", buf, (char *)NULL);
	}
	if ((s = db_str(rows, 8)) && *s)
		vl = TMPL_add_var(vl, "reason", s, (char *)NULL);
	return vl;
}
