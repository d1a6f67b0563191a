/*
 * tags.c — tag_add, tag_update, tag_delete; see tags.h.
 */
#include "tags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "batch.h"
#include "control.h"
#include "dbq.h"
#include "jsonutil.h"
#include "local_list_state.h"
#include "log.h"
#include "timeutil.h"
#include "utf8.h"

/* Characters of valid UTF-8 without control characters, or -1. */
static long utf8_chars(const char *s)
{
	long n = 0;
	for (size_t len; *s; s += len, n++) {
		len = utf8_decode(s, SIZE_MAX, NULL);
		if (!len || (unsigned char)*s < 0x20 || *s == 0x7F)
			return -1;
	}
	return n;
}

/* A string field of 1..max characters; "" and null are absent when
 * nullable.  0 ok (*out NULL when null), 1 not given, -1 with why. */
static int text_field(const cJSON *params, const char *name, long max,
                      int nullable, char *buf, size_t size, const char **out,
                      char *why, size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
	*out = NULL;
	if (!v)
		return 1;
	if (cJSON_IsNull(v) || (cJSON_IsString(v) && !v->valuestring[0])) {
		if (nullable)
			return 0;
		snprintf(why, whylen, "%s: must not be empty", name);
		return -1;
	}
	if (!cJSON_IsString(v)) {
		snprintf(why, whylen, "%s: must be a string", name);
		return -1;
	}
	long n = utf8_chars(v->valuestring);
	if (n < 0) {
		snprintf(why, whylen,
		         "%s: not valid UTF-8 or has control characters", name);
		return -1;
	}
	if (n > max || strlen(v->valuestring) >= size) {
		snprintf(why, whylen, "%s: longer than %ld characters", name,
		         max);
		return -1;
	}
	snprintf(buf, size, "%s", v->valuestring);
	*out = buf;
	return 0;
}

/* ISO 8601 date-time, or a bare date (midnight UTC), as a date input
 * field sends it. */
static int parse_date(const char *s, int64_t *ms)
{
	char buf[32];
	if (strlen(s) == 10) {
		snprintf(buf, sizeof buf, "%sT00:00:00Z", s);
		s = buf;
	}
	return time_parse_iso8601(s, ms);
}

static int known_fields(const cJSON *params, char *why, size_t whylen)
{
	static const char *const names[] = {
	    "id_tag",      "name",          "status",
	    "expiry_date", "parent_id_tag", "max_concurrent_tx"};
	for (const cJSON *m = params ? params->child : NULL; m; m = m->next) {
		size_t i;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcmp(m->string, names[i]))
				break;
		if (i == sizeof names / sizeof names[0]) {
			snprintf(why, whylen, "%.60s: unknown field",
			         m->string);
			return -1;
		}
	}
	return 0;
}

int tag_op_parse(const char *op, const cJSON *params, struct tag_op *t,
                 char *why, size_t whylen)
{
	memset(t, 0, sizeof *t);
	t->expiry_ms = DB_NULL_TIME;
	t->max_tx = -1;
	if (!strcmp(op, "tag_add"))
		t->kind = TAG_ADD;
	else if (!strcmp(op, "tag_update"))
		t->kind = TAG_UPDATE;
	else if (!strcmp(op, "tag_delete"))
		t->kind = TAG_DELETE;
	else {
		snprintf(why, whylen, "unknown op %s", op);
		return -1;
	}
	if (known_fields(params, why, whylen))
		return -1;
	const char *tag;
	int rc = text_field(params, "id_tag", TAG_CHARS, 0, t->id_tag,
	                    sizeof t->id_tag, &tag, why, whylen);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		snprintf(why, whylen, "id_tag: required");
		return -1;
	}
	if (t->kind == TAG_DELETE) {
		if (params->child && params->child->next) {
			snprintf(why, whylen, "tag_delete takes only id_tag");
			return -1;
		}
		return 0;
	}
	rc = text_field(params, "name", 100, 1, t->name_buf, sizeof t->name_buf,
	                &t->name, why, whylen);
	if (rc < 0)
		return -1;
	if (!rc)
		t->set |= TAG_SET_NAME;
	rc = text_field(params, "parent_id_tag", TAG_CHARS, 1, t->parent_buf,
	                sizeof t->parent_buf, &t->parent, why, whylen);
	if (rc < 0)
		return -1;
	if (!rc)
		t->set |= TAG_SET_PARENT;
	/* A group is named by any IdToken (OCPP's parentIdTag need not be a
	 * tag of its own), but a tag heading its own group is a slip. */
	if (t->parent && !strcasecmp(t->parent, t->id_tag)) {
		snprintf(why, whylen,
		         "parent_id_tag: a tag cannot be its own "
		         "parent");
		return -1;
	}
	const cJSON *mx =
	    cJSON_GetObjectItemCaseSensitive(params, "max_concurrent_tx");
	if (mx) {
		t->max_tx = -1;
		if (cJSON_IsNumber(mx) && mx->valuedouble >= 0 &&
		    mx->valuedouble <= TAG_MAX_TX &&
		    mx->valuedouble == (double)(int)mx->valuedouble)
			t->max_tx = (int)mx->valuedouble;
		else if (!cJSON_IsNull(mx) &&
		         !(cJSON_IsString(mx) && !mx->valuestring[0])) {
			snprintf(why, whylen,
			         "max_concurrent_tx: must be an integer 0..%d "
			         "or null",
			         TAG_MAX_TX);
			return -1;
		}
		t->set |= TAG_SET_MAXTX;
	}
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(params, "status");
	if (st) {
		if (!cJSON_IsString(st) ||
		    (strcmp(st->valuestring, "Accepted") &&
		     strcmp(st->valuestring, "Blocked") &&
		     strcmp(st->valuestring, "Expired"))) {
			snprintf(
			    why, whylen,
			    "status: must be Accepted, Blocked or Expired");
			return -1;
		}
		snprintf(t->status, sizeof t->status, "%s", st->valuestring);
		t->set |= TAG_SET_STATUS;
	} else if (t->kind == TAG_ADD) {
		snprintf(t->status, sizeof t->status, "Accepted");
		t->set |= TAG_SET_STATUS;
	}
	const cJSON *ex =
	    cJSON_GetObjectItemCaseSensitive(params, "expiry_date");
	if (ex) {
		if (cJSON_IsNull(ex) ||
		    (cJSON_IsString(ex) && !ex->valuestring[0])) {
			t->expiry_ms = DB_NULL_TIME;
		} else if (!cJSON_IsString(ex) ||
		           parse_date(ex->valuestring, &t->expiry_ms)) {
			snprintf(why, whylen,
			         "expiry_date: not an ISO 8601 date-time "
			         "(YYYY-MM-DDTHH:MM:SSZ)");
			return -1;
		}
		t->set |= TAG_SET_EXPIRY;
	}
	if (t->kind == TAG_UPDATE && !t->set) {
		snprintf(why, whylen,
		         "nothing to update: give name, status, expiry_date, "
		         "parent_id_tag or max_concurrent_tx");
		return -1;
	}
	return 0;
}

