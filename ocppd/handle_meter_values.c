/*
 * handle_meter_values.c — MeterValues, and the storage of sampled values
 * shared with StopTransaction's transactionData.
 *
 * Every sampledValue becomes one meter_values row.  value is kept exactly
 * as sent (SignedData included); value_num is the number, with energy in
 * kWh (kvarh) normalised to Wh (varh) so the dashboard sums one unit.  A
 * sampledValue without measurand is Energy.Active.Import.Register, and
 * energy without unit is Wh, as OCPP 1.6 defines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers.h"
#include "jsonutil.h"
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

/* One sampledValue, ready to bind. */
struct mv_row {
	int64_t ts;
	const char *measurand, *value, *num, *unit, *phase, *context, *location,
	    *format;
	char numbuf[40];
};

#define MV_INSERT                                                              \
	"INSERT INTO meter_values (cp_id, connector_id, transaction_id, ts, "  \
	"measurand, value, value_num, unit, phase, context, location, "        \
	"format) "                                                             \
	"VALUES "
#define MV_ROW "(?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define MV_FMT "siltssssssss"
#define MV_ARGS(r)                                                             \
	c->cp_id, connector_id, tx, (r).ts, (r).measurand, (r).value, (r).num, \
	    (r).unit, (r).phase, (r).context, (r).location, (r).format
#define MV_PER_STMT 4

/*
 * Up to MV_PER_STMT rows in one statement: one round trip per
 * MeterValues in the common case instead of one per value.  The SQL texts
 * are literals so each is prepared once per connection.
 */
static long long insert_rows(struct hctx *c, int connector_id, long long tx,
                             const struct mv_row *r, int n)
{
	switch (n) {
	case 1:
		return db_exec(c->db, MV_INSERT MV_ROW, MV_FMT, MV_ARGS(r[0]));
	case 2:
		return db_exec(c->db, MV_INSERT MV_ROW ", " MV_ROW,
		               MV_FMT MV_FMT, MV_ARGS(r[0]), MV_ARGS(r[1]));
	case 3:
		return db_exec(c->db, MV_INSERT MV_ROW ", " MV_ROW ", " MV_ROW,
		               MV_FMT MV_FMT MV_FMT, MV_ARGS(r[0]),
		               MV_ARGS(r[1]), MV_ARGS(r[2]));
	case 4:
		return db_exec(
		    c->db, MV_INSERT MV_ROW ", " MV_ROW ", " MV_ROW ", " MV_ROW,
		    MV_FMT MV_FMT MV_FMT MV_FMT, MV_ARGS(r[0]), MV_ARGS(r[1]),
		    MV_ARGS(r[2]), MV_ARGS(r[3]));
	default:
		return 0;
	}
}

static void to_row(struct hctx *c, int64_t ts, const cJSON *sv,
                   struct mv_row *r)
{
	(void)c;
	r->ts = ts;
	r->value = json_str(sv, "value", "");
	r->format = json_str(sv, "format", NULL);
	r->measurand = json_str(sv, "measurand", DEFAULT_MEASURAND);
	r->unit = json_str(sv, "unit", NULL);
	r->phase = json_str(sv, "phase", NULL);
	r->context = json_str(sv, "context", NULL);
	r->location = json_str(sv, "location", NULL);
	int energy = !strncmp(r->measurand, "Energy.", 7);
	if (!r->unit && energy)
		r->unit = "Wh";
	r->num = NULL;
	double d;
	if ((!r->format || strcmp(r->format, "SignedData")) &&
	    parse_number(r->value, &d)) {
		if (energy &&
		    (!strcmp(r->unit, "kWh") || !strcmp(r->unit, "kvarh")))
			d *= 1000.0;
		snprintf(r->numbuf, sizeof r->numbuf, "%.17g", d);
		r->num = r->numbuf;
	}
}

int meter_values_store(struct hctx *c, int connector_id, long long tx_id,
                       const cJSON *meter_values)
{
	struct mv_row rows[MV_PER_STMT];
	int n = 0, stored = 0;
	long long tx = tx_id > 0 ? tx_id : 0;
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
			to_row(c, ts, sv, &rows[n++]);
			if (n == MV_PER_STMT) {
				if (insert_rows(c, connector_id, tx, rows, n) <
				    0)
					return -1;
				stored += n;
				n = 0;
			}
		}
	}
	if (n && insert_rows(c, connector_id, tx, rows, n) < 0)
		return -1;
	return stored + n;
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
