/*
 * notify_ops.c — webhook_add, webhook_update, webhook_delete; see
 * notify_ops.h.
 */
#include "notify_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "batch.h"
#include "dbq.h"
#include "hex.h"
#include "jsonutil.h"
#include "log.h"
#include "notify.h"
#include "notify_want.h"
#include "notify_sign.h"
#include "timeutil.h"
#include "utf8.h"

static int known_fields(const cJSON *params, int del, char *why, size_t whylen)
{
	static const char *const names[] = {"id",     "url",     "secret",
	                                    "events", "enabled", "description"};
	for (const cJSON *m = params ? params->child : NULL; m; m = m->next) {
		size_t i;
		for (i = 0; i < sizeof names / sizeof names[0]; i++)
			if (!strcmp(m->string, names[i]))
				break;
		if (i == sizeof names / sizeof names[0] ||
		    (del && strcmp(m->string, "id"))) {
			snprintf(why, whylen, "%.60s: unknown field",
			         m->string);
			return -1;
		}
	}
	return 0;
}

/* "*", or known types as a JSON array or a comma-separated string;
 * stored comma-separated without spaces. */
static int parse_events(const cJSON *v, char *out, size_t size, char *why,
                        size_t whylen)
{
	char buf[600];
	if (cJSON_IsString(v)) {
		snprintf(buf, sizeof buf, "%s", v->valuestring);
	} else if (cJSON_IsArray(v)) {
		buf[0] = '\0';
		const cJSON *e;
		cJSON_ArrayForEach(e, v)
		{
			if (!cJSON_IsString(e)) {
				snprintf(why, whylen,
				         "events: must be strings");
				return -1;
			}
			size_t l = strlen(buf);
			snprintf(buf + l, sizeof buf - l, "%s%s", l ? "," : "",
			         e->valuestring);
		}
	} else {
		snprintf(why, whylen,
		         "events: a list of event types, or \"*\"");
		return -1;
	}
	out[0] = '\0';
	size_t used = 0;
	for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t;
	     t = strtok_r(NULL, ", ", &save)) {
		if (!strcmp(t, "*")) {
			snprintf(out, size, "*");
			return 0;
		}
		if (!notify_type_known(t)) {
			snprintf(why, whylen,
			         "events: unknown event type \"%.60s\"", t);
			return -1;
		}
		int n = snprintf(out + used, size - used, "%s%s",
		                 used ? "," : "", t);
		if (n < 0 || (size_t)n >= size - used) {
			snprintf(why, whylen, "events: too long");
			return -1;
		}
		used += (size_t)n;
	}
	if (!used) {
		snprintf(why, whylen, "events: names no event type");
		return -1;
	}
	return 0;
}

static int printable(const char *s)
{
	for (size_t len; *s; s += len) {
		len = utf8_decode(s, SIZE_MAX, NULL);
		if (!len || (unsigned char)*s < 0x20 || *s == 0x7F)
			return 0;
	}
	return 1;
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (size_t len; *s; s += len ? len : 1, n++)
		len = utf8_decode(s, SIZE_MAX, NULL);
	return n;
}