static cJSON *row_json(struct db_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	char ts[32];
	int64_t exp = db_time_ms(r, 3);
	if (exp != DB_NULL_TIME)
		time_format_iso8601(exp, ts);
	if (json_add_str(o, "id_tag", db_str(r, 0)) ||
	    !(db_str(r, 1) ? cJSON_AddStringToObject(o, "name", db_str(r, 1))
	                   : cJSON_AddNullToObject(o, "name")) ||
	    json_add_str(o, "status", db_str(r, 2)) ||
	    !(exp != DB_NULL_TIME
	          ? cJSON_AddStringToObject(o, "expiry_date", ts)
	          : cJSON_AddNullToObject(o, "expiry_date")) ||
	    !(db_str(r, 4)
	          ? cJSON_AddStringToObject(o, "parent_id_tag", db_str(r, 4))
	          : cJSON_AddNullToObject(o, "parent_id_tag")) ||
	    !(!db_isnull(r, 5)
	          ? cJSON_AddNumberToObject(o, "max_concurrent_tx",
	                                    (double)db_int(r, 5))
	          : cJSON_AddNullToObject(o, "max_concurrent_tx"))) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

enum hres tag_op_run(struct db *db, struct tag_op *t)
{
	long long n;
	/* A batch that failed runs again: start from nothing. */
	cJSON_Delete(t->row);
	t->row = NULL;
	t->found = 0;
	switch (t->kind) {
	case TAG_ADD:
		/* IGNORE: an existing tag is an answer (exists), not an
		 * error that would roll back the whole batch. */
		n = db_exec(db,
		            "INSERT IGNORE INTO users (id_tag, name, status, "
		            "expiry_date, parent_id_tag, max_concurrent_tx) "
		            "VALUES (?, ?, ?, ?, ?, IF(? < 0, NULL, ?))",
		            "ssstsii", t->id_tag, t->name, t->status,
		            t->expiry_ms, t->parent, t->max_tx, t->max_tx);
		break;
	case TAG_UPDATE:
		/* One statement for every combination of fields: a flag per
		 * field says whether to take the new value. */
		n = db_exec(db,
		            "UPDATE users SET name = IF(?, ?, name), "
		            "status = IF(?, ?, status), "
		            "expiry_date = IF(?, ?, expiry_date), "
		            "parent_id_tag = IF(?, ?, parent_id_tag), "
		            "max_concurrent_tx = IF(?, IF(? < 0, NULL, ?), "
		            "max_concurrent_tx) "
		            "WHERE id_tag = ?",
		            "isisitisiiis", !!(t->set & TAG_SET_NAME), t->name,
		            !!(t->set & TAG_SET_STATUS),
		            t->set & TAG_SET_STATUS ? t->status : NULL,
		            !!(t->set & TAG_SET_EXPIRY), t->expiry_ms,
		            !!(t->set & TAG_SET_PARENT), t->parent,
		            !!(t->set & TAG_SET_MAXTX), t->max_tx, t->max_tx,
		            t->id_tag);
		break;
	case TAG_DELETE:
		n = db_exec(db, "DELETE FROM users WHERE id_tag = ?", "s",
		            t->id_tag);
		break;
	default:
		return H_INTERNAL;
	}
	if (n < 0)
		return H_DB_ERROR;
	/* CLIENT_FOUND_ROWS: an update that changes nothing still counts
	 * its row. */
	t->found = n > 0;
	/* Numbered for the charge points' local lists (local_list_state.h). */
	if (t->found && local_list_stamp(db, t->id_tag, t->kind == TAG_DELETE))
		return H_DB_ERROR;
	if (!t->found || t->kind == TAG_DELETE)
		return H_OK;
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT id_tag, name, status, expiry_date, parent_id_tag, "
	             "max_concurrent_tx FROM users WHERE id_tag = ?",
	             "s", t->id_tag))
		return H_DB_ERROR;
	int rc = db_next(&r);
	if (rc > 0)
		t->row = row_json(&r);
	db_rows_end(&r);
	if (rc < 0)
		return H_DB_ERROR;
	return rc > 0 && !t->row ? H_INTERNAL : H_OK;
}

