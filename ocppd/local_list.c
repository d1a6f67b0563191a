/*
 * local_list.c — see local_list.h.
 */
#include "local_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "batch.h"
#include "calls.h"
#include "control.h"
#include "dbq.h"
#include "jsonutil.h"
#include "local_list_state.h"
#include "log.h"
#include "takeover.h"
#include "timeutil.h"

/* Charge points sent an update per tick and node: a change of every tag
 * reaches a large fleet in minutes without a burst of big messages. */
#define PACE 20
/* A differential update of more entries than this goes Full; a Full
 * list longer than LIST_MAX is not sent (the charge point's
 * SendLocalListMaxLength is rarely larger), and not built again until
 * the tags change. */
#define DIFF_MAX 100
#define LIST_MAX 5000
/* An update without an outcome this long (its node stopped) is sent
 * again. */
#define SENDING_STALE_S 120

static int64_t next_tick_ms;

/* ---- the updates -------------------------------------------------------- */

struct update {
	char cp_id[CONTROL_CP_ID_MAX + 1];
	const char *op; /* SendLocalList, or GetLocalListVersion */
	cJSON *payload; /* its .req */
};

struct sync_job {
	struct job job;
	const struct csms_config *cfg;
	struct update u[PACE];
	int n;
};

/* One entry: a present tag with its idTagInfo, or a removal. */
static cJSON *entry(const struct db_rows *r, int present)
{
	cJSON *e = cJSON_CreateObject();
	if (!e)
		return NULL;
	cJSON_AddStringToObject(e, "idTag", db_str(r, 0));
	if (!present)
		return e;
	cJSON *info = cJSON_AddObjectToObject(e, "idTagInfo");
	if (!info)
		return e;
	cJSON_AddStringToObject(info, "status",
	                        db_str(r, 1) ? db_str(r, 1) : "Invalid");
	if (db_time_ms(r, 2) != DB_NULL_TIME) {
		char ts[32];
		time_format_iso8601(db_time_ms(r, 2), ts);
		cJSON_AddStringToObject(info, "expiryDate", ts);
	}
	if (db_str(r, 3))
		cJSON_AddStringToObject(info, "parentIdTag", db_str(r, 3));
	return e;
}

/* Appends the rows of a query to list; the number appended, -1 on a
 * database error, or more than max when there are more. */
static long add_rows(struct db *db, cJSON *list, const char *sql,
                     long long since, long max, int present)
{
	struct db_rows r;
	if (db_query(db, &r, sql, "ll", since, (long long)max + 1))
		return -1;
	long n = 0;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		if (++n <= max)
			cJSON_AddItemToArray(list, entry(&r, present));
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : n;
}

static const char sql_changed[] =
    "SELECT id_tag, status, expiry_date, parent_id_tag FROM users "
    "WHERE list_seq > ? ORDER BY id_tag LIMIT ?";
static const char sql_gone[] =
    "SELECT g.id_tag FROM local_list_gone g WHERE g.list_seq > ? "
    "AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id_tag = g.id_tag) "
    "ORDER BY g.id_tag LIMIT ?";
static const char sql_all[] =
    "SELECT id_tag, status, expiry_date, parent_id_tag FROM users "
    "WHERE list_seq >= ? ORDER BY id_tag LIMIT ?";

/* The payload bringing a charge point from version `from` (0: none) to
 * `to`; NULL when the full list is too long (*why says so) or on an
 * error (-1 in *err). */
