/*
 * bulk.c — see bulk.h.
 */
#include "bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "batch.h"
#include "bulk_shape.h"
#include "calls.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "takeover.h"
#include "timeutil.h"
#include "ws.h"

/* Jobs looked at per tick and node, and items started per job and tick
 * at most (the pace is the job's own, below these). */
#define JOBS_PER_TICK  20
#define ITEMS_PER_TICK 50
/* A sent item with no outcome this long after command_timeout (its node
 * stopped, the history row was lost) fails. */
#define SENT_STALE_S 60

static int64_t next_tick_ms;

/* Per charge point and transaction, not for a whole site: refused. */
static const char *const not_bulk[] = {"CancelReservation",
                                       "ReserveNow",
                                       "RemoteStartTransaction",
                                       "RemoteStopTransaction",
                                       "RequestStartTransaction",
                                       "RequestStopTransaction",
                                       NULL};

enum bulk_kind { BULK_START, BULK_CANCEL, BULK_RESUME };

struct bulk_job {
	struct job job;
	enum bulk_kind kind;
	uint64_t client;
	char who[CONTROL_WHO_MAX + 1];
	char action[CONTROL_OP_MAX + 1];
	char *params; /* the OCPP payload, JSON text */
	long long site_id, group_id, per_minute, max_in_flight, max_failures;
	long long id; /* the job (cancel, resume; start: the new one) */
	/* the outcome */
	const char *code;
	char msg[200];
	long long items;
	char status[16];
};

static int fail_params(uint64_t client, const char *field, const char *why)
{
	cJSON *extra = cJSON_CreateObject();
	if (extra && field)
		cJSON_AddStringToObject(extra, "field", field);
	control_fail(client, "invalid_params", extra, "%s: %s",
	             field ? field : "params", why);
	return -1;
}

/* An optional integer member in [lo, hi]; def when absent (or null and
 * nullable: -1).  0, or -1 answered. */
static int int_param(const struct control_req *r, const char *name,
                     long long lo, long long hi, long long def, int nullable,
                     long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->params, name);
	*out = def;
	if (!v)
		return 0;
	if (cJSON_IsNull(v) && nullable) {
		*out = -1;
		return 0;
	}
	if (!cJSON_IsNumber(v) ||
	    v->valuedouble != (double)(long long)v->valuedouble ||
	    v->valuedouble < (double)lo || v->valuedouble > (double)hi) {
		char why[80];
		snprintf(why, sizeof why, "an integer %lld..%lld%s", lo, hi,
		         nullable ? " or null" : "");
		return fail_params(r->client, name, why);
	}
	*out = (long long)v->valuedouble;
	return 0;
}

/* bulk_start's params checked here, on the loop, before any job: the
 * command as calls.c would check it for one charge point. */
