/*
 * charging_profiles.c — see charging_profiles.h.
 *
 * The 1.6 rules kept here (Smart Charging, SetChargingProfile and
 * ClearChargingProfile): an accepted profile replaces the one the charge
 * point held with the same chargingProfileId, or with the same purpose and
 * stack level on the same connector; ClearChargingProfile with an id
 * clears that profile, without one the profiles matching every criterion
 * given (connector, purpose, stack level; none: all of them); a TxProfile
 * lives as long as its transaction.
 */
#include "charging_profiles.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "batch.h"
#include "dbq.h"
#include "jsonutil.h"
#include "timeutil.h"

/* Whether any TxProfile may be live (pending or accepted): the
 * StopTransaction of every session looks for its TxProfiles only then.
 * Set when this node records one, refreshed by the sweep on every node;
 * until its first run, assumed. */
static int any_live = 1;
/* TxProfile rows written: a sweep that counted none does not clear the
 * flag when one was written while it ran. */
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

static const cJSON *member(const cJSON *o, const char *name)
{
	return o ? cJSON_GetObjectItemCaseSensitive(o, name) : NULL;
}

/* A date-time member, or DB_NULL_TIME. */
static int64_t json_time(const cJSON *o, const char *name)
{
	int64_t ms;
	const char *s = json_str(o, name, NULL);
	return s && !time_parse_iso8601(s, &ms) ? ms : DB_NULL_TIME;
}

/* A profile's chargingProfileId (1.6) or id (2.0.1). */
static long long profile_id(const cJSON *prof)
{
	return cJSON_HasObjectItem(prof, "chargingProfileId")
	           ? json_int(prof, "chargingProfileId", 0)
	           : json_int(prof, "id", 0);
}

/* The purpose as the table keeps it: 2.0.1's ChargingStationMaxProfile is
 * 1.6's ChargePointMaxProfile (the whole station's limit). */
static const char *purpose_of(const cJSON *prof)
{
	const char *p = json_str(prof, "chargingProfilePurpose", "");
	return strcmp(p, "ChargingStationMaxProfile") ? p
	                                              : "ChargePointMaxProfile";
}

/* The profile a command sends: csChargingProfiles of SetChargingProfile
 * (on its connectorId), chargingProfile of RemoteStartTransaction (on its
 * connectorId, or 0 when the charge point picks one), chargingProfile of
 * a 2.0.1 SetChargingProfile (on its evseId: EVSE n is connector n). */
static const cJSON *sent_profile(const struct cmd_record *r, const cJSON *p,
                                 int *connector, const char **source)
{
	int remote = !strcmp(r->action, "RemoteStartTransaction");
	int v201 = !remote && cJSON_HasObjectItem(p, "evseId");
	*connector = (int)json_int(p, v201 ? "evseId" : "connectorId", 0);
	*source = remote ? "RemoteStartTransaction" : "SetChargingProfile";
	const cJSON *prof = member(p, remote || v201 ? "chargingProfile"
	                                             : "csChargingProfiles");
	return cJSON_IsObject(prof) ? prof : NULL;
}

/* A 2.0.1 profile's transactionId: the station's own string, or NULL. */
static const char *tx201(const cJSON *prof)
{
	const cJSON *t = member(prof, "transactionId");
	return cJSON_IsString(t) ? t->valuestring : NULL;
}

/* The session a station's own transactionId names (transactions.cp_tx_id),
 * as text into out: 1, 0 when none is known (yet), -1 on a database
 * error. */
static int session_of(struct db *db, const char *cp_id, const char *cp_tx,
                      char *out, size_t outlen)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT id FROM transactions WHERE cp_id = ? AND "
	             "cp_tx_id = ?",
	             "ss", cp_id, cp_tx))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0)
		snprintf(out, outlen, "%lld", db_int(&rows, 0));
	db_rows_end(&rows);
	return rc < 0 ? -1 : rc > 0;
}

