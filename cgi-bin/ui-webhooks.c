/*
 * ui-webhooks.c — /webhooks: each subscription (URL, events, enabled,
 * how many deliveries are pending or failed) and the newest 100
 * deliveries with their status, attempts, last HTTP status or error and
 * next attempt; ?status=pending|delivered|failed narrows the log.  The
 * secret is never read.
 */
#include "ui-webhooks.h"

#include <stdio.h>
#include <string.h>

#include "param.h"
#include "ui-error.h"
#include "ui-format.h"

#define LOG_ROWS 100

static const char sql_hooks[] =
    "SELECT w.id, w.url, w.events, w.enabled, w.description, "
    "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id "
    "AND d.status = 'pending'), "
    "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id "
    "AND d.status = 'failed') FROM webhooks w ORDER BY w.id";

static const char sql_log[] =
    "SELECT d.id, d.webhook_id, e.id, e.type, e.cp_id, d.status, d.attempts, "
    "d.last_http_status, d.last_error, d.next_attempt_at, "
    "d.last_attempt_at, e.created_at FROM webhook_deliveries d "
    "JOIN webhook_events e ON e.id = d.event_id "
    "WHERE (? = '' OR d.status = ?) ORDER BY d.id DESC LIMIT ?";

static const char *str(const struct db_rows *r, int col)
{
	return db_str(r, col) ? db_str(r, col) : "";
}

static TMPL_varlist *hook_vars(const struct db_rows *r)
{
	int on = db_int(r, 3) == 1;
	TMPL_varlist *vl = TMPL_add_var(
	    NULL, "id", str(r, 0), "url", str(r, 1), "events", str(r, 2),
	    "enabled", on ? "enabled" : "disabled", "enabled_class",
	    on ? "ok" : "muted", "description", str(r, 4), "pending", str(r, 5),
	    "failed", str(r, 6), (char *)NULL);
	if (db_int(r, 6) > 0)
		vl = TMPL_add_var(vl, "has_failed", "1", (char *)NULL);
	return vl;
}

static TMPL_varlist *delivery_vars(const struct db_rows *r)
{
	char at[32], next[32], created[32];
	const char *status = str(r, 5);
	ui_fmt_datetime(db_time_ms(r, 11), created, sizeof created);
	TMPL_varlist *vl =
	    TMPL_add_var(NULL, "id", str(r, 0), "webhook", str(r, 1), "event",
	                 str(r, 2), "type", str(r, 3), "cp", str(r, 4),
	                 "status", status, "status_class",
	                 !strcmp(status, "delivered") ? "ok"
	                 : !strcmp(status, "failed")  ? "bad"
	                                              : "muted",
	                 "attempts", str(r, 6), "http", str(r, 7), "error",
	                 str(r, 8), "created", created, (char *)NULL);
	if (db_time_ms(r, 10) != DB_NULL_TIME) {
		ui_fmt_datetime(db_time_ms(r, 10), at, sizeof at);
		vl = TMPL_add_var(vl, "last", at, (char *)NULL);
	}
	if (!strcmp(status, "pending")) {
		ui_fmt_datetime(db_time_ms(r, 9), next, sizeof next);
		vl = TMPL_add_var(vl, "next", next, (char *)NULL);
	}
	return vl;
}

void ui_webhooks(struct ui_req *r, const char *arg)
{
	(void)arg;
	const char *status;
	if (param_text_or_400(&r->params, "status", 10, "", &status))
		return;
	if (*status && strcmp(status, "pending") &&
	    strcmp(status, "delivered") && strcmp(status, "failed")) {
		ui_bad_param(r, "status", "is pending, delivered or failed");
		return;
	}
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, sql_hooks, "")) {
		ui_db_error(r, "webhooks");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Webhooks", "webhooks", 10);
	TMPL_loop *hooks = NULL;
	while ((rc = db_next(&rows)) > 0)
		hooks = TMPL_add_varlist(hooks, hook_vars(&rows));
	db_rows_end(&rows);
	if (hooks)
		vl = TMPL_add_loop(vl, "hooks", hooks);
	if (rc < 0 ||
	    db_query(r->db, &rows, sql_log, "ssi", status, status, LOG_ROWS)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "webhooks");
		return;
	}
	TMPL_loop *log = NULL;
	while ((rc = db_next(&rows)) > 0)
		log = TMPL_add_varlist(log, delivery_vars(&rows));
	db_rows_end(&rows);
	if (log)
		vl = TMPL_add_loop(vl, "deliveries", log);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "webhooks");
		return;
	}
	vl = TMPL_add_var(vl, "status", status, (char *)NULL);
	if (*status)
		vl = TMPL_add_var(vl, "filtered", "1", (char *)NULL);
	ui_render(r, 200, "webhooks.tmpl", vl);
}
