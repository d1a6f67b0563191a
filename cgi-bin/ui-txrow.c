/*
 * ui-txrow.c — formatting of one transaction row.
 */
#include "ui-txrow.h"

#include <math.h>

#include "money.h"
#include "txcost_view.h"
#include "ui-format.h"

TMPL_varlist *ui_tx_vars(struct ui_req *r, const struct db_rows *rows)
{
	char buf[64], iso[32];
	const char *s;
	int64_t start = db_time_ms(rows, TXQ_START);
	int64_t stop = db_time_ms(rows, TXQ_STOP);
	int active = stop == DB_NULL_TIME;

	TMPL_varlist *vl = NULL;
	static const struct {
		const char *name;
		int col;
	} text[] = {{"id", TXQ_ID},
	            {"cp", TXQ_CP},
	            {"connector", TXQ_CONN},
	            {"tag", TXQ_TAG}};
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		vl = TMPL_add_var(vl, text[i].name,
		                  (s = db_str(rows, text[i].col)) ? s : "",
		                  (char *)NULL);
	ui_fmt_datetime(start, buf, sizeof buf);
	ui_fmt_iso(start, iso, sizeof iso);
	vl = TMPL_add_var(vl, "start", buf, "start_iso", iso, (char *)NULL);

	long long wh = 0;
	int have_energy = 1;
	if (!active) {
		ui_fmt_datetime(stop, buf, sizeof buf);
		ui_fmt_iso(stop, iso, sizeof iso);
		vl = TMPL_add_var(vl, "stop", buf, "stop_iso", iso,
		                  (char *)NULL);
		ui_fmt_duration(stop - start, buf, sizeof buf);
		if (!db_isnull(rows, TXQ_MSTOP))
			wh = money_energy_wh(db_int(rows, TXQ_MSTART),
			                     db_int(rows, TXQ_MSTOP));
		else
			have_energy = 0;
	} else {
		vl = TMPL_add_var(vl, "active", "1", (char *)NULL);
		ui_fmt_duration(r->now - start, buf, sizeof buf);
		/* Readings are doubles (normalised from kWh); so far is
		 * counted in whole Wh like a finished session. */
		double so_far =
		    db_dbl(rows, TXQ_LATEST_WH) - db_dbl(rows, TXQ_MSTART);
		if (!db_isnull(rows, TXQ_LATEST_WH) && so_far > 0 &&
		    so_far < 9e15)
			wh = llround(so_far);
	}
	vl = TMPL_add_var(vl, "duration", buf, (char *)NULL);
	if (have_energy) {
		ui_fmt_kwh((double)wh, 2, buf, sizeof buf);
		vl = TMPL_add_var(vl, "kwh", buf, (char *)NULL);
		/* The stored cost once the stop priced it (txcost_view.h);
		 * price_per_kwh for a running session and older ones. */
		struct txcost_view cv;
		if (!txcost_parse(db_str(rows, TXQ_COST), &r->ctx->cfg, &cv) &&
		    cv.digits == 2)
			ui_fmt_money(cv.gross, buf, sizeof buf);
		else if (!txcost_parse(db_str(rows, TXQ_COST), &r->ctx->cfg,
		                       &cv))
			txcost_amount(&cv, cv.gross, buf);
		else
			ui_fmt_money(money_cost_cents(
			                 wh, money_price_micro(
			                         r->ctx->cfg.price_per_kwh)),
			             buf, sizeof buf);
		vl = TMPL_add_var(vl, "cost", buf, (char *)NULL);
	}
	if ((s = db_str(rows, TXQ_REASON)) && *s)
		vl = TMPL_add_var(vl, "reason", s, (char *)NULL);
	return vl;
}
