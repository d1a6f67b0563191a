/*
 * ctl_ops.c — the control socket's ops; see ctl_ops.h and
 * docs/control.md.
 */
#include "ctl_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calls.h"
#include "control.h"
#include "cp_sec_op.h"
#include "dbq.h"
#include "handlers.h"
#include "jsonutil.h"
#include "tags.h"
#include "timeutil.h"
#include "ws.h"

#ifndef CSMS_VERSION
#define CSMS_VERSION "0.1.0"
#endif

static int64_t started_ms;

static const char *boot_name(int b)
{
	switch (b) {
	case BOOT_ACCEPTED:
		return "Accepted";
	case BOOT_PENDING:
		return "Pending";
	case BOOT_REJECTED:
		return "Rejected";
	default:
		return "none";
	}
}

static void op_status(const struct control_req *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *depths = cJSON_CreateArray();
	char ts[32];
	int64_t now = time_now_ms();
	time_format_iso8601(started_ms, ts);
	int total = 0;
	for (int i = 0; depths && i < dbq_workers(); i++) {
		int d = dbq_depth(i);
		total += d;
		cJSON_AddItemToArray(depths, cJSON_CreateNumber(d));
	}
	if (!o || !depths || json_add_str(o, "version", CSMS_VERSION) ||
	    json_add_int(o, "pid", (long long)getpid()) ||
	    json_add_str(o, "started_at", ts) ||
	    json_add_int(o, "uptime_s", (now - started_ms) / 1000) ||
	    json_add_int(o, "connected_cps", ws_conn_count()) ||
	    json_add_int(o, "commands_pending", calls_pending()) ||
	    json_add_int(o, "control_clients", control_clients()) ||
	    json_add_int(o, "db_workers", dbq_workers()) ||
	    json_add_int(o, "db_queue", total) ||
	    !cJSON_AddItemToObject(o, "db_queue_per_worker", depths) ||
	    !cJSON_AddBoolToObject(o, "shutting_down", !ws_accepting())) {
		if (!cJSON_IsArray(
		        cJSON_GetObjectItem(o, "db_queue_per_worker")))
			cJSON_Delete(depths);
		cJSON_Delete(o);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	control_ok(r->client, o);
}

struct cp_list {
	struct conn **v;
	size_t n, cap;
	int oom;
};

static void collect(struct conn *c, void *arg)
{
	struct cp_list *l = arg;
	if (c->closing || l->oom)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct conn **v = realloc(l->v, cap * sizeof *v);
		if (!v) {
			l->oom = 1;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = c;
}

static int by_id(const void *a, const void *b)
{
	return strcmp((*(struct conn *const *)a)->cp_id,
	              (*(struct conn *const *)b)->cp_id);
}

static void op_cps(const struct control_req *r)
{
	struct cp_list l = {0};
	ws_conn_each(collect, &l);
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = o ? cJSON_AddArrayToObject(o, "cps") : NULL;
	if (l.oom || !arr) {
		free(l.v);
		cJSON_Delete(o);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, by_id);
	for (size_t i = 0; i < l.n; i++) {
		cJSON *e = cJSON_CreateObject();
		if (!e || json_add_str(e, "id", l.v[i]->cp_id) ||
		    json_add_str(e, "boot_status",
		                 boot_name(l.v[i]->boot_status)) ||
		    json_add_int(e, "commands_pending",
		                 calls_pending_on(l.v[i]))) {
			cJSON_Delete(e);
			free(l.v);
			cJSON_Delete(o);
			control_fail(r->client, "internal", NULL,
			             "out of memory");
			return;
		}
		cJSON_AddItemToArray(arr, e);
	}
	free(l.v);
	json_add_int(o, "count", (long long)l.n);
	control_ok(r->client, o);
}

static void op_tag(const struct control_req *r)
{
	char why[256];
	struct tag_op *t = malloc(sizeof *t);
	if (!t) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (tag_op_parse(r->op, r->params, t, why, sizeof why)) {
		free(t);
		cJSON *extra = cJSON_CreateObject();
		const char *colon = strstr(why, ": ");
		if (extra && colon) {
			char field[64];
			snprintf(field, sizeof field, "%.*s",
			         (int)(colon - why), why);
			cJSON_AddStringToObject(extra, "field", field);
		}
		control_fail(r->client, "invalid_params", extra, "%s", why);
		return;
	}
	t->client = r->client;
	/* One tag, one worker: changes to it apply in order.  Tags are
	 * case-insensitive, so is the routing key. */
	char key[sizeof t->id_tag];
	size_t i = 0;
	for (; t->id_tag[i]; i++)
		key[i] = (char)(t->id_tag[i] >= 'A' && t->id_tag[i] <= 'Z'
		                    ? t->id_tag[i] + 32
		                    : t->id_tag[i]);
	key[i] = '\0';
	struct job *j = job_new(JOB_TAG, key);
	if (!j) {
		tag_op_free(t);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	j->tag = t;
	if (dbq_submit(j, 0)) {
		job_free(j);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}

static void op_cp_sec(const struct control_req *r)
{
	char why[256];
	struct cp_sec_op *op = malloc(sizeof *op);
	if (!op) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (cp_sec_op_parse(r, op, why, sizeof why)) {
		cp_sec_op_free(op);
		control_fail(r->client, "invalid_params", NULL, "%s", why);
		return;
	}
	struct job *j = job_new(JOB_CP_SEC, op->cp_id);
	if (!j) {
		cp_sec_op_free(op);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	j->sec = op;
	if (dbq_submit(j, 0)) {
		job_free(j);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}

struct op {
	const char *name;
	void (*fn)(const struct control_req *r);
};

static const struct op table[] = {
    {"cps", op_cps},
    {"cp_set_password", op_cp_sec},
    {"cp_set_security", op_cp_sec},
    {"status", op_status},
    {"tag_add", op_tag},
    {"tag_delete", op_tag},
    {"tag_update", op_tag},
};

static void run_one(const struct control_req *r)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].name, r->op)) {
			table[i].fn(r);
			return;
		}
	if (calls_is_action(r->op)) {
		if (!r->cp_id[0]) {
			control_fail(r->client, "bad_request", NULL,
			             "%s needs a cp_id", r->op);
			return;
		}
		calls_submit(ws_conn_find(r->cp_id), r);
		return;
	}
	control_fail(r->client, "unknown_op", NULL, "unknown op \"%s\"", r->op);
}

void ctl_ops_run(void)
{
	if (!started_ms)
		started_ms = time_now_ms();
	struct control_req *r = control_take_requests();
	while (r) {
		struct control_req *next = r->next;
		run_one(r);
		control_req_free(r);
		r = next;
	}
}
