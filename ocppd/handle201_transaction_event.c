/*
 * handle201_transaction_event.c — 2.0.1 TransactionEvent: Started,
 * Updated and Ended of one session, in the same transactions table as
 * 1.6 (docs/ocpp201.md).
 *
 * The charger names a session by its own string transactionId; the row
 * it gets has a central id like a 1.6 session (the API's and the pages'
 * id) and keeps the string in cp_tx_id (unique per charge point).  The
 * first event that names a session creates its row, whichever it is:
 * after an outage a Started may be lost or come late.
 *
 * Retries: a charger resends an event that got no answer with the same
 * seqNo.  tx_events' primary key (charge point, transactionId, seqNo)
 * is the dedupe, in the database, so the node that gets the retry after a
 * failover finds it too; a retry changes nothing and gets the same kind
 * of answer.  Order: events may come out of seqNo order; each one only
 * does what is its own (Started sets the start, Ended the stop, a late
 * Updated never reopens an ended session), and seq_missing counts the
 * seqNos below the highest one that never came (0: complete).
 *
 * Durable before acknowledged exactly like 1.6: this runs in the worker's
 * batch transaction and the answer goes out after its COMMIT.  At the
 * first Ended the session is finished as 1.6's StopTransaction finishes
 * one: energy (meter_stop - meter_start, in Wh, from the events' energy
 * registers), its cost from the tariffs (txcost.c, answered as
 * totalCost), its webhook event, its TxProfiles ended.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "charging_profiles.h"
#include "coalesce.h"
#include "handlers201.h"
#include "jsonutil.h"
#include "meter_units.h"
#include "notify.h"
#include "timeutil.h"
#include "reservations.h"
#include "txcost.h"

#define ENERGY "Energy.Active.Import.Register"

/* DATETIME holds the years 1000..9999. */
#define TS_MIN_MS (-30610224000000LL)
#define TS_MAX_MS (253402300799999LL)

struct txrow {
	int found, stopped, evse_known, has_last;
	long long id, connector, meter_start, meter_stop, meter_last;
	int64_t start_ms;
	char id_tag[37];
};

