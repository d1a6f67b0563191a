/*
 * handle_stop_transaction.c — StopTransaction: close the session and count
 * its energy.
 *
 * The central system cannot prevent a transaction from stopping, so every
 * StopTransaction is answered normally: an unknown transactionId, or one
 * of another charge point (treated as unknown), is logged, not refused —
 * a CALLERROR would make the charge point retry it forever.  Energy is
 * added to charge_points.total_kwh only by the first stop of a session
 * (meter_stop was NULL), so a repeated message never counts twice; a meter
 * that went backwards adds nothing and flags the row, and so is a stop
 * timestamped before its start (a charge point clock that jumped): its
 * duration counts as 0 and the row says why.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "charging_profiles.h"
#include "coalesce.h"
#include "handlers.h"
#include "id_tag.h"
#include "jsonutil.h"
#include "notify.h"
#include "prefetch.h"
#include "timeutil.h"
#include "txcost.h"

struct session {
	int found, first_stop;
	long long connector, meter_start;
	int64_t start_ms;
	char start_tag[81];
};

/*
 * This charge point's session tx (another one's is unknown) and, when the
 * query could join it in, the stop tag's idTagInfo (*have_info).  No FOR
 * UPDATE: only this charge point's worker writes its sessions, and the
 * UPDATE below only counts a stop that is still the first.
 */
