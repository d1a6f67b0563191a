/*
 * txcost_view.h — a session's stored cost as the web programs show it
 * (the API's JSON and CSV, the transaction page, the receipt): parsed from
 * txquery.h's TXQ_SQL_COST column, or estimated for a running session
 * with the tariff it will be priced with (lib/tariff_pick.h).
 */
#ifndef CSMS_TXCOST_VIEW_H
#define CSMS_TXCOST_VIEW_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "db.h"

struct txcost_view {
	int estimate; /* a running session: what it would cost now */
	long long gross, net, vat, energy, time, idle, fee, adjust;
	int digits, vat_bp, incl;
	long long version_id; /* 0: the default tariff (price_per_kwh) */
	long long charging_s, idle_s, idle_billed_s, energy_wh;
	char currency[8];
};

/* The TXQ_SQL_COST text: 0, or -1 when NULL or malformed. */
int txcost_parse(const char *s, const struct csms_config *cfg,
                 struct txcost_view *v);

/* A running session's estimate at now_ms, its register at now_wh: 0, or
 * -1 on a database error. */
int txcost_estimate(struct db *db, const struct csms_config *cfg,
                    const char *cp_id, int connector, const char *id_tag,
                    int64_t start_ms, long long meter_start, long long now_wh,
                    long long tx, int64_t now_ms, struct txcost_view *v);

/* An amount in minor units as "12.34" (digits places). */
void txcost_amount(const struct txcost_view *v, long long minor, char out[32]);

/* {"gross": "12.34", "net": ..., "vat": ..., "vat_rate": "19.00",
 * "prices_include_vat", "energy", "time", "idle", "fee", "adjustment",
 * "tariff_version_id", "charging_s", "idle_s", "idle_billed_s",
 * "estimate"} — decimal strings, never floats. */
cJSON *txcost_json(const struct txcost_view *v);

#endif