static int find_row(struct hctx *c, const char *cp_tx, struct txrow *t)
{
	struct db_rows r;
	memset(t, 0, sizeof *t);
	if (db_query(c->db, &r,
	             "SELECT id, connector_id, id_tag, meter_start, "
	             "meter_stop, start_ts, evse_id, meter_last "
	             "FROM transactions WHERE cp_id = ? AND cp_tx_id = ?",
	             "ss", c->cp_id, cp_tx))
		return -1;
	int rc = db_next(&r);
	if (rc > 0) {
		t->found = 1;
		t->id = db_int(&r, 0);
		t->connector = db_int(&r, 1);
		snprintf(t->id_tag, sizeof t->id_tag, "%s",
		         db_str(&r, 2) ? db_str(&r, 2) : "");
		t->meter_start = db_int(&r, 3);
		t->stopped = !db_isnull(&r, 4);
		t->meter_stop = db_int(&r, 4);
		t->start_ms = db_time_ms(&r, 5);
		t->evse_known = !db_isnull(&r, 6);
		t->has_last = !db_isnull(&r, 7);
		t->meter_last = db_int(&r, 7);
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

/* The last whole-meter energy register of the event's meter values, in
 * Wh; 0 when there is none (or it does not fit the INT columns). */
static int energy_register(const cJSON *mvs, long long *wh)
{
	int found = 0;
	const cJSON *mv, *sv;
	cJSON_ArrayForEach(mv, mvs)
	{
		const cJSON *svs =
		    cJSON_GetObjectItemCaseSensitive(mv, "sampledValue");
		cJSON_ArrayForEach(sv, svs)
		{
			const cJSON *v =
			    cJSON_GetObjectItemCaseSensitive(sv, "value");
			const cJSON *uom = cJSON_GetObjectItemCaseSensitive(
			    sv, "unitOfMeasure");
			const char *m = json_str(sv, "measurand", ENERGY);
			const char *phase = json_str(sv, "phase", NULL);
			if (!cJSON_IsNumber(v) || strcmp(m, ENERGY) || phase)
				continue;
			double d =
			    v->valuedouble *
			    pow(10.0, (double)json_int(uom, "multiplier", 0));
			const char *unit = meter_unit_normalise(
			    m, json_str(uom, "unit", NULL), &d);
			if (!unit || strcmp(unit, "Wh") || !isfinite(d) ||
			    d < 0 || d > INT32_MAX)
				continue;
			*wh = llround(d);
			found = 1;
		}
	}
	return found;
}

/* A new session on a connector closes the connector's other open ones
 * (a lost Ended), as 1.6's StartTransaction does. */
static long long close_stale(struct hctx *c, long long connector, int64_t ts,
                             long long id)
{
	return db_exec(
	    c->db,
	    "UPDATE transactions SET stop_ts = GREATEST(start_ts, ?), "
	    "stop_reason = 'Other', "
	    "anomaly = 'closed: new transaction on its connector' "
	    "WHERE cp_id = ? AND connector_id = ? "
	    "AND stop_ts IS NULL AND id <> ?",
	    "tsil", ts, c->cp_id, (int)connector, id);
}

struct event {
	const char *type, *trigger, *cp_tx, *stopped, *state, *tag;
	long long seq, evse, evse_conn, connector, reg, remote_start;
	int offline, has_reg, has_evse, has_remote_start;
	int64_t ts;
	char status[16]; /* the token's, when one came */
};

static enum hres create_row(struct hctx *c, const struct event *e,
                            struct txrow *t)
{
	long long meter_start = e->has_reg ? e->reg : 0;
	long long n = db_exec(
	    c->db,
	    "INSERT IGNORE INTO transactions (cp_id, connector_id, id_tag, "
	    "start_status, meter_start, start_ts, protocol, cp_tx_id, "
	    "evse_id, evse_connector_id) "
	    "VALUES (?, ?, ?, ?, ?, ?, 'ocpp2.0.1', ?, IF(?, ?, NULL), "
	    "IF(? > 0, ?, NULL))",
	    "sissltsiiii", c->cp_id, (int)e->connector, e->tag ? e->tag : "",
	    e->tag ? e->status : "Accepted", meter_start, e->ts, e->cp_tx,
	    e->has_evse, (int)e->evse, (int)e->evse_conn, (int)e->evse_conn);
	if (n < 0)
		return hctx_db_error(c);
	if (n == 0) {
		/* Only the unique key stops it: the row exists after all. */
		if (find_row(c, e->cp_tx, t))
			return hctx_db_error(c);
		if (!t->found) {
			snprintf(c->err, sizeof c->err,
			         "transaction not stored");
			return H_DB_ERROR;
		}
		return H_OK;
	}
	t->found = 1;
	t->id = (long long)db_insert_id(c->db);
	t->connector = e->connector;
	t->meter_start = meter_start;
	t->start_ms = e->ts;
	t->evse_known = e->has_evse;
	snprintf(t->id_tag, sizeof t->id_tag, "%s", e->tag ? e->tag : "");
	if (!strcmp(e->type, "Started") &&
	    close_stale(c, e->connector, e->ts, t->id) < 0)
		return hctx_db_error(c);
	if (coalesce_connector(c->co, c->db, c->cp_id, (int)e->connector,
	                       c->now_ms) ||
	    notify_session_started(c, t->id, e->connector, t->id_tag,
	                           e->tag ? e->status : "Accepted", meter_start,
	                           e->ts))
		return hctx_db_error(c);
	c->session_moved = 1;
	return H_OK;
}

/* What a later event adds to a row an earlier one created. */
static enum hres update_row(struct hctx *c, const struct event *e,
                            struct txrow *t)
{
	/* A Started that comes after another event (out of order) still
	 * says when the session began and its meter then; an ended
	 * session's energy is counted again with it. */
	if (!strcmp(e->type, "Started")) {
		long long start = e->has_reg ? e->reg : t->meter_start;
		if (db_exec(
		        c->db,
		        "UPDATE transactions SET start_ts = LEAST(start_ts, "
		        "?), meter_start = ? WHERE id = ?",
		        "tll", e->ts, start, t->id) < 0)
			return hctx_db_error(c);
		if (t->stopped && start != t->meter_start) {
			long long was = t->meter_stop > t->meter_start
			                    ? t->meter_stop - t->meter_start
			                    : 0;
			long long now =
			    t->meter_stop > start ? t->meter_stop - start : 0;
			if (now != was &&
			    coalesce_energy(c->co, c->db, c->cp_id, now - was))
				return hctx_db_error(c);
		}
		t->meter_start = start;
		if (e->ts < t->start_ms)
			t->start_ms = e->ts;
	}
	/* The token that authorised the session, when the first events
	 * came without one (plugged in first, authorised later). */
	if (e->tag && !t->id_tag[0]) {
		if (db_exec(c->db,
		            "UPDATE transactions SET id_tag = ?, "
		            "start_status = ? WHERE id = ? AND id_tag = ''",
		            "ssl", e->tag, e->status, t->id) < 0)
			return hctx_db_error(c);
		snprintf(t->id_tag, sizeof t->id_tag, "%s", e->tag);
	}
	if (e->has_evse && !t->evse_known) {
		if (db_exec(c->db,
		            "UPDATE transactions SET connector_id = ?, "
		            "evse_id = ?, evse_connector_id = IF(? > 0, ?, "
		            "NULL) WHERE id = ?",
		            "iiiil", (int)e->connector, (int)e->evse,
		            (int)e->evse_conn, (int)e->evse_conn, t->id) < 0)
			return hctx_db_error(c);
		t->connector = e->connector;
	}
	return H_OK;
}

/*
 * seq_max, seq_missing, meter_last, the charging state and the
 * remoteStartId (the first one named), for an event just stored in
 * tx_events (not a retry).  No read of tx_events: the
 * count of events so far is seq_max + 1 - seq_missing, so one more event
 * s gives, against the row's own values (NULL seq_max: the first event),
 *   s above seq_max: seq_missing + (s - seq_max - 1)  (the gap it opens)
 *   s below seq_max: seq_missing - 1                  (a gap it fills)
 *   first event:     s                                (none below it came)
 * computed by the UPDATE itself, under the row's lock, so two nodes that
 * store events of one session (a failover) do not count from a stale
 * read.  SET runs left to right: the charging state and seq_missing read
 * seq_max before it is raised.
 */
static enum hres bookkeeping(struct hctx *c, const struct event *e,
                             struct txrow *t)
{
	if (db_exec(c->db,
	            "UPDATE transactions SET charging_state = "
	            "IF(? >= COALESCE(seq_max, -1) AND ? IS NOT NULL, ?, "
	            "charging_state), "
	            "seq_missing = IF(seq_max IS NULL, ?, "
	            "IF(? > seq_max, seq_missing + ? - seq_max - 1, "
	            "seq_missing - 1)), "
	            "seq_max = GREATEST(COALESCE(seq_max, -1), ?), "
	            "meter_last = IF(?, GREATEST(COALESCE(meter_last, 0), ?), "
	            "meter_last), "
	            "remote_start_id = IF(?, COALESCE(remote_start_id, ?), "
	            "remote_start_id) WHERE id = ?",
	            "lsslllliiiil", e->seq, e->state, e->state, e->seq, e->seq,
	            e->seq, e->seq, e->has_reg, (int)e->reg,
	            e->has_remote_start, (int)e->remote_start, t->id) < 0)
		return hctx_db_error(c);
	if (e->has_reg && (!t->has_last || e->reg > t->meter_last)) {
		t->meter_last = e->reg;
		t->has_last = 1;
	}
	return H_OK;
}

/* The first Ended finishes the session as StopTransaction does. */
static enum hres end_session(struct hctx *c, const struct event *e,
                             struct txrow *t, cJSON *conf)
{
	long long meter_stop = e->has_reg    ? e->reg
	                       : t->has_last ? t->meter_last
	                                     : t->meter_start;
	const char *reason = e->stopped ? e->stopped : "Local";
	const char *anomaly = NULL;
	if (meter_stop < t->meter_start)
		anomaly = "meter stop < meter start: no energy counted";
	else if (t->start_ms != DB_NULL_TIME && e->ts < t->start_ms)
		anomaly = "stop timestamp before start: duration 0";
	long long n = db_exec(
	    c->db,
	    "UPDATE transactions SET meter_stop = ?, stop_ts = ?, "
	    "stop_reason = ?, stop_id_tag = ?, anomaly = ? "
	    "WHERE id = ? AND meter_stop IS NULL",
	    "ltsssl", meter_stop, e->ts, reason, e->tag, anomaly, t->id);
	if (n < 0)
		return hctx_db_error(c);
	if (n == 0)
		return H_OK;
	long long wh =
	    meter_stop > t->meter_start ? meter_stop - t->meter_start : 0;
	struct txcost_result cost = {0};
	struct txcost_session cs = {
	    t->id, (int)t->connector, t->id_tag, t->start_ms,
	    e->ts, t->meter_start,    meter_stop};
	if (txcost_stop(c, &cs, &cost))
		return hctx_db_error(c);
	struct notify_stop ns = {
	    .tx = t->id,
	    .connector = t->connector,
	    .meter_start = t->meter_start,
	    .meter_stop = meter_stop,
	    .id_tag = t->id_tag,
	    .stop_id_tag = e->tag,
	    .reason = reason,
	    .anomaly = anomaly,
	    .start_ms = t->start_ms,
	    .stop_ms = e->ts,
	    .cost_priced = cost.priced,
	    .cost_minor = cost.gross_minor,
	    .cost_digits = cost.minor_digits,
	    .cost_currency = cost.currency,
	};
	if (notify_session_finished(c, &ns) ||
	    charging_profiles_tx_ended(c->db, c->cp_id, (int)t->connector,
	                               t->id, c->now_ms) ||
	    coalesce_energy(c->co, c->db, c->cp_id, wh) ||
	    coalesce_connector(c->co, c->db, c->cp_id, (int)t->connector,
	                       c->now_ms))
		return hctx_db_error(c);
	if (cost.priced) {
		/* totalCost is in the currency's main unit, tax included. */
		double total = (double)cost.gross_minor;
		for (int i = 0; i < cost.minor_digits; i++)
			total /= 10;
		if (!cJSON_AddNumberToObject(conf, "totalCost", total))
			return H_INTERNAL;
	}
	t->stopped = 1;
	c->session_moved = 1;
	return H_OK;
}

/* The reservation an event names (reservationId, 2.0.1 E05: on the
 * event that starts the session, or a later one) is used by the session:
 * kept on the row and consumed as a 1.6 StartTransaction consumes it. */
static enum hres use_reservation(struct hctx *c, const cJSON *req,
                                 const struct txrow *t)
{
	if (!cJSON_HasObjectItem(req, "reservationId"))
		return H_OK;
	long long rid = json_int(req, "reservationId", 0);
	if (rid < INT32_MIN || rid > INT32_MAX)
		return H_OK; /* the schema's integer: never here */
	if (db_exec(c->db,
	            "UPDATE transactions SET reservation_id = ? "
	            "WHERE id = ? AND reservation_id IS NULL",
	            "il", (int)rid, t->id) < 0 ||
	    reservations_consume(c->db, c->cp_id, (int)t->connector, 1, rid,
	                         t->id_tag, t->id, c->now_ms))
		return hctx_db_error(c);
	return H_OK;
}

static enum hres parse(struct hctx *c, const cJSON *req, struct event *e)
{
	memset(e, 0, sizeof *e);
	const cJSON *info =
	    cJSON_GetObjectItemCaseSensitive(req, "transactionInfo");
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(req, "idToken");
	const cJSON *evse = cJSON_GetObjectItemCaseSensitive(req, "evse");
	e->type = json_str(req, "eventType", "");
	e->trigger = json_str(req, "triggerReason", "");
	e->seq = json_int(req, "seqNo", -1);
	e->offline =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "offline"));
	e->cp_tx = json_str(info, "transactionId", "");
	e->stopped = json_str(info, "stoppedReason", NULL);
	e->has_remote_start = cJSON_HasObjectItem(info, "remoteStartId");
	e->remote_start = json_int(info, "remoteStartId", 0);
	e->state = json_str(info, "chargingState", NULL);
	e->tag = tok && strcmp(json_str(tok, "type", ""), "NoAuthorization")
	             ? json_str(tok, "idToken", NULL)
	             : NULL;
	e->has_evse = evse != NULL;
	e->evse = json_int(evse, "id", 0);
	e->evse_conn = json_int(evse, "connectorId", 0);
	e->connector =
	    e->has_evse ? evse201_connector(e->evse, e->evse_conn) : 0;
	if (time_parse_iso8601(json_str(req, "timestamp", ""), &e->ts) ||
	    e->ts < TS_MIN_MS || e->ts > TS_MAX_MS) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}
	if (e->seq < 0 || e->seq > INT32_MAX || e->connector < 0 ||
	    e->evse_conn < 0 || !*e->cp_tx || e->remote_start < INT32_MIN ||
	    e->remote_start > INT32_MAX) {
		snprintf(c->err, sizeof c->err,
		         "seqNo, evse, transactionId or remoteStartId out of "
		         "range");
		return H_BAD_VALUE;
	}
	e->has_reg = energy_register(
	    cJSON_GetObjectItemCaseSensitive(req, "meterValue"), &e->reg);
	return H_OK;
}

