/*
 * handle201_meter_values.c — 2.0.1 MeterValues, and the storage of 2.0.1
 * sampled values shared with TransactionEvent.
 *
 * The same meter_values rows as 1.6 (handle_meter_values.c): 2.0.1 sends
 * the value as a JSON number with unitOfMeasure {unit, multiplier}; the
 * stored value text is the number times 10^multiplier in that unit, so
 * value and unit agree as they do for 1.6, and value_num is in the base
 * unit (meter_units.h).  A signedMeterValue is kept whole, as a second
 * row of the same measurand beside the number: format SignedMeterValue,
 * value the object as JSON (signedMeterData, signingMethod,
 * encodingMethod, publicKey), so a verifier gets everything the meter
 * signed and the key to check it with; 1.6's signed values are rows of
 * format SignedData in the same way.  MeterValues of EVSE n belong to its
 * open 2.0.1 session, if any; EVSE 0 is the main meter (connector 0).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "coalesce.h"
#include "handlers201.h"
#include "jsonutil.h"
#include "meter_units.h"
#include "timeutil.h"

#define DEFAULT_MEASURAND "Energy.Active.Import.Register"
/* The value's text, kept in the payload beside the number: the coalesced
 * rows point into the payload until the batch's COMMIT (coalesce.h). */
#define VALUE_TEXT    "\x01value"
#define SIGNED_TEXT   "\x01signed"
#define SIGNED_FORMAT "SignedMeterValue"

static const char *value_text(cJSON *sv, double d)
{
	/* Always our own text: with lenient_unknown_properties a station
	 * could have sent a member of that name.  A batch that runs again
	 * starts with empty coalesced rows, so replacing it is safe. */
	cJSON_DeleteItemFromObjectCaseSensitive(sv, VALUE_TEXT);
	char buf[40];
	snprintf(buf, sizeof buf, "%.15g", d);
	cJSON *s = cJSON_AddStringToObject(sv, VALUE_TEXT, buf);
	return s ? s->valuestring : NULL;
}

/* The signedMeterValue as JSON text, kept in the payload beside it like
 * value_text; NULL when there is none (or no memory: the caller tells
 * the two apart by signed). */
static const char *signed_text(cJSON *sv, const cJSON *signed_mv)
{
	cJSON_DeleteItemFromObjectCaseSensitive(sv, SIGNED_TEXT);
	char *json = cJSON_PrintUnformatted(signed_mv);
	if (!json)
		return NULL;
	cJSON *s = cJSON_AddStringToObject(sv, SIGNED_TEXT, json);
	cJSON_free(json);
	return s ? s->valuestring : NULL;
}

int meter_values201_store(struct hctx *c, int connector_id, long long tx,
                          cJSON *meter_values, double *energy_wh)
{
	int stored = 0;
	if (coalesce_connector(c->co, c->db, c->cp_id, connector_id, c->now_ms))
		return -1;
	cJSON *mv;
	cJSON_ArrayForEach(mv, meter_values)
	{
		int64_t ts = c->now_ms;
		time_parse_iso8601(json_str(mv, "timestamp", ""), &ts);
		cJSON *svs =
		    cJSON_GetObjectItemCaseSensitive(mv, "sampledValue");
		cJSON *sv;
		cJSON_ArrayForEach(sv, svs)
		{
			const cJSON *v =
			    cJSON_GetObjectItemCaseSensitive(sv, "value");
			const cJSON *uom = cJSON_GetObjectItemCaseSensitive(
			    sv, "unitOfMeasure");
			if (!cJSON_IsNumber(v))
				continue;
			long long mult = json_int(uom, "multiplier", 0);
			double d = v->valuedouble;
			if (mult)
				d *= pow(10.0, (double)mult);
			const char *text = value_text(sv, d);
			struct co_meter *r = coalesce_meter(c->co, c->db);
			if (!r || !text)
				return -1;
			r->cp_id = c->cp_id;
			r->connector = connector_id;
			r->tx = tx > 0 ? tx : 0;
			r->ts = ts;
			r->value = text;
			r->format = NULL;
			r->measurand =
			    json_str(sv, "measurand", DEFAULT_MEASURAND);
			r->unit = json_str(uom, "unit", NULL);
			r->phase = json_str(sv, "phase", NULL);
			r->context = json_str(sv, "context", NULL);
			r->location = json_str(sv, "location", NULL);
			r->has_num = 0;
			if (isfinite(d)) {
				r->num_unit = meter_unit_normalise(r->measurand,
				                                   r->unit, &d);
				r->num = d;
				r->has_num = 1;
				if (energy_wh && r->num_unit &&
				    !strcmp(r->measurand, DEFAULT_MEASURAND) &&
				    !strcmp(r->num_unit, "Wh") &&
				    (!r->phase || !*r->phase))
					*energy_wh = d;
			}
			stored++;
			const cJSON *sig = cJSON_GetObjectItemCaseSensitive(
			    sv, "signedMeterValue");
			if (!sig)
				continue;
			const struct co_meter num = *r;
			const char *stext = signed_text(sv, sig);
			struct co_meter *sr =
			    stext ? coalesce_meter(c->co, c->db) : NULL;
			if (!sr)
				return -1;
			*sr = num;
			sr->value = stext;
			sr->format = SIGNED_FORMAT;
			sr->has_num = 0;
			stored++;
		}
	}
	return stored;
}

/*
 * The open 2.0.1 session on EVSE evse, or 0.  A session's connector_id is
 * its EVSE's number (evse201_connector: evse itself, or evse * 100 + c
 * for a further connector c), so the open-session index (cp_id,
 * connector_id, stop_ts) finds it in a range of its own; by evse_id alone
 * the read walked every session the charge point ever had.
 */
static int open_session(struct hctx *c, long long evse, long long *tx)
{
	struct db_rows r;
	*tx = 0;
	if (evse <= 0)
		return 0;
	if (db_query(c->db, &r,
	             "SELECT id FROM transactions WHERE cp_id = ? "
	             "AND (connector_id = ? OR connector_id BETWEEN ? AND ?) "
	             "AND stop_ts IS NULL AND evse_id = ? "
	             "AND protocol = 'ocpp2.0.1' ORDER BY id DESC LIMIT 1",
	             "siiii", c->cp_id, (int)evse,
	             (int)evse201_connector(evse, 2),
	             (int)evse201_connector(evse, 99), (int)evse))
		return -1;
	int rc = db_next(&r);
	if (rc > 0)
		*tx = db_int(&r, 0);
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

enum hres handle201_meter_values(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	long long evse = json_int(req, "evseId", -1);
	long long connector = evse201_connector(evse, 0);
	if (connector < 0) {
		snprintf(c->err, sizeof c->err, "evseId out of range");
		return H_BAD_VALUE;
	}
	long long tx;
	if (open_session(c, evse, &tx))
		return hctx_db_error(c);
	/* The job owns the payload: the values' texts are added to it. */
	cJSON *mvs =
	    cJSON_GetObjectItemCaseSensitive((cJSON *)req, "meterValue");
	int n = meter_values201_store(c, (int)connector, tx, mvs, NULL);
	if (n < 0)
		return hctx_db_error(c);
	hctx_audit(c, "evse=%lld tx=%lld values=%d", evse, tx, n);
	return H_OK;
}
