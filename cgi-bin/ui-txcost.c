/*
 * ui-txcost.c — see ui-txcost.h.
 */
#include "ui-txcost.h"

#include <stdio.h>
#include <string.h>

#include "tariff.h"
#include "txcost_view.h"
#include "txquery.h"

static const char sql_cost[] =
    "SELECT " TXQ_SQL_COST ", t.cp_id, t.connector_id, t.id_tag, "
    "t.start_ts, t.meter_start, t.stop_ts, " TXQ_SQL_LATEST_WH(
        "t.id") ", "
                "(SELECT tariff_name FROM tx_costs c WHERE c.tx_id = t.id) "
                "FROM transactions t WHERE t.id = ?";

static TMPL_loop *line(TMPL_loop *l, const struct txcost_view *v,
                       const char *label, const char *detail, long long minor)
{
	char amount[32];
	txcost_amount(v, minor, amount);
	return TMPL_add_varlist(l, TMPL_add_var(NULL, "label", label, "detail",
	                                        detail, "amount", amount,
	                                        (char *)NULL));
}

static void minutes(long long s, char out[48])
{
	snprintf(out, 48, "%lld min %02lld s", s / 60, s % 60);
}

int ui_txcost_vars(struct ui_req *r, long long tx, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_cost, "l", tx))
		return -1;
	int rc = db_next(&rows);
	struct txcost_view v;
	int have = 0;
	char tariff[101] = "";
	if (rc > 0) {
		if (!txcost_parse(db_str(&rows, 0), &r->ctx->cfg, &v)) {
			have = 1;
			snprintf(tariff, sizeof tariff, "%s",
			         db_str(&rows, 8) ? db_str(&rows, 8) : "");
		} else if (db_isnull(&rows, 6)) {
			/* running: what it would cost now */
			long long now_wh = db_isnull(&rows, 7)
			                       ? db_int(&rows, 5)
			                       : (long long)db_dbl(&rows, 7);
			char cp[51], tag[37]; /* transactions.id_tag */
			snprintf(cp, sizeof cp, "%s",
			         db_str(&rows, 1) ? db_str(&rows, 1) : "");
			snprintf(tag, sizeof tag, "%s",
			         db_str(&rows, 3) ? db_str(&rows, 3) : "");
			int conn = (int)db_int(&rows, 2);
			int64_t start = db_time_ms(&rows, 4);
			long long ms = db_int(&rows, 5);
			db_rows_end(&rows);
			if (txcost_estimate(r->db, &r->ctx->cfg, cp, conn, tag,
			                    start, ms, now_wh, tx, r->now, &v))
				return -1;
			have = v.estimate;
			rc = 0;
		}
	}
	if (rc != 0)
		db_rows_end(&rows);
	if (rc < 0)
		return -1;
	if (!have)
		return 0;
	char buf[48], d[64];
	TMPL_loop *l = NULL;
	snprintf(d, sizeof d, "%lld.%03lld kWh", v.energy_wh / 1000,
	         v.energy_wh % 1000);
	l = line(l, &v, "Energy", d, v.energy);
	if (v.time) {
		minutes(v.charging_s, buf);
		l = line(l, &v, "Charging time", buf, v.time);
	}
	if (v.idle || v.idle_s) {
		minutes(v.idle_billed_s, buf);
		snprintf(d, sizeof d, "%s billed of ", buf);
		minutes(v.idle_s, buf);
		strncat(d, buf, sizeof d - strlen(d) - 1);
		l = line(l, &v, "Idle (parking after charging)", d, v.idle);
	}
	if (v.fee)
		l = line(l, &v, "Session fee", "", v.fee);
	if (v.adjust)
		l = line(l, &v,
		         v.adjust > 0 ? "Minimum price" : "Maximum price", "",
		         v.adjust);
	char gross[32], net[32], vat[32], rate[32], ver[24];
	txcost_amount(&v, v.gross, gross);
	txcost_amount(&v, v.net, net);
	txcost_amount(&v, v.vat, vat);
	tariff_format_fixed(v.vat_bp, 2, rate);
	snprintf(ver, sizeof ver, "%lld", v.version_id);
	*vl = TMPL_add_var(*vl, "has_cost", "1", "cost_currency", v.currency,
	                   "cost_gross", gross, "cost_net", net, "cost_vat",
	                   vat, "cost_vat_rate", rate, "cost_tariff", tariff,
	                   (char *)NULL);
	if (v.version_id)
		*vl = TMPL_add_var(*vl, "cost_version", ver, (char *)NULL);
	if (v.estimate)
		*vl = TMPL_add_var(*vl, "cost_estimate", "1", (char *)NULL);
	if (v.incl)
		*vl = TMPL_add_var(*vl, "cost_incl", "1", (char *)NULL);
	*vl = TMPL_add_loop(*vl, "cost_lines", l);
	return 0;
}