static cJSON *build(struct db *db, long long from, long long to,
                    const char **type, int *err)
{
	cJSON *p = cJSON_CreateObject();
	cJSON *list = cJSON_CreateArray();
	*err = 0;
	if (!p || !list) {
		cJSON_Delete(p);
		cJSON_Delete(list);
		*err = 1;
		return NULL;
	}
	long n = 0, g = 0;
	if (from > 0) {
		n = add_rows(db, list, sql_changed, from, DIFF_MAX, 1);
		if (n >= 0 && n <= DIFF_MAX)
			g = add_rows(db, list, sql_gone, from, DIFF_MAX - n, 0);
	}
	if (n < 0 || g < 0) {
		*err = 1;
		goto fail;
	}
	if (from > 0 && n <= DIFF_MAX && g <= DIFF_MAX - n) {
		*type = "Differential";
	} else {
		cJSON_Delete(list);
		list = cJSON_CreateArray();
		n = list ? add_rows(db, list, sql_all, 0, LIST_MAX, 1) : -1;
		if (n < 0) {
			*err = 1;
			goto fail;
		}
		if (n > LIST_MAX)
			goto fail; /* too long: not sent */
		*type = "Full";
	}
	cJSON_AddNumberToObject(p, "listVersion", (double)to);
	cJSON_AddStringToObject(p, "updateType", *type);
	cJSON_AddItemToObject(p, "localAuthorizationList", list);
	return p;
fail:
	cJSON_Delete(list);
	cJSON_Delete(p);
	return NULL;
}

/*
 * Reconcile: a charge point that booted since its list's state last
 * changed may have lost the list (a factory reset, a replaced controller)
 * while we hold it in_sync.  It is asked GetLocalListVersion before any
 * update goes to it (a Differential would otherwise be Accepted onto an
 * empty list); its state is 'sending' until the answer (local_list_state.c)
 * makes it in_sync again, or failed with a Full list next when the
 * version differs.  updated_at moves on so it is asked once per boot.
 */
static enum hres reconcile_due(struct batch *b, struct sync_job *s)
{
	char ids[PACE][CONTROL_CP_ID_MAX + 1];
	struct db_rows r;
	int n = 0, rc = 0;
	if (s->n >= PACE)
		return H_OK;
	if (db_query(b->db, &r,
	             "SELECT cp.id FROM charge_points cp JOIN local_lists l "
	             "ON l.cp_id = cp.id WHERE cp.connected = 1 "
	             "AND cp.node_id <=> NULLIF(?, '') "
	             "AND cp.boot_answer = 'Accepted' "
	             "AND l.status IN ('in_sync', 'failed', 'no_answer') "
	             "AND l.version_confirmed > 0 "
	             "AND cp.last_boot > l.updated_at ORDER BY cp.id LIMIT ?",
	             "si", s->cfg->node_id, PACE - s->n))
		return H_DB_ERROR;
	while (n < PACE - s->n && (rc = db_next(&r)) > 0)
		snprintf(ids[n++], sizeof ids[0], "%s", db_str(&r, 0));
	db_rows_end(&r);
	if (rc < 0)
		return H_DB_ERROR;
	for (int i = 0; i < n; i++) {
		if (db_exec(b->db,
		            "UPDATE local_lists SET status = 'sending', "
		            "last_answer = 'version asked', updated_at = "
		            "UTC_TIMESTAMP(3) WHERE cp_id = ?",
		            "s", ids[i]) < 0)
			return H_DB_ERROR;
		cJSON *p = cJSON_CreateObject();
		if (!p)
			return H_DB_ERROR;
		memcpy(s->u[s->n].cp_id, ids[i], sizeof ids[i]);
		s->u[s->n].op = "GetLocalListVersion";
		s->u[s->n++].payload = p;
	}
	return H_OK;
}