int webhook_op_parse(const char *op, const cJSON *params, struct webhook_op *w,
                     char *why, size_t whylen)
{
	memset(w, 0, sizeof *w);
	w->enabled = 1;
	if (!strcmp(op, "webhook_add"))
		w->kind = WEBHOOK_ADD;
	else if (!strcmp(op, "webhook_update"))
		w->kind = WEBHOOK_UPDATE;
	else if (!strcmp(op, "webhook_delete"))
		w->kind = WEBHOOK_DELETE;
	else {
		snprintf(why, whylen, "unknown op %s", op);
		return -1;
	}
	if (known_fields(params, w->kind == WEBHOOK_DELETE, why, whylen))
		return -1;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, "id");
	if (w->kind != WEBHOOK_ADD) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 1 ||
		    v->valuedouble > 2147483647 ||
		    v->valuedouble != (double)(long long)v->valuedouble) {
			snprintf(why, whylen, "id: a webhook id is required");
			return -1;
		}
		w->id = (long long)v->valuedouble;
	} else if (v) {
		snprintf(why, whylen, "id: given by the server");
		return -1;
	}
	if (w->kind == WEBHOOK_DELETE)
		return 0;
	if ((v = cJSON_GetObjectItemCaseSensitive(params, "url"))) {
		if (!cJSON_IsString(v)) {
			snprintf(why, whylen, "url: must be a string");
			return -1;
		}
		if (notify_url_check(v->valuestring, why, whylen))
			return -1;
		snprintf(w->url, sizeof w->url, "%s", v->valuestring);
		w->set |= WEBHOOK_SET_URL;
	} else if (w->kind == WEBHOOK_ADD) {
		snprintf(why, whylen, "url: required");
		return -1;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(params, "secret"))) {
		if (!cJSON_IsString(v) || strlen(v->valuestring) < 16 ||
		    strlen(v->valuestring) > 128 ||
		    !printable(v->valuestring)) {
			snprintf(why, whylen,
			         "secret: 16 to 128 printable characters");
			return -1;
		}
		snprintf(w->secret, sizeof w->secret, "%s", v->valuestring);
		w->set |= WEBHOOK_SET_SECRET;
	} else if (w->kind == WEBHOOK_ADD) {
		/* One the receiver is given once, in the answer. */
		unsigned char rnd[32];
		if (RAND_bytes(rnd, sizeof rnd) != 1) {
			snprintf(why, whylen, "secret: no random bytes");
			return -1;
		}
		hex_encode(rnd, sizeof rnd, w->secret);
		w->secret_generated = 1;
		w->set |= WEBHOOK_SET_SECRET;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(params, "events"))) {
		if (parse_events(v, w->events, sizeof w->events, why, whylen))
			return -1;
		w->set |= WEBHOOK_SET_EVENTS;
	} else if (w->kind == WEBHOOK_ADD) {
		snprintf(w->events, sizeof w->events, "*");
		w->set |= WEBHOOK_SET_EVENTS;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(params, "enabled"))) {
		if (!cJSON_IsBool(v)) {
			snprintf(why, whylen, "enabled: true or false");
			return -1;
		}
		w->enabled = cJSON_IsTrue(v);
		w->set |= WEBHOOK_SET_ENABLED;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(params, "description"))) {
		if (cJSON_IsNull(v) ||
		    (cJSON_IsString(v) && !v->valuestring[0])) {
			w->desc = NULL;
		} else if (!cJSON_IsString(v) || !printable(v->valuestring) ||
		           chars(v->valuestring) > 200 ||
		           strlen(v->valuestring) >= sizeof w->desc_buf) {
			snprintf(why, whylen,
			         "description: at most 200 printable "
			         "characters");
			return -1;
		} else {
			snprintf(w->desc_buf, sizeof w->desc_buf, "%s",
			         v->valuestring);
			w->desc = w->desc_buf;
		}
		w->set |= WEBHOOK_SET_DESC;
	}
	if (w->kind == WEBHOOK_UPDATE && !w->set) {
		snprintf(why, whylen,
		         "nothing to update: give url, secret, events, enabled "
		         "or description");
		return -1;
	}
	return 0;
}