static int parse_start(const struct control_req *r, struct bulk_job *k)
{
	static const char *const known[] = {
	    "action",     "params",        "site_id",      "group_id",
	    "per_minute", "max_in_flight", "max_failures", NULL};
	for (const cJSON *m = r->params->child; m; m = m->next) {
		int ok = 0;
		for (int i = 0; known[i]; i++)
			ok |= !strcmp(m->string, known[i]);
		if (!ok)
			return fail_params(r->client, m->string,
			                   "unknown field");
	}
	const char *action = json_str(r->params, "action", NULL);
	if (!action || !calls_is_action(action))
		return fail_params(r->client, "action",
		                   "not a command ocppd sends");
	for (int i = 0; not_bulk[i]; i++)
		if (!strcmp(action, not_bulk[i]))
			return fail_params(r->client, "action",
			                   "names one transaction or "
			                   "reservation: send it to one "
			                   "charge point");
	snprintf(k->action, sizeof k->action, "%s", action);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(r->params, "params");
	if (p && !cJSON_IsNull(p) && !cJSON_IsObject(p))
		return fail_params(r->client, "params", "not an object");
	cJSON *empty = NULL;
	if (!p || cJSON_IsNull(p))
		p = empty = cJSON_CreateObject();
	char why[512];
	const char *ocpp_error = NULL;
	if (!p || calls_check(action, p, why, sizeof why, &ocpp_error)) {
		cJSON *extra = p ? control_field_of(why) : NULL;
		if (extra && ocpp_error)
			cJSON_AddStringToObject(extra, "ocpp_error",
			                        ocpp_error);
		control_fail(r->client, p ? "invalid_params" : "internal",
		             extra, "%s", p ? why : "out of memory");
		cJSON_Delete(empty);
		return -1;
	}
	k->params = cJSON_PrintUnformatted(p);
	cJSON_Delete(empty);
	if (!k->params) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return -1;
	}
	if (int_param(r, "site_id", 1, 2147483647LL, 0, 0, &k->site_id) ||
	    int_param(r, "group_id", 1, 2147483647LL, 0, 0, &k->group_id) ||
	    int_param(r, "per_minute", 1, 6000, 10, 0, &k->per_minute) ||
	    int_param(r, "max_in_flight", 1, 1000, 5, 0, &k->max_in_flight) ||
	    int_param(r, "max_failures", 0, 1000000, -1, 1, &k->max_failures))
		return -1;
	if (!k->site_id == !k->group_id)
		return fail_params(r->client, "site_id",
		                   "give either site_id or group_id");
	return 0;
}

static int one_row(struct db *db, const char *sql, long long id, char *out,
                   size_t outlen)
{
	struct db_rows r;
	if (db_query(db, &r, sql, "l", id))
		return -1;
	int rc = db_next(&r);
	if (rc > 0)
		snprintf(out, outlen, "%s", db_str(&r, 0) ? db_str(&r, 0) : "");
	db_rows_end(&r);
	return rc < 0 ? -1 : rc;
}

static enum hres start_run(struct bulk_job *k, struct batch *b)
{
	char name[101];
	int rc = k->site_id
	             ? one_row(b->db, "SELECT name FROM sites WHERE id = ?",
	                       k->site_id, name, sizeof name)
	             : one_row(b->db, "SELECT name FROM cp_groups WHERE id = ?",
	                       k->group_id, name, sizeof name);
	if (rc < 0)
		return H_DB_ERROR;
	if (!rc) {
		k->code = "not_found";
		snprintf(k->msg, sizeof k->msg, "%s: no %s %lld",
		         k->site_id ? "site_id" : "group_id",
		         k->site_id ? "site" : "group",
		         k->site_id ? k->site_id : k->group_id);
		return H_OK;
	}
	if (db_exec(b->db,
	            "INSERT INTO bulk_jobs (created_at, requested_by, action, "
	            "params, site_id, group_id, target_name, per_minute, "
	            "max_in_flight, max_failures) VALUES (UTC_TIMESTAMP(3), "
	            "NULLIF(?, ''), ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, "
	            "NULLIF(?, -1))",
	            "sssllslll", k->who, k->action, k->params, k->site_id,
	            k->group_id, name, k->per_minute, k->max_in_flight,
	            k->max_failures) < 0)
		return H_DB_ERROR;
	k->id = (long long)db_insert_id(b->db);
	/* The charge points are those of the target now, retired ones
	 * left out; later members are not added. */
	long long n =
	    k->site_id
	        ? db_exec(b->db,
	                  "INSERT INTO bulk_job_items (job_id, cp_id) "
	                  "SELECT ?, id FROM charge_points WHERE site_id = ? "
	                  "AND retired = 0",
	                  "ll", k->id, k->site_id)
	        : db_exec(b->db,
	                  "INSERT INTO bulk_job_items (job_id, cp_id) "
	                  "SELECT ?, m.cp_id FROM cp_group_members m JOIN "
	                  "charge_points cp ON cp.id = m.cp_id WHERE "
	                  "m.group_id = ? AND cp.retired = 0",
	                  "ll", k->id, k->group_id);
	if (n < 0)
		return H_DB_ERROR;
	k->items = n;
	snprintf(k->status, sizeof k->status, "running");
	return H_OK;
}