static enum hres sync_run(struct job *j, struct batch *b)
{
	struct sync_job *s = (struct sync_job *)j;
	/* A batch that failed runs again: start from nothing. */
	for (int i = 0; i < s->n; i++)
		cJSON_Delete(s->u[i].payload);
	s->n = 0;
	struct db_rows r;
	if (db_query(b->db, &r, "SELECT seq FROM local_list_seq WHERE id = 1",
	             ""))
		return H_DB_ERROR;
	int rc = db_next(&r);
	long long cur = rc > 0 ? db_int(&r, 0) : 0;
	db_rows_end(&r);
	if (rc < 0)
		return H_DB_ERROR;
	if (cur < 1 || cur > 2147483647LL)
		return H_OK;
	enum hres h = reconcile_due(b, s);
	if (h != H_OK || s->n >= PACE)
		return h;
	struct due {
		char id[CONTROL_CP_ID_MAX + 1];
		long long from;
	} due[PACE];
	int nd = 0;
	if (db_query(b->db, &r,
	             "SELECT cp.id, COALESCE(l.version_confirmed, 0) "
	             "FROM charge_points cp LEFT JOIN local_lists l "
	             "ON l.cp_id = cp.id WHERE cp.connected = 1 "
	             "AND cp.node_id <=> NULLIF(?, '') "
	             "AND cp.boot_answer = 'Accepted' "
	             "AND (l.cp_id IS NULL OR (l.version_confirmed < ? "
	             "AND NOT (l.last_answer <=> 'list too long' "
	             "AND l.version_sent = ?) "
	             "AND (l.status IN ('in_sync', 'failed', 'no_answer') "
	             "OR (l.status = 'sending' AND l.updated_at < "
	             "UTC_TIMESTAMP(3) - INTERVAL ? SECOND)))) "
	             "ORDER BY cp.id LIMIT ?",
	             "sllii", s->cfg->node_id, cur, cur, SENDING_STALE_S,
	             PACE - s->n))
		return H_DB_ERROR;
	while (nd < PACE - s->n && (rc = db_next(&r)) > 0) {
		snprintf(due[nd].id, sizeof due[nd].id, "%s", db_str(&r, 0));
		due[nd].from = db_int(&r, 1);
		nd++;
	}
	db_rows_end(&r);
	if (rc < 0)
		return H_DB_ERROR;
	for (int i = 0; i < nd; i++) {
		const char *type = NULL;
		int err;
		cJSON *p = build(b->db, due[i].from, cur, &type, &err);
		if (err)
			return H_DB_ERROR;
		if (db_exec(b->db,
		            "INSERT INTO local_lists (cp_id, version_sent, "
		            "update_type, status, last_answer, updated_at) "
		            "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(3)) "
		            "ON DUPLICATE KEY UPDATE version_sent = "
		            "VALUES(version_sent), update_type = "
		            "VALUES(update_type), status = VALUES(status), "
		            "last_answer = VALUES(last_answer), updated_at = "
		            "VALUES(updated_at)",
		            "slsss", due[i].id, cur, type,
		            p ? "sending" : "failed",
		            p ? NULL : "list too long") < 0) {
			cJSON_Delete(p);
			return H_DB_ERROR;
		}
		if (!p)
			continue;
		memcpy(s->u[s->n].cp_id, due[i].id, sizeof due[i].id);
		s->u[s->n].op = "SendLocalList";
		s->u[s->n++].payload = p;
	}
	return H_OK;
}

/* Committed: each update goes out as a command of its own, recorded in
 * the history like an operator's (requested_by LOCAL_LIST_SENDER), with
 * nobody waiting for the answer. */
static void sync_done(struct job *j, enum hres r)
{
	struct sync_job *s = (struct sync_job *)j;
	if (r != H_OK)
		return;
	for (int i = 0; i < s->n; i++) {
		struct control_req req;
		memset(&req, 0, sizeof req);
		snprintf(req.op, sizeof req.op, "%s", s->u[i].op);
		snprintf(req.cp_id, sizeof req.cp_id, "%s", s->u[i].cp_id);
		snprintf(req.requested_by, sizeof req.requested_by, "%s",
		         LOCAL_LIST_SENDER);
		req.params = s->u[i].payload;
		calls_submit(takeover_find(req.cp_id), &req);
	}
}

static void sync_free(struct job *j)
{
	struct sync_job *s = (struct sync_job *)j;
	for (int i = 0; i < s->n; i++)
		cJSON_Delete(s->u[i].payload);
	free(s);
}

static const struct job_ops sync_ops = {
    .run = sync_run, .done = sync_done, .free = sync_free};

void local_list_tick(const struct csms_config *cfg, int64_t now_ms)
{
	if (strcmp(cfg->local_list, "all") || now_ms < next_tick_ms)
		return;
	next_tick_ms = now_ms + LOCAL_LIST_TICK_MS;
	struct sync_job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->job.ops = &sync_ops;
	j->job.who = "local list";
	j->job.what = "updates due";
	j->cfg = cfg;
	if (dbq_submit(&j->job, NULL, 1))
		free(j);
}