static cJSON *row_json(struct db_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	char c[32], u[32];
	time_format_iso8601(db_time_ms(r, 5), c);
	time_format_iso8601(db_time_ms(r, 6), u);
	cJSON *ev = cJSON_CreateArray();
	char evs[512];
	snprintf(evs, sizeof evs, "%s", db_str(r, 2) ? db_str(r, 2) : "*");
	for (char *save = NULL, *t = strtok_r(evs, ",", &save); ev && t;
	     t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(ev, cJSON_CreateString(t));
	if (!ev || json_add_int(o, "id", db_int(r, 0)) ||
	    json_add_str(o, "url", db_str(r, 1)) ||
	    !cJSON_AddItemToObject(o, "events", ev) ||
	    !cJSON_AddBoolToObject(o, "enabled", db_int(r, 3) == 1) ||
	    !(db_str(r, 4)
	          ? cJSON_AddStringToObject(o, "description", db_str(r, 4))
	          : cJSON_AddNullToObject(o, "description")) ||
	    json_add_str(o, "created_at", c) ||
	    json_add_str(o, "updated_at", u)) {
		if (!cJSON_GetObjectItem(o, "events"))
			cJSON_Delete(ev);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static enum hres webhook_op_run(struct db *db, struct webhook_op *w,
                                int64_t now_ms)
{
	long long n;
	/* A batch that failed runs again: start from nothing. */
	cJSON_Delete(w->row);
	w->row = NULL;
	w->found = 0;
	switch (w->kind) {
	case WEBHOOK_ADD:
		n = db_exec(
		    db,
		    "INSERT INTO webhooks (url, secret, events, enabled, "
		    "description, created_at, updated_at) "
		    "VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "sssistt", w->url, w->secret, w->events, w->enabled,
		    w->desc, now_ms, now_ms);
		if (n > 0)
			w->id = (long long)db_insert_id(db);
		break;
	case WEBHOOK_UPDATE:
		n = db_exec(db,
		            "UPDATE webhooks SET url = IF(?, ?, url), "
		            "secret = IF(?, ?, secret), "
		            "events = IF(?, ?, events), "
		            "enabled = IF(?, ?, enabled), "
		            "description = IF(?, ?, description), "
		            "updated_at = ? WHERE id = ?",
		            "isisisiiistl", !!(w->set & WEBHOOK_SET_URL),
		            w->url, !!(w->set & WEBHOOK_SET_SECRET), w->secret,
		            !!(w->set & WEBHOOK_SET_EVENTS), w->events,
		            !!(w->set & WEBHOOK_SET_ENABLED), w->enabled,
		            !!(w->set & WEBHOOK_SET_DESC), w->desc, now_ms,
		            w->id);
		break;
	case WEBHOOK_DELETE:
		/* Its delivery log goes with it. */
		n = db_exec(
		    db, "DELETE FROM webhook_deliveries WHERE webhook_id = ?",
		    "l", w->id);
		if (n >= 0)
			n = db_exec(db, "DELETE FROM webhooks WHERE id = ?",
			            "l", w->id);
		break;
	default:
		return H_INTERNAL;
	}
	if (n < 0)
		return H_DB_ERROR;
	w->found = n > 0;
	if (!w->found || w->kind == WEBHOOK_DELETE)
		return H_OK;
	struct db_rows r;
	if (db_query(
	        db, &r,
	        "SELECT id, url, events, enabled, description, created_at, "
	        "updated_at FROM webhooks WHERE id = ?",
	        "l", w->id))
		return H_DB_ERROR;
	int rc = db_next(&r);
	if (rc > 0)
		w->row = row_json(&r);
	db_rows_end(&r);
	if (rc < 0)
		return H_DB_ERROR;
	if (rc > 0 && !w->row)
		return H_INTERNAL;
	if (w->row && w->secret_generated)
		cJSON_AddStringToObject(w->row, "secret", w->secret);
	return H_OK;
}

static const char *const op_names[] = {"webhook_add", "webhook_update",
                                       "webhook_delete"};

static void webhook_op_answer(struct webhook_op *w, enum hres r)
{
	const char *op = op_names[w->kind];
	if (r == H_DB_ERROR) {
		control_fail(w->client, "db_error", NULL, "%s: database error",
		             op);
		return;
	}
	if (r != H_OK) {
		control_fail(w->client, "internal", NULL, "%s: failed", op);
		return;
	}
	if (!w->found) {
		control_fail(w->client, "not_found", NULL, "no webhook %lld",
		             w->id);
		return;
	}
	log_info("ocppd: control | %s | webhook=%lld", op, w->id);
	if (w->kind == WEBHOOK_DELETE) {
		cJSON *o = cJSON_CreateObject();
		if (o && (json_add_int(o, "id", w->id) ||
		          !cJSON_AddTrueToObject(o, "deleted"))) {
			cJSON_Delete(o);
			o = NULL;
		}
		if (o)
			control_ok(w->client, o);
		else
			control_fail(w->client, "internal", NULL,
			             "out of memory");
		return;
	}
	control_ok(w->client, w->row);
	w->row = NULL;
}

struct webhook_job {
	struct job job;
	struct webhook_op w;
	int64_t now_ms;
	unsigned want; /* the subscribed types, read after the change */
};

static enum hres webhook_job_run(struct job *j, struct batch *b)
{
	struct webhook_job *wj = (struct webhook_job *)j;
	enum hres r = webhook_op_run(b->db, &wj->w, wj->now_ms);
	if (r == H_OK && notify_want_read(b->db, &wj->want))
		return H_DB_ERROR;
	return r;
}

/* The change is committed: this node writes the events it subscribes
 * from now on (the others within NOTIFY_WANT_MS). */
static void webhook_job_done(struct job *j, enum hres r)
{
	struct webhook_job *wj = (struct webhook_job *)j;
	if (r == H_OK)
		notify_want_set(wj->want);
	webhook_op_answer(&wj->w, r);
}

static void webhook_job_fail(struct job *j)
{
	control_fail(((struct webhook_job *)j)->w.client, "db_unavailable",
	             NULL, "the database is unavailable");
}

static void webhook_job_free(struct job *j)
{
	struct webhook_job *wj = (struct webhook_job *)j;
	cJSON_Delete(wj->w.row);
	free(wj);
}

static const struct job_ops webhook_job_ops = {.run = webhook_job_run,
                                               .done = webhook_job_done,
                                               .fail = webhook_job_fail,
                                               .free = webhook_job_free};

void webhook_request(const struct control_req *r)
{
	char why[256];
	struct webhook_job *wj = calloc(1, sizeof *wj);
	if (!wj) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (webhook_op_parse(r->op, r->params, &wj->w, why, sizeof why)) {
		free(wj);
		control_fail(r->client, "invalid_params", control_field_of(why),
		             "%s", why);
		return;
	}
	wj->w.client = r->client;
	wj->now_ms = time_now_ms();
	wj->job.ops = &webhook_job_ops;
	wj->job.who = "";
	wj->job.what = op_names[wj->w.kind];
	/* One route: subscription changes apply in order. */
	if (dbq_submit(&wj->job, "webhooks", 0)) {
		webhook_job_free(&wj->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