/* Cancel: the items not sent yet are cancelled; commands already sent
 * are not recalled (their outcome is still recorded).  Resume: a paused
 * job runs again, without its failure threshold. */
static enum hres change_run(struct bulk_job *k, struct batch *b)
{
	if (one_row(b->db, "SELECT status FROM bulk_jobs WHERE id = ?", k->id,
	            k->status, sizeof k->status) == 0) {
		k->code = "not_found";
		snprintf(k->msg, sizeof k->msg, "id: no bulk job %lld", k->id);
		return H_OK;
	}
	if (!k->status[0])
		return H_DB_ERROR;
	if (k->kind == BULK_CANCEL) {
		if (!strcmp(k->status, "done") ||
		    !strcmp(k->status, "cancelled"))
			return H_OK; /* nothing left to stop */
		if (db_exec(b->db,
		            "UPDATE bulk_jobs SET status = 'cancelled', "
		            "status_reason = CONCAT('cancelled by ', "
		            "COALESCE(NULLIF(?, ''), 'an operator')), "
		            "finished_at = UTC_TIMESTAMP(3) WHERE id = ?",
		            "sl", k->who, k->id) < 0 ||
		    db_exec(b->db,
		            "UPDATE bulk_job_items SET status = 'cancelled', "
		            "finished_at = UTC_TIMESTAMP(3) WHERE job_id = ? "
		            "AND status = 'pending'",
		            "l", k->id) < 0)
			return H_DB_ERROR;
		snprintf(k->status, sizeof k->status, "cancelled");
		return H_OK;
	}
	if (strcmp(k->status, "paused")) {
		k->code = "in_use";
		snprintf(k->msg, sizeof k->msg,
		         "id: bulk job %lld is %s, not paused", k->id,
		         k->status);
		return H_OK;
	}
	if (db_exec(b->db,
	            "UPDATE bulk_jobs SET status = 'running', max_failures = "
	            "NULL, status_reason = NULL WHERE id = ?",
	            "l", k->id) < 0)
		return H_DB_ERROR;
	snprintf(k->status, sizeof k->status, "running");
	return H_OK;
}

static enum hres op_run(struct job *j, struct batch *b)
{
	struct bulk_job *k = (struct bulk_job *)j;
	k->code = NULL;
	k->status[0] = '\0';
	return k->kind == BULK_START ? start_run(k, b) : change_run(k, b);
}