static int record_request(struct db *db, const struct cmd_record *r,
                          const cJSON *prof, int connector, const char *source)
{
	const char *purpose = purpose_of(prof);
	char txbuf[24];
	const char *tx = NULL;
	long long txid;
	/* Out of INT's range it names no session of ours: NULL, not a
	 * failed write that would take the command's history row with it. */
	if (json_get_int(prof, "transactionId", &txid, 0) == JSON_OK &&
	    txid >= INT32_MIN && txid <= INT32_MAX) {
		snprintf(txbuf, sizeof txbuf, "%lld", txid);
		tx = txbuf;
	} else if (tx201(prof)) {
		int rc =
		    session_of(db, r->cp_id, tx201(prof), txbuf, sizeof txbuf);
		if (rc < 0)
			return -1;
		if (rc > 0)
			tx = txbuf;
	}
	const cJSON *cs = member(prof, "chargingSchedule");
	char *sched = cs ? cJSON_PrintUnformatted(cs) : strdup("{}");
	if (!sched)
		return -1;
	long long n = db_exec(
	    db,
	    "INSERT INTO charging_profiles (cp_id, connector_id, profile_id, "
	    "stack_level, purpose, kind, recurrency, valid_from, valid_to, "
	    "transaction_id, schedule, source, status, command_uid, "
	    "requested_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
	    "siiisssttssssstt", r->cp_id, connector, (int)profile_id(prof),
	    (int)json_int(prof, "stackLevel", 0), purpose,
	    json_str(prof, "chargingProfileKind", ""),
	    json_str(prof, "recurrencyKind", NULL),
	    json_time(prof, "validFrom"), json_time(prof, "validTo"), tx, sched,
	    source, r->uid, r->requested_by, r->created_ms, r->created_ms);
	free(sched);
	if (n < 0)
		return -1;
	if (!strcmp(purpose, "TxProfile")) {
		__atomic_add_fetch(&requests, 1, __ATOMIC_RELAXED);
		set_live(1);
	}
	return 0;
}

/* The charge point's status answer, or NULL when it did not answer. */
static char *answer_status(const struct cmd_record *r)
{
	if (!cmd_record_answered(r))
		return NULL;
	cJSON *resp = r->response ? cJSON_Parse(r->response) : NULL;
	const char *s = json_str(resp, "status", NULL);
	char *out = s ? strdup(s) : NULL;
	cJSON_Delete(resp);
	return out;
}

/* The answer to a profile sent: Accepted makes it the charge point's, in
 * place of the one it replaces; Rejected and NotSupported (or a
 * RemoteStartTransaction Rejected) refuse it; no answer fails it. */
static int record_answer(struct db *db, const struct cmd_record *r,
                         const cJSON *prof, int connector, const char *source)
{
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT COUNT(*) FROM charging_profiles "
	             "WHERE command_uid = ?",
	             "s", r->uid))
		return -1;
	int rc = db_next(&rows);
	long long have = rc > 0 ? db_int(&rows, 0) : 0;
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	/* The pending row was lost to a database outage: write it now. */
	if (!have && record_request(db, r, prof, connector, source))
		return -1;
	char *answer = answer_status(r);
	int accepted = answer && !strcmp(answer, "Accepted");
	const char *status = accepted ? "accepted"
	                     : answer ? "rejected"
	                              : "failed";
	const char *purpose = purpose_of(prof);
	int rc2 = 0;
	if (accepted)
		rc2 =
		    db_exec(db,
		            "UPDATE charging_profiles SET status = 'replaced', "
		            "updated_at = ? WHERE cp_id = ? "
		            "AND status = 'accepted' AND NOT command_uid <=> ? "
		            "AND (profile_id = ? OR (connector_id = ? AND "
		            "purpose = ? AND stack_level = ?))",
		            "tssiisi", r->finished_ms, r->cp_id, r->uid,
		            (int)profile_id(prof), connector, purpose,
		            (int)json_int(prof, "stackLevel", 0)) < 0
		        ? -1
		        : 0;
	/* A 2.0.1 TxProfile names its session by the station's id: bound
	 * to it here when its TransactionEvent came after the request. */
	if (!rc2 && accepted && !strcmp(purpose, "TxProfile") && tx201(prof))
		rc2 = db_exec(db,
		              "UPDATE charging_profiles SET transaction_id = "
		              "(SELECT t.id FROM transactions t WHERE "
		              "t.cp_id = ? AND t.cp_tx_id = ?) WHERE "
		              "command_uid = ? AND transaction_id IS NULL",
		              "sss", r->cp_id, tx201(prof), r->uid) < 0
		          ? -1
		          : 0;
	/* A TxProfile sent without a transactionId is for the session
	 * running on its connector (SetChargingProfile); remote start's
	 * session has not begun and is bound at its stop. */
	else if (!rc2 && accepted && !strcmp(purpose, "TxProfile") &&
	         !strcmp(source, "SetChargingProfile"))
		rc2 = db_exec(db,
		              "UPDATE charging_profiles SET transaction_id = "
		              "(SELECT t.id FROM transactions t WHERE "
		              "t.cp_id = ? AND t.connector_id = ? AND "
		              "t.stop_ts IS NULL ORDER BY t.start_ts DESC, "
		              "t.id DESC LIMIT 1) WHERE command_uid = ? "
		              "AND transaction_id IS NULL",
		              "sis", r->cp_id, connector, r->uid) < 0
		          ? -1
		          : 0;
	if (!rc2 && db_exec(db,
	                    "UPDATE charging_profiles SET status = ?, "
	                    "answer = ?, updated_at = ? WHERE command_uid = ? "
	                    "AND status = 'pending'",
	                    "ssts", status, answer ? answer : r->status,
	                    r->finished_ms, r->uid) < 0)
		rc2 = -1;
	free(answer);
	return rc2;
}