static void tag_op_answer(struct tag_op *t, enum hres r)
{
	static const char *const names[] = {"tag_add", "tag_update",
	                                    "tag_delete"};
	const char *op = names[t->kind];
	if (r == H_DB_ERROR) {
		control_fail(t->client, "db_error", NULL,
		             "%s %s: database error", op, t->id_tag);
		return;
	}
	if (r != H_OK) {
		control_fail(t->client, "internal", NULL, "%s %s: failed", op,
		             t->id_tag);
		return;
	}
	if (!t->found) {
		if (t->kind == TAG_ADD)
			control_fail(t->client, "exists", NULL,
			             "id tag %s exists already", t->id_tag);
		else
			control_fail(t->client, "not_found", NULL,
			             "no id tag %s", t->id_tag);
		return;
	}
	log_info("ocppd: control | %s | idTag=%s%s%s", op, t->id_tag,
	         t->set & TAG_SET_STATUS ? " status=" : "",
	         t->set & TAG_SET_STATUS ? t->status : "");
	if (t->kind == TAG_DELETE) {
		cJSON *o = cJSON_CreateObject();
		if (o && (json_add_str(o, "id_tag", t->id_tag) ||
		          !cJSON_AddTrueToObject(o, "deleted"))) {
			cJSON_Delete(o);
			o = NULL;
		}
		if (o)
			control_ok(t->client, o);
		else
			control_fail(t->client, "internal", NULL,
			             "out of memory");
		return;
	}
	control_ok(t->client, t->row);
	t->row = NULL;
}

/* The job: written by the tag's worker, answered on the loop. */
struct tag_job {
	struct job job;
	struct tag_op t;
	char key[TAG_CHARS * 4 + 1]; /* the route: the tag, lower case */
};

static enum hres tag_job_run(struct job *j, struct batch *b)
{
	enum hres r = tag_op_run(b->db, &((struct tag_job *)j)->t);
	/* The batch's prefetched tags may be stale now. */
	prefetch_forget_tags(&b->pf);
	return r;
}

static void tag_job_done(struct job *j, enum hres r)
{
	tag_op_answer(&((struct tag_job *)j)->t, r);
}

static void tag_job_fail(struct job *j)
{
	control_fail(((struct tag_job *)j)->t.client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void tag_job_free(struct job *j)
{
	struct tag_job *tj = (struct tag_job *)j;
	cJSON_Delete(tj->t.row);
	free(tj);
}

static const struct job_ops tag_job_ops = {.run = tag_job_run,
                                           .done = tag_job_done,
                                           .fail = tag_job_fail,
                                           .free = tag_job_free};

void tags_request(const struct control_req *r)
{
	char why[256];
	struct tag_job *tj = calloc(1, sizeof *tj);
	if (!tj) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (tag_op_parse(r->op, r->params, &tj->t, why, sizeof why)) {
		free(tj);
		control_fail(r->client, "invalid_params", control_field_of(why),
		             "%s", why);
		return;
	}
	tj->t.client = r->client;
	/* One tag, one worker: changes to it apply in order.  Tags are
	 * case-insensitive, so is the routing key. */
	size_t i = 0;
	for (; tj->t.id_tag[i] && i < sizeof tj->key - 1; i++)
		tj->key[i] =
		    (char)(tj->t.id_tag[i] >= 'A' && tj->t.id_tag[i] <= 'Z'
		               ? tj->t.id_tag[i] + 32
		               : tj->t.id_tag[i]);
	tj->key[i] = '\0';
	tj->job.ops = &tag_job_ops;
	tj->job.who = "";
	static const char *const kinds[] = {"tag_add", "tag_update",
	                                    "tag_delete"};
	tj->job.what = kinds[tj->t.kind];
	if (dbq_submit(&tj->job, tj->key, 0)) {
		tag_job_free(&tj->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