static void op_done(struct job *j, enum hres r)
{
	struct bulk_job *k = (struct bulk_job *)j;
	if (r != H_OK) {
		control_fail(k->client, "db_error", NULL, "database error");
		return;
	}
	if (k->code) {
		control_fail(k->client, k->code, control_field_of(k->msg), "%s",
		             k->msg);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	if (!o || json_add_int(o, "id", k->id) ||
	    json_add_str(o, "status", k->status) ||
	    (k->kind == BULK_START &&
	     (json_add_str(o, "action", k->action) ||
	      json_add_int(o, "charge_points", k->items)))) {
		cJSON_Delete(o);
		control_fail(k->client, "internal", NULL, "out of memory");
		return;
	}
	if (k->kind == BULK_START)
		log_info("ocppd: control | bulk_start | job %lld: %s to %lld "
		         "charge points",
		         k->id, k->action, k->items);
	else
		log_info("ocppd: control | bulk %s | job %lld",
		         k->kind == BULK_CANCEL ? "cancel" : "resume", k->id);
	control_ok(k->client, o);
}

static void op_fail(struct job *j)
{
	control_fail(((struct bulk_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void op_free(struct job *j)
{
	struct bulk_job *k = (struct bulk_job *)j;
	free(k->params);
	free(k);
}

static const struct job_ops op_ops = {
    .run = op_run, .done = op_done, .fail = op_fail, .free = op_free};

void bulk_request(const struct control_req *r)
{
	struct bulk_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	k->job.ops = &op_ops;
	k->job.who = "bulk";
	k->job.what = !strcmp(r->op, "bulk_start")    ? "bulk_start"
	              : !strcmp(r->op, "bulk_cancel") ? "bulk_cancel"
	                                              : "bulk_resume";
	k->client = r->client;
	snprintf(k->who, sizeof k->who, "%s", r->requested_by);
	if (!strcmp(r->op, "bulk_start")) {
		k->kind = BULK_START;
		if (parse_start(r, k)) {
			op_free(&k->job);
			return;
		}
	} else {
		k->kind =
		    !strcmp(r->op, "bulk_cancel") ? BULK_CANCEL : BULK_RESUME;
		for (const cJSON *m = r->params->child; m; m = m->next)
			if (strcmp(m->string, "id")) {
				fail_params(r->client, m->string,
				            "unknown field");
				op_free(&k->job);
				return;
			}
		if (int_param(r, "id", 1, 2147483647LL, 0, 0, &k->id)) {
			op_free(&k->job);
			return;
		}
		if (!k->id) {
			fail_params(r->client, "id", "required");
			op_free(&k->job);
			return;
		}
	}
	if (dbq_submit(&k->job, "bulk", 0)) {
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
		op_free(&k->job);
	}
}

/* ---- the pace ------------------------------------------------------------ */

struct send {
	char cp_id[CONTROL_CP_ID_MAX + 1];
	char who[CONTROL_WHO_MAX + 1];
	char action[CONTROL_OP_MAX + 1];
	cJSON *params;
};

struct tick_job {
	struct job job;
	const struct csms_config *cfg;
	struct send *s;
	int n, cap;
};

struct running {
	long long id, per_minute, max_in_flight, max_failures;
	char action[CONTROL_OP_MAX + 1];
	char who[CONTROL_WHO_MAX + 1];
	char *params;
};

static long long count_of(struct db *db, const char *sql, long long id)
{
	struct db_rows r;
	if (db_query(db, &r, sql, "l", id))
		return -1;
	int rc = db_next(&r);
	long long n = rc > 0 ? db_int(&r, 0) : 0;
	db_rows_end(&r);
	return rc < 0 ? -1 : n;
}

static int add_send(struct tick_job *t, const struct running *j,
                    const char *cp_id)
{
	if (t->n == t->cap) {
		int cap = t->cap ? t->cap * 2 : 16;
		struct send *s = realloc(t->s, (size_t)cap * sizeof *s);
		if (!s)
			return -1;
		t->s = s;
		t->cap = cap;
	}
	struct send *s = &t->s[t->n];
	s->params = cJSON_Parse(j->params);
	if (!s->params)
		return -1;
	snprintf(s->cp_id, sizeof s->cp_id, "%s", cp_id);
	snprintf(s->action, sizeof s->action, "%s", j->action);
	snprintf(s->who, sizeof s->who, BULK_WHO_PREFIX "%lld:%s", j->id,
	         j->who);
	t->n++;
	return 0;
}

/* One running job: pause it, finish it, or start its next items. */
static enum hres step(struct tick_job *t, struct batch *b,
                      const struct running *j)
{
	int fw = !strcmp(j->action, "UpdateFirmware");
	long long failed = count_of(
	    b->db,
	    "SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ? AND status "
	    "= 'failed'",
	    j->id);
	long long flying = count_of(
	    b->db,
	    fw ? "SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ? AND "
	         "status IN ('sent', 'answered')"
	       : "SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ? AND "
	         "status = 'sent'",
	    j->id);
	long long pending = count_of(
	    b->db,
	    "SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ? AND status "
	    "= 'pending'",
	    j->id);
	long long minute = count_of(
	    b->db,
	    "SELECT COUNT(*) FROM bulk_job_items WHERE job_id = ? AND sent_at "
	    "> UTC_TIMESTAMP(3) - INTERVAL 60 SECOND",
	    j->id);
	if (failed < 0 || flying < 0 || pending < 0 || minute < 0)
		return H_DB_ERROR;
	if (j->max_failures >= 0 && failed > j->max_failures) {
		char why[120];
		snprintf(why, sizeof why,
		         "%lld charge points failed, more than %lld", failed,
		         j->max_failures);
		log_warn("ocppd: bulk job %lld paused: %s", j->id, why);
		return db_exec(b->db,
		               "UPDATE bulk_jobs SET status = 'paused', "
		               "status_reason = ? WHERE id = ? AND status = "
		               "'running'",
		               "sl", why, j->id) < 0
		           ? H_DB_ERROR
		           : H_OK;
	}
	if (!pending && !flying)
		return db_exec(
		           b->db,
		           "UPDATE bulk_jobs SET status = 'done', "
		           "finished_at = UTC_TIMESTAMP(3) WHERE id = ? AND "
		           "status = 'running'",
		           "l", j->id) < 0
		           ? H_DB_ERROR
		           : H_OK;
	/* Spread over the minute: a tick starts its share of per_minute,
	 * and the last 60 s never more than per_minute. */
	long long share = (j->per_minute * BULK_TICK_MS + 59999) / 60000;
	long long room = j->max_in_flight - flying;
	if (room > share)
		room = share;
	if (room > j->per_minute - minute)
		room = j->per_minute - minute;
	if (room > ITEMS_PER_TICK)
		room = ITEMS_PER_TICK;
	if (room <= 0 || !pending)
		return H_OK;
	/* The next pending items this node may act on: its own charge
	 * points, and those nobody holds (offline: skipped here). */
	struct db_rows r;
	if (db_query(b->db, &r,
	             "SELECT i.cp_id, COALESCE(cp.connected, 0) AND "
	             "COALESCE(cp.retired, 0) = 0 FROM bulk_job_items i "
	             "LEFT JOIN charge_points cp ON cp.id = i.cp_id WHERE "
	             "i.job_id = ? AND i.status = 'pending' AND "
	             "(cp.connected IS NULL OR cp.connected = 0 OR "
	             "cp.node_id <=> NULLIF(?, '')) ORDER BY i.cp_id LIMIT ?",
	             "lsl", j->id, t->cfg->node_id, room))
		return H_DB_ERROR;
	struct item {
		char cp_id[CONTROL_CP_ID_MAX + 1];
		int online;
	} *it = calloc((size_t)room, sizeof *it);
	int n = 0, rc = 0;
	while (it && n < room && (rc = db_next(&r)) > 0) {
		snprintf(it[n].cp_id, sizeof it[n].cp_id, "%s", db_str(&r, 0));
		it[n++].online = (int)db_int(&r, 1);
	}
	db_rows_end(&r);
	if (!it || rc < 0) {
		free(it);
		return H_DB_ERROR;
	}
	enum hres h = H_OK;
	for (int i = 0; i < n && h == H_OK; i++) {
		if (!it[i].online) {
			if (db_exec(b->db,
			            "UPDATE bulk_job_items SET status = "
			            "'offline', why = 'not connected at its "
			            "turn', finished_at = UTC_TIMESTAMP(3) "
			            "WHERE job_id = ? AND cp_id = ? AND status "
			            "= 'pending'",
			            "ls", j->id, it[i].cp_id) < 0)
				h = H_DB_ERROR;
			continue;
		}
		if (db_exec(
		        b->db,
		        "UPDATE bulk_job_items SET status = 'sent', sent_at "
		        "= UTC_TIMESTAMP(3) WHERE job_id = ? AND cp_id = ? "
		        "AND status = 'pending'",
		        "ls", j->id, it[i].cp_id) < 0 ||
		    add_send(t, j, it[i].cp_id))
			h = H_DB_ERROR;
	}
	free(it);
	return h;
}

static void sends_clear(struct tick_job *t)
{
	for (int i = 0; i < t->n; i++)
		cJSON_Delete(t->s[i].params);
	t->n = 0;
}

static enum hres tick_run(struct job *jb, struct batch *b)
{
	struct tick_job *t = (struct tick_job *)jb;
	sends_clear(t); /* a batch that failed runs again */
	long long stale = (long long)t->cfg->command_timeout + SENT_STALE_S;
	if (db_exec(b->db,
	            "UPDATE bulk_job_items SET status = 'failed', why = 'no "
	            "outcome recorded', finished_at = UTC_TIMESTAMP(3) WHERE "
	            "status = 'sent' AND sent_at < UTC_TIMESTAMP(3) - "
	            "INTERVAL ? SECOND",
	            "l", stale) < 0)
		return H_DB_ERROR;
	struct running jobs[JOBS_PER_TICK];
	int nj = 0, rc = 0;
	struct db_rows r;
	if (db_query(b->db, &r,
	             "SELECT id, action, params, COALESCE(requested_by, ''), "
	             "per_minute, max_in_flight, COALESCE(max_failures, -1) "
	             "FROM bulk_jobs WHERE status = 'running' ORDER BY id "
	             "LIMIT ?",
	             "i", JOBS_PER_TICK))
		return H_DB_ERROR;
	while (nj < JOBS_PER_TICK && (rc = db_next(&r)) > 0) {
		struct running *j = &jobs[nj];
		j->id = db_int(&r, 0);
		snprintf(j->action, sizeof j->action, "%s", db_str(&r, 1));
		j->params = strdup(db_str(&r, 2) ? db_str(&r, 2) : "{}");
		snprintf(j->who, sizeof j->who, "%s", db_str(&r, 3));
		j->per_minute = db_int(&r, 4);
		j->max_in_flight = db_int(&r, 5);
		j->max_failures = db_int(&r, 6);
		if (!j->params)
			rc = -1;
		nj++;
	}
	db_rows_end(&r);
	enum hres h = rc < 0 ? H_DB_ERROR : H_OK;
	for (int i = 0; i < nj; i++) {
		if (h == H_OK)
			h = step(t, b, &jobs[i]);
		free(jobs[i].params);
	}
	return h;
}

/* Committed: each item goes out as a command of its own, with nobody
 * waiting for the answer; its outcome comes back through the history
 * (bulk_command). */
static void tick_done(struct job *jb, enum hres r)
{
	struct tick_job *t = (struct tick_job *)jb;
	if (r != H_OK)
		return;
	for (int i = 0; i < t->n; i++) {
		struct control_req req;
		memset(&req, 0, sizeof req);
		req.client = CONTROL_NO_CLIENT;
		snprintf(req.op, sizeof req.op, "%s", t->s[i].action);
		snprintf(req.cp_id, sizeof req.cp_id, "%s", t->s[i].cp_id);
		snprintf(req.requested_by, sizeof req.requested_by, "%s",
		         t->s[i].who);
		req.params = t->s[i].params;
		/* Each target in its own protocol's shape where one payload
		 * means the same in both (bulk_shape.h). */
		struct conn *c = takeover_find(req.cp_id);
		cJSON *shaped = bulk_shape(req.op, req.params,
		                           c && !c->closing ? c->proto : -1);
		if (shaped)
			req.params = shaped;
		calls_submit(c, &req);
		cJSON_Delete(shaped);
	}
}

static void tick_free(struct job *jb)
{
	struct tick_job *t = (struct tick_job *)jb;
	sends_clear(t);
	free(t->s);
	free(t);
}

static const struct job_ops tick_ops = {
    .run = tick_run, .done = tick_done, .free = tick_free};

void bulk_tick(const struct csms_config *cfg, int64_t now_ms)
{
	if (now_ms < next_tick_ms)
		return;
	next_tick_ms = now_ms + BULK_TICK_MS;
	struct tick_job *t = calloc(1, sizeof *t);
	if (!t)
		return;
	t->job.ops = &tick_ops;
	t->job.who = "bulk";
	t->job.what = "items due";
	t->cfg = cfg;
	if (dbq_submit(&t->job, "bulk", 1))
		tick_free(&t->job);
}
