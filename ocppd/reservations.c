/*
 * reservations.c — see reservations.h.
 */
#include "reservations.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "batch.h"
#include "dbq.h"
#include "jsonutil.h"
#include "timeutil.h"

/* Whether any reservation may be live: a StartTransaction without a
 * reservationId looks for one by id tag only then (an UPDATE in every
 * session's transaction otherwise).  Set when this node sends a
 * ReserveNow, refreshed by the expiry job on every node; until its first
 * run, assumed. */
static int any_live = 1;
/* ReserveNow rows written: an expiry job that counted none does not
 * clear the flag when one was written while it ran. */
static unsigned long requests;
static int64_t next_tick_ms;

static void set_live(int v)
{
	__atomic_store_n(&any_live, v, __ATOMIC_RELAXED);
}

static int live(void)
{
	return __atomic_load_n(&any_live, __ATOMIC_RELAXED);
}

/* The row of a ReserveNow just sent: a live reservation with the same id
 * on this charge point is replaced, as the charge point replaces it. */
static int record_request(struct db *db, const struct cmd_record *r,
                          const cJSON *p)
{
	int64_t expiry;
	const char *tag = json_str(p, "idTag", "");
	const char *parent = json_str(p, "parentIdTag", NULL);
	long long rid = json_int(p, "reservationId", 0);
	long long connector = json_int(p, "connectorId", 0);
	const char *expiry_text = json_str(p, "expiryDate", "");
	const cJSON *token = cJSON_GetObjectItemCaseSensitive(p, "idToken");
	if (cJSON_IsObject(token)) {
		/* 2.0.1's ReserveNow: id, idToken, groupIdToken, evseId
		 * (none: any EVSE, which 1.6 calls connector 0). */
		tag = json_str(token, "idToken", "");
		parent = json_str(
		    cJSON_GetObjectItemCaseSensitive(p, "groupIdToken"),
		    "idToken", NULL);
		rid = json_int(p, "id", 0);
		connector = json_int(p, "evseId", 0);
		expiry_text = json_str(p, "expiryDateTime", "");
	}
	if (time_parse_iso8601(expiry_text, &expiry))
		return 0; /* validated before sending: never here */
	int64_t now = r->created_ms;
	if (db_exec(db,
	            "UPDATE reservations SET status = 'replaced', "
	            "updated_at = ? WHERE cp_id = ? AND reservation_id = ? "
	            "AND status IN ('requested', 'active')",
	            "tsi", now, r->cp_id, (int)rid) < 0 ||
	    db_exec(db,
	            "INSERT INTO reservations (cp_id, reservation_id, "
	            "connector_id, id_tag, parent_id_tag, expiry_date, "
	            "status, command_uid, requested_by, created_at, "
	            "updated_at) VALUES (?, ?, ?, ?, ?, ?, 'requested', ?, "
	            "?, ?, ?)",
	            "siisstsstt", r->cp_id, (int)rid, (int)connector, tag,
	            parent, expiry, r->uid, r->requested_by, now, now) < 0)
		return -1;
	__atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
	set_live(1);
	return 0;
}

/* The answer to a ReserveNow: Accepted makes it active; Faulted,
 * Occupied, Rejected and Unavailable refuse it; no answer fails it. */
static int record_answer(struct db *db, const struct cmd_record *r,
                         const cJSON *p)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT COUNT(*) FROM reservations WHERE command_uid = ?",
	             "s", r->uid))
		return -1;
	int rc = db_next(&rows);
	long long have = rc > 0 ? db_int(&rows, 0) : 0;
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	/* The pending row was lost to a database outage: write it now. */
	if (!have && record_request(db, r, p))
		return -1;
	cJSON *resp = r->response ? cJSON_Parse(r->response) : NULL;
	const char *answer = NULL;
	if (cmd_record_answered(r))
		answer = json_str(resp, "status", NULL);
	const char *status = answer && !strcmp(answer, "Accepted") ? "active"
	                     : answer                              ? "refused"
	                                                           : "failed";
	long long n = db_exec(db,
	                      "UPDATE reservations SET status = ?, answer = ?, "
	                      "updated_at = ? WHERE command_uid = ? "
	                      "AND status = 'requested'",
	                      "ssts", status, answer ? answer : r->status,
	                      r->finished_ms, r->uid);
	cJSON_Delete(resp);
	return n < 0 ? -1 : 0;
}

static int record_cancel(struct db *db, const struct cmd_record *r,
                         const cJSON *p)
{
	if (!cmd_record_answered(r))
		return 0;
	cJSON *resp = r->response ? cJSON_Parse(r->response) : NULL;
	int accepted = !strcmp(json_str(resp, "status", ""), "Accepted");
	cJSON_Delete(resp);
	if (!accepted)
		return 0;
	return db_exec(db,
	               "UPDATE reservations SET status = 'cancelled', "
	               "updated_at = ? WHERE cp_id = ? AND reservation_id = ? "
	               "AND status IN ('requested', 'active')",
	               "tsi", r->finished_ms, r->cp_id,
	               (int)json_int(p, "reservationId", 0)) < 0
	           ? -1
	           : 0;
}