/* ClearChargingProfile answered Accepted: the profiles it names are
 * cleared (Unknown: the charge point held none, nothing changes). */
static int record_clear(struct db *db, const struct cmd_record *r,
                        const cJSON *p)
{
	char *answer = answer_status(r);
	int accepted = answer && !strcmp(answer, "Accepted");
	free(answer);
	if (!accepted)
		return 0;
	long long id, conn = -1, level = -1;
	const char *purpose = json_str(p, "chargingProfilePurpose", "");
	const cJSON *crit = member(p, "chargingProfileCriteria");
	long long n;
	if (cJSON_IsObject(crit)) {
		/* 2.0.1: the criteria in an object, evseId for connectorId. */
		purpose = purpose_of(crit);
		json_get_int(crit, "evseId", &conn, 1);
		json_get_int(crit, "stackLevel", &level, 1);
	}
	if (json_get_int(p, "id", &id, 0) == JSON_OK ||
	    json_get_int(p, "chargingProfileId", &id, 0) == JSON_OK)
		n = db_exec(db,
		            "UPDATE charging_profiles SET status = 'cleared', "
		            "updated_at = ? WHERE cp_id = ? AND profile_id = ? "
		            "AND status = 'accepted'",
		            "tsl", r->finished_ms, r->cp_id, id);
	else {
		if (!crit) {
			json_get_int(p, "connectorId", &conn, 1);
			json_get_int(p, "stackLevel", &level, 1);
		}
		n = db_exec(db,
		            "UPDATE charging_profiles SET status = 'cleared', "
		            "updated_at = ? WHERE cp_id = ? "
		            "AND status = 'accepted' "
		            "AND (? < 0 OR connector_id = ?) "
		            "AND (? = '' OR purpose = ?) "
		            "AND (? < 0 OR stack_level = ?)",
		            "tsllssll", r->finished_ms, r->cp_id, conn, conn,
		            purpose, purpose, level, level);
	}
	return n < 0 ? -1 : 0;
}

/* GetCompositeSchedule answered Accepted: the connector's latest. */
static int record_composite(struct db *db, const struct cmd_record *r,
                            const cJSON *p)
{
	char *answer = answer_status(r);
	int accepted = answer && !strcmp(answer, "Accepted");
	free(answer);
	if (!accepted)
		return 0;
	cJSON *resp = cJSON_Parse(r->response);
	if (!resp)
		return 0;
	const cJSON *cs = member(resp, "chargingSchedule");
	long long conn = json_int(p, "connectorId", 0);
	json_get_int(resp, "connectorId", &conn, 1);
	int64_t start = json_time(resp, "scheduleStart");
	if (!cs && cJSON_IsObject(member(resp, "schedule"))) {
		/* 2.0.1: schedule {evseId, duration, scheduleStart,
		 * chargingRateUnit, chargingSchedulePeriod}. */
		cs = member(resp, "schedule");
		conn = json_int(p, "evseId", 0);
		start = json_time(cs, "scheduleStart");
	}
	if (start == DB_NULL_TIME)
		start = json_time(cs, "startSchedule");
	char *sched = cJSON_IsObject(cs) ? cJSON_PrintUnformatted(cs) : NULL;
	/* The answer is stored even when it broke its schema (calls.c
	 * warns and passes it on): a unit the column cannot hold is left
	 * out rather than failing the command's history row. */
	const char *unit = json_str(cs, "chargingRateUnit", "");
	if (strcmp(unit, "A") && strcmp(unit, "W"))
		unit = "";
	long long n = db_exec(
	    db,
	    "INSERT INTO composite_schedules (cp_id, connector_id, duration, "
	    "schedule_start, charging_rate_unit, schedule, command_uid, "
	    "requested_by, received_at) VALUES (?, ?, ?, ?, NULLIF(?, ''), "
	    "?, ?, ?, ?) ON DUPLICATE KEY UPDATE duration = VALUES(duration), "
	    "schedule_start = VALUES(schedule_start), "
	    "charging_rate_unit = VALUES(charging_rate_unit), "
	    "schedule = VALUES(schedule), command_uid = VALUES(command_uid), "
	    "requested_by = VALUES(requested_by), "
	    "received_at = VALUES(received_at)",
	    "siitsssst", r->cp_id, (int)conn, (int)json_int(p, "duration", 0),
	    start, unit, sched, r->uid, r->requested_by, r->finished_ms);
	free(sched);
	cJSON_Delete(resp);
	return n < 0 ? -1 : 0;
}