static int find_session(struct hctx *c, long long tx, const char *tag,
                        struct session *s, struct id_tag_info *info,
                        int *have_info)
{
	memset(s, 0, sizeof *s);
	*have_info = 0;
	const struct pf_tx *p = c->pf ? prefetch_tx(c->pf, tx) : NULL;
	if (p) {
		if (strcmp(p->cp_id, c->cp_id))
			return 0;
		s->found = 1;
		s->first_stop = !p->stopped;
		s->connector = p->connector;
		s->meter_start = p->meter_start;
		s->start_ms = p->start_ms;
		snprintf(s->start_tag, sizeof s->start_tag, "%s", p->id_tag);
		return 0;
	}
	/* The session and the stop tag's users row in one round trip. */
	struct db_rows r;
	if (db_query(c->db, &r,
	             "SELECT t.connector_id, t.id_tag, t.meter_start, "
	             "t.meter_stop, u.id_tag, u.status, u.expiry_date, "
	             "u.parent_id_tag, t.start_ts FROM transactions t "
	             "LEFT JOIN users u ON u.id_tag = ? "
	             "WHERE t.id = ? AND t.cp_id = ?",
	             "sls", tag, tx, c->cp_id))
		return -1;
	int rc = db_next(&r);
	if (rc > 0) {
		s->found = 1;
		s->connector = db_int(&r, 0);
		snprintf(s->start_tag, sizeof s->start_tag, "%s",
		         db_str(&r, 1) ? db_str(&r, 1) : "");
		s->meter_start = db_int(&r, 2);
		s->first_stop = db_isnull(&r, 3);
		s->start_ms = db_time_ms(&r, 8);
		id_tag_info_from(c, db_str(&r, 4), db_str(&r, 5),
		                 db_time_ms(&r, 6), db_str(&r, 7), info);
		*have_info = 1;
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

enum hres handle_stop_transaction(struct hctx *c, const cJSON *req, cJSON *conf)
{
	long long tx = json_int(req, "transactionId", 0);
	long long meter_stop = json_int(req, "meterStop", 0);
	const char *tag = json_str(req, "idTag", NULL);
	const char *reason = json_str(req, "reason", "Local");
	int64_t ts;
	if (time_parse_iso8601(json_str(req, "timestamp", ""), &ts)) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}

	struct session ses;
	struct id_tag_info info;
	int have_info;
	if (find_session(c, tx, tag, &ses, &info, &have_info))
		return hctx_db_error(c);

	const char *note = "";
	if (ses.found && ses.first_stop) {
		const char *anomaly = NULL;
		if (meter_stop < ses.meter_start)
			anomaly = "meterStop < meterStart: no energy counted";
		else if (ses.start_ms != DB_NULL_TIME && ts < ses.start_ms)
			anomaly = "stop timestamp before start: duration 0";
		else if (tag && *tag && strcasecmp(tag, ses.start_tag)) {
			int same = id_tag_same_group(c, tag, ses.start_tag);
			if (same < 0)
				return hctx_db_error(c);
			if (!same)
				anomaly = "stopped by an idTag outside the "
				          "starting tag's group";
		}
		/* The session first; its energy only when this UPDATE was the
		 * first stop (meter_stop still NULL), added to total_kwh with
		 * the batch's other stops in one statement (coalesce.h; one
		 * multi-table UPDATE each cost several times as much: MariaDB
		 * runs it through a temporary table).  The stale-closure
		 * note of a zombie gives way to the real stop; a real anomaly
		 * replaces it. */
		long long wh = meter_stop >= ses.meter_start
		                   ? meter_stop - ses.meter_start
		                   : 0;
		long long n = db_exec(
		    c->db,
		    "UPDATE transactions SET meter_stop = ?, stop_ts = ?, "
		    "stop_reason = ?, stop_id_tag = ?, anomaly = ? "
		    "WHERE id = ? AND meter_stop IS NULL",
		    "ltsssl", meter_stop, ts, reason, tag, anomaly, tx);
		if (n < 0)
			return hctx_db_error(c);
		if (c->pf)
			prefetch_stopped(c->pf, c->cp_id, (int)ses.connector,
			                 tx);
		/* Its cost, from the tariff in force at its start, commits
		 * with it (txcost.h). */
		struct txcost_result cost = {0};
		struct txcost_session cs = {
		    tx, (int)ses.connector, ses.start_tag, ses.start_ms,
		    ts, ses.meter_start,    meter_stop};
		if (n > 0 && txcost_stop(c, &cs, &cost))
			return hctx_db_error(c);
		/* Only the first stop finishes the session: its webhook event
		 * commits with it. */
		struct notify_stop ns = {
		    .tx = tx,
		    .connector = ses.connector,
		    .meter_start = ses.meter_start,
		    .meter_stop = meter_stop,
		    .id_tag = ses.start_tag,
		    .stop_id_tag = tag,
		    .reason = reason,
		    .anomaly = anomaly,
		    .start_ms = ses.start_ms,
		    .stop_ms = ts,
		    .cost_priced = cost.priced,
		    .cost_minor = cost.gross_minor,
		    .cost_digits = cost.minor_digits,
		    .cost_currency = cost.currency,
		};
		if (n > 0 && notify_session_finished(c, &ns))
			return hctx_db_error(c);
		/* Its TxProfiles end with it, in the same transaction. */
		if (n > 0 && charging_profiles_tx_ended(c->db, c->cp_id,
		                                        (int)ses.connector, tx,
		                                        c->now_ms))
			return hctx_db_error(c);
		if ((n > 0 && coalesce_energy(c->co, c->db, c->cp_id, wh)) ||
		    coalesce_connector(c->co, c->db, c->cp_id,
		                       (int)ses.connector, c->now_ms))
			return hctx_db_error(c);
		const cJSON *data = NULL;
		json_get_array(req, "transactionData", &data, 1);
		if (data &&
		    meter_values_store(c, (int)ses.connector, tx, data) < 0)
			return hctx_db_error(c);
		if (anomaly)
			note = meter_stop < ses.meter_start
			           ? " (meterStop < meterStart: flagged)"
			       : ts < ses.start_ms
			           ? " (stop before start: flagged)"
			           : " (other tag group: flagged)";
	} else if (ses.found) {
		note = " (repeated: already stopped)";
	} else {
		note = " (unknown transaction: answered, nothing stored)";
	}

	if (tag) {
		if (!have_info && id_tag_lookup(c, tag, 0, tx, &info))
			return hctx_db_error(c);
		if (id_tag_info_json(&info, conf))
			return H_INTERNAL;
	}
	hctx_audit(c, "tx=%lld meterStop=%lld reason=%s idTag=%s%s", tx,
	           meter_stop, reason, tag ? tag : "-", note);
	c->session_moved = 1;
	return H_OK;
}

void handle_stop_transaction_prefetch(struct prefetch *pf, const char *cp_id,
                                      const cJSON *req)
{
	(void)cp_id;
	prefetch_want_tag(pf, json_str(req, "idTag", NULL));
	prefetch_want_tx(pf, json_int(req, "transactionId", 0));
}
