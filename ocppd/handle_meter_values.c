/*
 * handle_meter_values.c — MeterValues, and the storage of sampled values
 * shared with StopTransaction's transactionData.
 *
 * Every sampledValue becomes one meter_values row.  value and unit are
 * kept exactly as sent (SignedData included); value_num is the number in
 * its quantity's base unit, named in num_unit (meter_units.h: kW and W
 * both become W), so a reader sums and plots one unit.  A sampledValue
 * without measurand is Energy.Active.Import.Register, as OCPP 1.6
 * defines.  A message that names a connector makes it exist
 * (coalesce_connector), StatusNotification or not.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coalesce.h"
#include "handlers.h"
#include "jsonutil.h"
#include "meter_units.h"
#include "timeutil.h"
#include "txcache.h"

#define DEFAULT_MEASURAND "Energy.Active.Import.Register"

/* The number in value, or 0 when value is not a plain decimal. */
static int parse_number(const char *value, double *out)
{
	if (!value || !*value)
		return 0;
	char *end;
	double d = strtod(value, &end);
	while (*end == ' ')
		end++;
	if (end == value || *end || !isfinite(d))
		return 0;
	*out = d;
	return 1;
}

/* One sampledValue into a coalesced row. */
static void to_row(struct hctx *c, int connector_id, long long tx, int64_t ts,
                   const cJSON *sv, struct co_meter *r)
{
	r->cp_id = c->cp_id;
	r->connector = connector_id;
	r->tx = tx;
	r->ts = ts;
	r->value = json_str(sv, "value", "");
	r->format = json_str(sv, "format", NULL);
	r->measurand = json_str(sv, "measurand", DEFAULT_MEASURAND);
	r->unit = json_str(sv, "unit", NULL);
	r->phase = json_str(sv, "phase", NULL);
	r->context = json_str(sv, "context", NULL);
	r->location = json_str(sv, "location", NULL);
	double d;
	if ((!r->format || strcmp(r->format, "SignedData")) &&
	    parse_number(r->value, &d)) {
		r->num_unit = meter_unit_normalise(r->measurand, r->unit, &d);
		r->num = d;
		r->has_num = 1;
	}
}

/*
 * The rows join the worker batch's multi-row INSERTs (coalesce.h): one
 * round trip for the sampled values of many messages.
 */
int meter_values_store(struct hctx *c, int connector_id, long long tx_id,
                       const cJSON *meter_values)
{
	int stored = 0;
	long long tx = tx_id > 0 ? tx_id : 0;
	if (coalesce_connector(c->co, c->db, c->cp_id, connector_id, c->now_ms))
		return -1;
	const cJSON *mv;
	cJSON_ArrayForEach(mv, meter_values)
	{
		int64_t ts = c->now_ms;
		const char *tstext = json_str(mv, "timestamp", NULL);
		if (tstext)
			time_parse_iso8601(tstext, &ts);
		const cJSON *svs = NULL;
		json_get_array(mv, "sampledValue", &svs, 1);
		const cJSON *sv;
		cJSON_ArrayForEach(sv, svs)
		{
			struct co_meter *r = coalesce_meter(c->co, c->db);
			if (!r)
				return -1;
			to_row(c, connector_id, tx, ts, sv, r);
			stored++;
		}
	}
	return stored;
}

/* The transaction a MeterValues belongs to: the given id when it is one
 * of this charge point's, else the connector's open transaction. */
static int resolve_tx(struct hctx *c, long long given, long long connector,
                      long long *tx)
{
	struct db_rows r;
	int rc;
	*tx = 0;
	if (given > 0 && txcache_owned(c->txc, c->cp_id, given)) {
		*tx = given;
		return 0;
	}
	if (given > 0)
		rc = db_query(c->db, &r,
		              "SELECT id FROM transactions "
		              "WHERE id = ? AND cp_id = ?",
		              "ls", given, c->cp_id);
	else if (connector > 0)
		rc = db_query(c->db, &r,
		              "SELECT id FROM transactions WHERE cp_id = ? "
		              "AND connector_id = ? AND stop_ts IS NULL "
		              "ORDER BY id DESC LIMIT 1",
		              "si", c->cp_id, (int)connector);
	else
		return 0;
	if (rc)
		return -1;
	rc = db_next(&r);
	if (rc > 0)
		*tx = db_int(&r, 0);
	db_rows_end(&r);
	if (rc > 0 && given > 0)
		txcache_put(c->txc, c->cp_id, *tx);
	return rc < 0 ? -1 : 0;
}

enum hres handle_meter_values(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	long long connector = json_int(req, "connectorId", -1);
	if (connector < 0 || connector > INT32_MAX) {
		snprintf(c->err, sizeof c->err, "connectorId must be >= 0");
		return H_BAD_VALUE;
	}
	long long given = json_int(req, "transactionId", 0);
	long long tx;
	if (resolve_tx(c, given, connector, &tx))
		return hctx_db_error(c);
	const cJSON *mvs = NULL;
	json_get_array(req, "meterValue", &mvs, 0);
	int n = meter_values_store(c, (int)connector, tx, mvs);
	if (n < 0)
		return hctx_db_error(c);
	if (given > 0 && tx != given)
		hctx_audit(c,
		           "connector=%lld tx=%lld (not this charge "
		           "point's: stored without) values=%d",
		           connector, given, n);
	else
		hctx_audit(c, "connector=%lld tx=%lld values=%d", connector, tx,
		           n);
	return H_OK;
}