int reservations_command(struct db *db, const struct cmd_record *r)
{
	int reserve = !strcmp(r->action, "ReserveNow");
	if (!reserve && strcmp(r->action, "CancelReservation"))
		return 0;
	int pending = !strcmp(r->status, "pending");
	/* Refused before it was sent (invalid, offline): nothing to hold. */
	if (!pending && !r->outcome)
		return 0;
	cJSON *p = r->params ? cJSON_Parse(r->params) : NULL;
	if (!p)
		return 0;
	int rc;
	if (reserve)
		rc = pending ? record_request(db, r, p)
		             : record_answer(db, r, p);
	else
		rc = pending ? 0 : record_cancel(db, r, p);
	cJSON_Delete(p);
	return rc;
}

int reservations_consume(struct db *db, const char *cp_id, int connector,
                         int has_reservation, long long reservation_id,
                         const char *id_tag, long long tx_id, int64_t now_ms)
{
	long long n;
	if (has_reservation)
		n = db_exec(db,
		            "UPDATE reservations SET status = 'used', "
		            "transaction_id = ?, updated_at = ? "
		            "WHERE cp_id = ? AND reservation_id = ? "
		            "AND status IN ('requested', 'active')",
		            "ltsi", tx_id, now_ms, cp_id, (int)reservation_id);
	else if (live())
		/* The charge point may start a reserved connector's session
		 * for the reserved tag without naming the reservation. */
		n = db_exec(db,
		            "UPDATE reservations SET status = 'used', "
		            "transaction_id = ?, updated_at = ? "
		            "WHERE cp_id = ? AND status = 'active' "
		            "AND id_tag = ? AND connector_id IN (?, 0) "
		            "ORDER BY connector_id DESC, id LIMIT 1",
		            "ltssi", tx_id, now_ms, cp_id, id_tag, connector);
	else
		n = 0;
	return n < 0 ? -1 : 0;
}

int reservations_station_update(struct db *db, const char *cp_id,
                                long long reservation_id, int expired,
                                int64_t now_ms)
{
	return db_exec(db,
	               "UPDATE reservations SET status = ?, updated_at = ? "
	               "WHERE cp_id = ? AND reservation_id = ? "
	               "AND status IN ('requested', 'active')",
	               "stsi", expired ? "expired" : "removed", now_ms, cp_id,
	               (int)reservation_id) < 0
	           ? -1
	           : 0;
}

/* ---- expiry ------------------------------------------------------------- */

struct expiry_job {
	struct job job;
	long long live;
	unsigned long requests; /* the counter when the count was read */
};

static enum hres expiry_run(struct job *j, struct batch *b)
{
	struct expiry_job *e = (struct expiry_job *)j;
	e->requests = __atomic_load_n(&requests, __ATOMIC_RELAXED);
	if (db_exec(b->db,
	            "UPDATE reservations SET status = 'expired', "
	            "updated_at = UTC_TIMESTAMP(3) "
	            "WHERE status IN ('requested', 'active') "
	            "AND expiry_date < UTC_TIMESTAMP(3)",
	            "") < 0)
		return H_DB_ERROR;
	struct db_rows r;
	if (db_query(b->db, &r,
	             "SELECT COUNT(*) FROM reservations "
	             "WHERE status IN ('requested', 'active')",
	             ""))
		return H_DB_ERROR;
	int rc = db_next(&r);
	e->live = rc > 0 ? db_int(&r, 0) : 1;
	db_rows_end(&r);
	return rc < 0 ? H_DB_ERROR : H_OK;
}

static void expiry_done(struct job *j, enum hres r)
{
	struct expiry_job *e = (struct expiry_job *)j;
	if (r == H_OK &&
	    (e->live > 0 ||
	     e->requests == __atomic_load_n(&requests, __ATOMIC_RELAXED)))
		set_live(e->live > 0);
}

static void expiry_free(struct job *j)
{
	free(j);
}

static const struct job_ops expiry_ops = {
    .run = expiry_run, .done = expiry_done, .free = expiry_free};

void reservations_tick(int64_t now_ms)
{
	if (now_ms < next_tick_ms)
		return;
	next_tick_ms = now_ms + RESERVATIONS_TICK_MS;
	struct expiry_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->job.ops = &expiry_ops;
	j->job.who = "reservations";
	j->job.what = "expiry";
	if (dbq_submit(&j->job, NULL, 1))
		free(j);
}