int charging_profiles_command(struct db *db, const struct cmd_record *r)
{
	int set = !strcmp(r->action, "SetChargingProfile") ||
	          !strcmp(r->action, "RemoteStartTransaction");
	int clear = !strcmp(r->action, "ClearChargingProfile");
	int composite = !strcmp(r->action, "GetCompositeSchedule");
	if (!set && !clear && !composite)
		return 0;
	int pending = !strcmp(r->status, "pending");
	/* Refused before it was sent (invalid, offline): nothing held. */
	if (!pending && !r->outcome)
		return 0;
	cJSON *p = r->params ? cJSON_Parse(r->params) : NULL;
	if (!p)
		return 0;
	int rc = 0;
	if (set) {
		int connector;
		const char *source;
		const cJSON *prof = sent_profile(r, p, &connector, &source);
		if (prof)
			rc =
			    pending
			        ? record_request(db, r, prof, connector, source)
			        : record_answer(db, r, prof, connector, source);
	} else if (!pending) {
		rc =
		    clear ? record_clear(db, r, p) : record_composite(db, r, p);
	}
	cJSON_Delete(p);
	return rc;
}

int charging_profiles_tx_ended(struct db *db, const char *cp_id, int connector,
                               long long tx, int64_t now_ms)
{
	if (!live())
		return 0;
	/* A TxProfile without a transaction id (a remote start's) is the
	 * session's on its connector, or on any when sent for none. */
	return db_exec(db,
	               "UPDATE charging_profiles SET status = 'ended', "
	               "transaction_id = COALESCE(transaction_id, ?), "
	               "updated_at = ? WHERE cp_id = ? AND status = 'accepted' "
	               "AND purpose = 'TxProfile' AND (transaction_id = ? OR "
	               "(transaction_id IS NULL AND connector_id IN (?, 0)))",
	               "ltsli", tx, now_ms, cp_id, tx, connector) < 0
	           ? -1
	           : 0;
}

/* ---- sweep ------------------------------------------------------------- */

struct sweep_job {
	struct job job;
	long long live;
	unsigned long requests; /* the counter when the count was read */
};

static enum hres sweep_run(struct job *j, struct batch *b)
{
	struct sweep_job *e = (struct sweep_job *)j;
	e->requests = __atomic_load_n(&requests, __ATOMIC_RELAXED);
	/* A session stopped on another node, or while this node's flag was
	 * still clear: its TxProfiles end here. */
	if (live() &&
	    db_exec(b->db,
	            "UPDATE charging_profiles p JOIN transactions t "
	            "ON t.id = p.transaction_id SET p.status = 'ended', "
	            "p.updated_at = UTC_TIMESTAMP(3) "
	            "WHERE p.status = 'accepted' AND p.purpose = 'TxProfile' "
	            "AND t.stop_ts IS NOT NULL",
	            "") < 0)
		return H_DB_ERROR;
	struct db_rows r;
	if (db_query(b->db, &r,
	             "SELECT COUNT(*) FROM charging_profiles "
	             "WHERE status IN ('pending', 'accepted') "
	             "AND purpose = 'TxProfile'",
	             ""))
		return H_DB_ERROR;
	int rc = db_next(&r);
	e->live = rc > 0 ? db_int(&r, 0) : 1;
	db_rows_end(&r);
	return rc < 0 ? H_DB_ERROR : H_OK;
}

static void sweep_done(struct job *j, enum hres r)
{
	struct sweep_job *e = (struct sweep_job *)j;
	if (r == H_OK &&
	    (e->live > 0 ||
	     e->requests == __atomic_load_n(&requests, __ATOMIC_RELAXED)))
		set_live(e->live > 0);
}

static void sweep_free(struct job *j)
{
	free(j);
}

static const struct job_ops sweep_ops = {
    .run = sweep_run, .done = sweep_done, .free = sweep_free};

void charging_profiles_tick(int64_t now_ms)
{
	if (now_ms < next_tick_ms)
		return;
	next_tick_ms = now_ms + CHARGING_PROFILES_TICK_MS;
	struct sweep_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->job.ops = &sweep_ops;
	j->job.who = "charging profiles";
	j->job.what = "sweep";
	if (dbq_submit(&j->job, NULL, 1))
		free(j);
}
