/*
 * handle_start_transaction.c — StartTransaction: one row per charging
 * session, its id is the transactionId.
 *
 * A charge point that lost our answer sends the same StartTransaction
 * again; the uniq_start key (cp, connector, start time, meterStart, idTag)
 * makes its INSERT a no-op and finds the first row, so the retry gets the
 * same transactionId and no second session appears.  Under load the
 * insert is the only statement of its own: the tag and the connector's
 * open sessions come from the batch's prefetch.  A Blocked or
 * Invalid tag still gets a transactionId: the charge point may already be
 * charging offline and decides itself.  A connector that still has an open
 * transaction lost its StopTransaction (power cut, firmware bug): that zombie
 * is closed here and flagged instead of staying open forever.  The
 * connector exists from here on even if it never sent a status (an
 * offline-queued session after a reboot): its row says Unknown until it
 * does, and the session shows on it.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "coalesce.h"
#include "handlers.h"
#include "id_tag.h"
#include "jsonutil.h"
#include "notify.h"
#include "reservations.h"
#include "prefetch.h"
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

/*
 * Closes the connector's other open sessions; how many, -1 on error.  The
 * batch's prefetch usually knows there are none, and then no statement
 * is needed; either way the new session is the connector's only open one.
 */
static long long close_stale(struct hctx *c, int connector, int64_t ts,
                             long long id)
{
	const struct pf_conn *open =
	    c->pf ? prefetch_conn(c->pf, c->cp_id, connector) : NULL;
	long long n = 0;
	if (!open || open->nopen > 0)
		n = db_exec(
		    c->db,
		    "UPDATE transactions SET stop_ts = GREATEST(start_ts, ?), "
		    "stop_reason = 'Other', "
		    "anomaly = 'closed: new StartTransaction on its connector' "
		    "WHERE cp_id = ? AND connector_id = ? AND stop_ts IS NULL "
		    "AND id <> ?",
		    "tsil", ts, c->cp_id, connector, id);
	if (n >= 0 && c->pf)
		prefetch_started(c->pf, c->cp_id, connector, id);
	return n;
}

/* DATETIME holds the years 1000..9999. */
#define TS_MIN_MS (-30610224000000LL)
#define TS_MAX_MS (253402300799999LL)

static int in_int32(long long v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
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
	if (time_parse_iso8601(json_str(req, "timestamp", ""), &ts) ||
	    ts < TS_MIN_MS || ts > TS_MAX_MS) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}
	/* The columns are INT, and INSERT IGNORE below would clamp instead
	 * of failing: refuse what does not fit here. */
	if (!in_int32(meter_start) || !in_int32(reservation)) {
		snprintf(c->err, sizeof c->err,
		         "meterStart/reservationId out of range");
		return H_BAD_VALUE;
	}

	struct id_tag_info info;
	if (id_tag_lookup(c, tag, 0, 0, &info) ||
	    coalesce_connector(c->co, c->db, c->cp_id, (int)connector,
	                       c->now_ms))
		return hctx_db_error(c);
	/*
	 * Insert first: uniq_start turns a retry into "0 rows" instead of a
	 * second session, so the common case needs no SELECT to find out.
	 * IGNORE only ever meets the duplicate key: every value was checked
	 * above to fit its column.
	 */
	long long n = db_exec(
	    c->db,
	    "INSERT IGNORE INTO transactions (cp_id, connector_id, id_tag, "
	    "start_status, reservation_id, meter_start, start_ts) "
	    "VALUES (?, ?, ?, ?, IF(?, ?, NULL), ?, ?)",
	    "sissillt", c->cp_id, (int)connector, tag, info.status,
	    has_reservation, reservation, meter_start, ts);
	if (n < 0)
		return hctx_db_error(c);
	long long id;
	if (n == 0) {
		/* A retry: the same answer as the first time. */
		char prev_status[24];
		if (find_retry(c, (int)connector, ts, meter_start, tag, &id,
		               prev_status, sizeof prev_status))
			return hctx_db_error(c);
		if (!id) {
			snprintf(c->err, sizeof c->err,
			         "transaction not stored");
			return H_DB_ERROR;
		}
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
	id = (long long)db_insert_id(c->db);

	long long stale = close_stale(c, (int)connector, ts, id);
	if (stale < 0)
		return hctx_db_error(c);
	/* Counted after the stale ones are closed, as a charge point would
	 * see it; only with max_concurrent_tx_per_tag set. */
	char before[16];
	snprintf(before, sizeof before, "%s", info.status);
	if (id_tag_check_concurrent(c, tag, id, &info))
		return hctx_db_error(c);
	if (strcmp(before, info.status) &&
	    db_exec(c->db,
	            "UPDATE transactions SET start_status = ? WHERE id = ?",
	            "sl", info.status, id) < 0)
		return hctx_db_error(c);
	txcache_put(c->txc, c->cp_id, id);
	c->session_moved = 1;
	if (reservations_consume(c->db, c->cp_id, (int)connector,
	                         has_reservation, reservation, tag, id,
	                         c->now_ms))
		return hctx_db_error(c);
	/* The webhook event commits with the session (a retry above is
	 * the same session: no second event). */
	if (notify_session_started(c, id, connector, tag, info.status,
	                           meter_start, ts))
		return hctx_db_error(c);
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

void handle_start_transaction_prefetch(struct prefetch *pf, const char *cp_id,
                                       const cJSON *req)
{
	prefetch_want_tag(pf, json_str(req, "idTag", NULL));
	prefetch_want_conn(pf, cp_id, json_int(req, "connectorId", 0));
}
