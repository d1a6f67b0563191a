/*
 * ctl_ops.c — the control socket's ops; see ctl_ops.h and
 * docs/control.md.
 */
#include "ctl_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts_op.h"
#include "audit.h"
#include "auth_key_op.h"
#include "bulk.h"
#include "calls.h"
#include "conn_attempts.h"
#include "control.h"
#include "cp_boot_op.h"
#include "cp_sec_op.h"
#include "dbq.h"
#include "drain.h"
#include "files_op.h"
#include "handlers.h"
#include "reply_latency.h"
#include "session.h"
#include "sites_op.h"
#include "tariffs_op.h"
#include "takeover.h"
#include "jsonutil.h"
#include "notify_ops.h"
#include "profile_op.h"
#include "oplog.h"
#include "tags.h"
#include "tags_import.h"
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

/* dbq_stats as "db_batches", "db_jobs" and "db_time_us" {read, run,
 * write, commit}: divided by the batches, what a batch waits on. */
static int db_stats_add(cJSON *o)
{
	struct dbq_stats s;
	dbq_stats(&s);
	cJSON *t = cJSON_CreateObject();
	if (!t || json_add_int(t, "read", (long long)s.read_us) ||
	    json_add_int(t, "run", (long long)s.run_us) ||
	    json_add_int(t, "write", (long long)s.write_us) ||
	    json_add_int(t, "commit", (long long)s.commit_us) ||
	    !cJSON_AddItemToObject(o, "db_time_us", t)) {
		cJSON_Delete(t);
		return -1;
	}
	return json_add_int(o, "db_batches", (long long)s.batches) ||
	       json_add_int(o, "db_jobs", (long long)s.jobs);
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
	    db_stats_add(o) ||
	    reply_latency_status_add(
	        o, cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	               r->params, "reset_reply_latency"))) ||
	    !cJSON_AddBoolToObject(o, "shutting_down", !ws_accepting()) ||
	    drain_status_add(o) || oplog_status_add(o)) {
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
	takeover_each(collect, &l);
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
		                 boot_name(l.v[i]->up->boot_status)) ||
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

struct op {
	const char *name;
	void (*fn)(const struct control_req *r);
};

static const struct op table[] = {
    {"account_delete", accounts_request},
    {"account_set", accounts_request},
    {"bulk_cancel", bulk_request},
    {"bulk_resume", bulk_request},
    {"bulk_start", bulk_request},
    {"connection_attempts", conn_attempts_request},
    {"cps", op_cps},
    {"cp_delete", sites_request},
    {"cp_retire", sites_request},
    {"cp_raise_profile", profile_raise_request},
    {"cp_rotate_auth_key", auth_key_request},
    {"cp_set_boot", cp_boot_request},
    {"cp_set_load", sites_request},
    {"cp_set_log", oplog_set_request},
    {"cp_set_password", cp_sec_request},
    {"cp_set_notes", sites_request},
    {"cp_set_security", cp_sec_request},
    {"cp_set_site", sites_request},
    {"cp_unretire", sites_request},
    {"drain", drain_request},
    {"file_fetch", files_request},
    {"file_upload", files_request},
    {"firmware_add", files_request},
    {"firmware_delete", files_request},
    {"group_add", sites_request},
    {"group_add_cp", sites_request},
    {"group_delete", sites_request},
    {"group_remove_cp", sites_request},
    {"group_update", sites_request},
    {"site_add", sites_request},
    {"site_delete", sites_request},
    {"site_update", sites_request},
    {"status", op_status},
    {"tag_add", tags_request},
    {"tag_delete", tags_request},
    {"tag_import", tags_import_request},
    {"tag_update", tags_request},
    {"tariff_add", tariffs_request},
    {"tariff_assign", tariffs_request},
    {"tariff_delete", tariffs_request},
    {"tariff_unassign", tariffs_request},
    {"tariff_version_add", tariffs_request},
    {"undrain", drain_request},
    {"webhook_add", webhook_request},
    {"webhook_delete", webhook_request},
    {"webhook_update", webhook_request},
};

void ctl_ops_init(void)
{
	started_ms = time_now_ms();
	audit_install();
}

void ctl_ops_request(const struct control_req *r)
{
	audit_begin(r);
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
		calls_submit(takeover_find(r->cp_id), r);
		return;
	}
	control_fail(r->client, "unknown_op", NULL, "unknown op \"%s\"", r->op);
}