enum hres handle201_transaction_event(struct hctx *c, const cJSON *req,
                                      cJSON *conf)
{
	struct event e;
	enum hres r = parse(c, req, &e);
	if (r != H_OK)
		return r;
	struct txrow t;
	if (find_row(c, e.cp_tx, &t))
		return hctx_db_error(c);
	/* The token's idTokenInfo answers every event that carries one;
	 * concurrency counts only for the event that starts the session. */
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(req, "idToken");
	if (tok) {
		int rc =
		    id_token201_info(c, tok, !t.found, t.id, conf, e.status);
		if (rc == -1)
			return hctx_db_error(c);
		if (rc)
			return H_INTERNAL;
	}
	int created = !t.found;
	if (created && (r = create_row(c, &e, &t)) != H_OK)
		return r;
	long long n = db_exec(
	    c->db,
	    "INSERT IGNORE INTO tx_events (cp_id, cp_tx_id, seq_no, tx_id, "
	    "event_type, trigger_reason, ts, offline, received_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	    "ssilsstit", c->cp_id, e.cp_tx, (int)e.seq, t.id, e.type, e.trigger,
	    e.ts, e.offline, c->now_ms);
	if (n < 0)
		return hctx_db_error(c);
	if (n == 0) {
		/* A retry of an event stored before: nothing changes. */
		hctx_audit(c,
		           "%s tx=%lld (%s) seqNo=%lld (retry: stored "
		           "before)",
		           e.type, t.id, e.cp_tx, e.seq);
		return H_OK;
	}
	if (!created && (r = update_row(c, &e, &t)) != H_OK)
		return r;
	if ((r = use_reservation(c, req, &t)) != H_OK)
		return r;
	/* The job owns the payload: the values' texts are added to it. */
	cJSON *mvs =
	    cJSON_GetObjectItemCaseSensitive((cJSON *)req, "meterValue");
	if (mvs &&
	    meter_values201_store(c, (int)t.connector, t.id, mvs, NULL) < 0)
		return hctx_db_error(c);
	if ((r = bookkeeping(c, &e, &t)) != H_OK)
		return r;
	if (!strcmp(e.type, "Ended") && !t.stopped &&
	    (r = end_session(c, &e, &t, conf)) != H_OK)
		return r;
	hctx_audit(c,
	           "%s tx=%lld (%s) seqNo=%lld trigger=%s evse=%lld "
	           "connector=%lld%s%s",
	           e.type, t.id, e.cp_tx, e.seq, e.trigger, e.evse, t.connector,
	           e.offline ? " offline" : "", created ? " (new)" : "");
	return H_OK;
}
