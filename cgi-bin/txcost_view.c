/*
 * txcost_view.c — see txcost_view.h.
 */
#include "txcost_view.h"

#include <stdio.h>
#include <string.h>

#include "tariff.h"
#include "tariff_pick.h"
#include "tzif.h"

int txcost_parse(const char *s, const struct csms_config *cfg,
                 struct txcost_view *v)
{
	memset(v, 0, sizeof *v);
	if (!s)
		return -1;
	char cur[8] = "";
	int n = sscanf(s,
	               "%lld %lld %lld %lld %lld %lld %lld %lld %d %d %d %lld "
	               "%lld %lld %lld %lld %7s",
	               &v->gross, &v->net, &v->vat, &v->energy, &v->time,
	               &v->idle, &v->fee, &v->adjust, &v->digits, &v->vat_bp,
	               &v->incl, &v->version_id, &v->charging_s, &v->idle_s,
	               &v->idle_billed_s, &v->energy_wh, cur);
	if (n != 17 || v->digits < 0 || v->digits > 4)
		return -1;
	snprintf(v->currency, sizeof v->currency, "%s",
	         strcmp(cur, "-") ? cur : cfg->currency);
	return 0;
}

int txcost_estimate(struct db *db, const struct csms_config *cfg,
                    const char *cp_id, int connector, const char *id_tag,
                    int64_t start_ms, long long meter_start, long long now_wh,
                    long long tx, int64_t now_ms, struct txcost_view *v)
{
	memset(v, 0, sizeof *v);
	struct tariff_pick pick;
	if (tariff_pick(db, cfg, cp_id, connector, id_tag, start_ms, &pick))
		return -1;
	int64_t idle = 0;
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT idle_since FROM tx_idle WHERE cp_id = ? AND "
	             "connector_id = ? AND tx_id = ?",
	             "sil", cp_id, connector, tx))
		return -1;
	int rc = db_next(&r);
	if (rc > 0)
		idle = db_time_ms(&r, 0);
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	struct tzif zone;
	int have_zone = !tzif_load(NULL, pick.zone, &zone);
	int64_t stop = now_ms > start_ms ? now_ms : start_ms;
	long long wh = now_wh > meter_start ? now_wh - meter_start : 0;
	struct tariff_point p[2] = {{start_ms, 0}, {stop, wh}};
	struct tariff_session s = {start_ms, stop, idle, p, 2};
	struct tariff_cost k;
	if (tariff_cost(&pick.t, have_zone ? &zone : NULL, &s, &k))
		return 0;
	v->estimate = 1;
	v->gross = k.gross_minor;
	v->net = k.net_minor;
	v->vat = k.vat_minor;
	v->energy = k.energy_minor;
	v->time = k.time_minor;
	v->idle = k.idle_minor;
	v->fee = k.fee_minor;
	v->adjust = k.adjust_minor;
	v->digits = pick.t.minor_digits;
	v->vat_bp = pick.t.vat_bp;
	v->incl = pick.t.prices_include_vat;
	v->version_id = pick.version_id;
	v->charging_s = k.charging_ms / 1000;
	v->idle_s = k.idle_ms / 1000;
	v->idle_billed_s = k.idle_billed_ms / 1000;
	v->energy_wh = k.energy_wh;
	snprintf(v->currency, sizeof v->currency, "%s", pick.currency);
	return 0;
}

void txcost_amount(const struct txcost_view *v, long long minor, char out[32])
{
	tariff_format_fixed(minor, v->digits, out);
}

cJSON *txcost_json(const struct txcost_view *v)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	static const char *const names[] = {"gross",  "net",       "vat",
	                                    "energy", "time",      "idle",
	                                    "fee",    "adjustment"};
	const long long vals[] = {v->gross, v->net,  v->vat, v->energy,
	                          v->time,  v->idle, v->fee, v->adjust};
	char b[32];
	for (int i = 0; i < 8; i++) {
		txcost_amount(v, vals[i], b);
		cJSON_AddStringToObject(o, names[i], b);
	}
	tariff_format_fixed(v->vat_bp, 2, b);
	cJSON_AddStringToObject(o, "vat_rate", b);
	cJSON_AddBoolToObject(o, "prices_include_vat", v->incl);
	cJSON_AddStringToObject(o, "currency", v->currency);
	if (v->version_id)
		cJSON_AddNumberToObject(o, "tariff_version_id",
		                        (double)v->version_id);
	else
		cJSON_AddNullToObject(o, "tariff_version_id");
	cJSON_AddNumberToObject(o, "charging_s", (double)v->charging_s);
	cJSON_AddNumberToObject(o, "idle_s", (double)v->idle_s);
	cJSON_AddNumberToObject(o, "idle_billed_s", (double)v->idle_billed_s);
	cJSON_AddBoolToObject(o, "estimate", v->estimate);
	return o;
}
