/*
 * handle_start_transaction.c — StartTransaction: one row per charging
 * session, its id is the transactionId.
 *
 * A charge point that lost our answer sends the same StartTransaction
 * again; the uniq_start key (cp, connector, start time, meterStart, idTag)
 * finds the first row, so the retry gets the same transactionId and no
 * second session appears.  A Blocked or Invalid tag still gets a
 * transactionId: the charge point may already be charging offline and
 * decides itself.  A connector that still has an open transaction lost its
 * StopTransaction (power cut, firmware bug): that zombie is closed here and
 * flagged instead of staying open forever.
 */
#include <stdio.h>
#include <string.h>

#include "handlers.h"
#include "id_tag.h"
#include "jsonutil.h"
#include "timeutil.h"
#include "txcache.h"

/* The row of an earlier identical StartTransaction, or 0. */
static int find_retry(struct hctx *c, int connector, int64_t ts,
                      long long meter_start, const char *tag, long long *id,
                      char *status, size_t size)
{
	struct db_rows r;
	*id = 0;
	if (db_query(c->db, &r,
	             "SELECT id, start_status FROM transactions "
	             "WHERE cp_id = ? AND connector_id = ? AND start_ts = ? "
	             "AND meter_start = ? AND id_tag = ?",
	             "sitls", c->cp_id, connector, ts, meter_start, tag))
		return -1;
	int rc = db_next(&r);
	if (rc > 0) {
		*id = db_int(&r, 0);
		snprintf(status, size, "%s",
		         db_str(&r, 1) ? db_str(&r, 1) : "");
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

enum hres handle_start_transaction(struct hctx *c, const cJSON *req,
                                   cJSON *conf)
{
	long long connector = json_int(req, "connectorId", -1);
	if (connector < 1 || connector > INT32_MAX) {
		snprintf(c->err, sizeof c->err, "connectorId must be > 0");
		return H_BAD_VALUE;
	}
	const char *tag = json_str(req, "idTag", "");
	long long meter_start = json_int(req, "meterStart", 0);
	long long reservation = json_int(req, "reservationId", 0);
	int has_reservation = cJSON_HasObjectItem(req, "reservationId");
	int64_t ts;
	if (time_parse_iso8601(json_str(req, "timestamp", ""), &ts)) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}

	long long id;
	char prev_status[24];
	if (find_retry(c, (int)connector, ts, meter_start, tag, &id,
	               prev_status, sizeof prev_status))
		return hctx_db_error(c);
	struct id_tag_info info;
	if (id) {
		/* A retry: the same answer as the first time. */
		if (id_tag_lookup(c, tag, 0, id, &info))
			return hctx_db_error(c);
		if (prev_status[0])
			snprintf(info.status, sizeof info.status, "%.15s",
			         prev_status);
		if (json_add_int(conf, "transactionId", id) ||
		    id_tag_info_json(&info, conf))
			return H_INTERNAL;
		hctx_audit(c, "connector=%lld idTag=%s tx=%lld (retry)",
		           connector, tag, id);
		return H_OK;
	}

	long long stale =
	    db_exec(c->db,
	            "UPDATE transactions SET stop_ts = GREATEST(start_ts, ?), "
	            "stop_reason = 'Other', "
	            "anomaly = 'closed: new StartTransaction on its connector' "
	            "WHERE cp_id = ? AND connector_id = ? AND stop_ts IS NULL",
	            "tsi", ts, c->cp_id, (int)connector);
	if (stale < 0)
		return hctx_db_error(c);

	if (id_tag_lookup(c, tag, 1, 0, &info))
		return hctx_db_error(c);
	if (db_exec(c->db,
	            "INSERT INTO transactions (cp_id, connector_id, id_tag, "
	            "start_status, reservation_id, meter_start, start_ts) "
	            "VALUES (?, ?, ?, ?, IF(?, ?, NULL), ?, ?)",
	            "sissillt", c->cp_id, (int)connector, tag, info.status,
	            has_reservation, reservation, meter_start, ts) < 0)
		return hctx_db_error(c);
	id = (long long)db_insert_id(c->db);
	txcache_put(c->txc, c->cp_id, id);
	if (json_add_int(conf, "transactionId", id) ||
	    id_tag_info_json(&info, conf))
		return H_INTERNAL;
	if (stale > 0)
		hctx_audit(c,
		           "connector=%lld idTag=%s tx=%lld status=%s "
		           "(closed %lld stale open transaction%s)",
		           connector, tag, id, info.status, stale,
		           stale > 1 ? "s" : "");
	else
		hctx_audit(c, "connector=%lld idTag=%s tx=%lld status=%s",
		           connector, tag, id, info.status);
	return H_OK;
}
