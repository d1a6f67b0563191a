/*
 * api-commands.c — commands to charge points through ocppd, and their
 * history from the commands table (sql/003_commands.sql).
 *
 * ocppd answers cp_offline for a charge point it has never seen, so the
 * database is asked first: unknown is 404, known but not connected 409.
 *
 * A command is asynchronous (webcmd.h): ocppd queues it and the POST
 * answers 202 with the command's history row and where to poll it, or
 * 200 when the outcome came within the few seconds ?wait= asked for.  A
 * FastCGI process is never held for longer than that, however long the
 * charge point takes.
 */
#include "api-commands.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-files.h"
#include "api-json.h"
#include "webcmd.h"
#include "webctl.h"

/* The longest wait ?timeout= may ask for, in seconds. */
#define COMMAND_TIMEOUT_MAX 300
/* The longest ?wait= for the outcome, in seconds: a request holds one of
 * a few FastCGI processes meanwhile. */
#define COMMAND_WAIT_MAX 10
/* How long a POST waits for ocppd's database worker to record the pending
 * row, so the poll URL it answers finds it at once (ms). */
#define ROW_WAIT_MS 2000

static const char sql_cp_exists[] = "SELECT 1 FROM charge_points WHERE id = ?";
static const char sql_count[] = "SELECT COUNT(*) FROM commands WHERE cp_id = ?";
static const char sql_page[] =
    "SELECT id, created_at, finished_at, action, params, status, response,"
    " requested_by, uid FROM commands WHERE cp_id = ?"
    " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
static const char sql_one[] =
    "SELECT id, created_at, finished_at, action, params, status, response,"
    " requested_by, uid, cp_id FROM commands WHERE uid = ?";

/* 1 known, 0 unknown, -1 after answering a database error. */
static int cp_known(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_cp_exists, "s", r->arg)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	return rc;
}

/* A JSON column as JSON; text that does not parse stays a string. */
static void add_json_column(cJSON *obj, const char *key, const char *text)
{
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	if (v)
		cJSON_AddItemToObject(obj, key, v);
	else
		api_json_str(obj, key, text);
}

/* One history row (sql_page's columns) as the API shows it. */
static cJSON *row_json(const struct db_rows *rows)
{
	cJSON *c = cJSON_CreateObject();
	api_json_int(c, "id", db_int(rows, 0));
	api_json_str(c, "uid", db_str(rows, 8));
	api_json_time(c, "created_at", db_time_ms(rows, 1));
	api_json_time(c, "finished_at", db_time_ms(rows, 2));
	api_json_str(c, "action", db_str(rows, 3));
	add_json_column(c, "params", db_str(rows, 4));
	api_json_str(c, "status", db_str(rows, 5));
	add_json_column(c, "response", db_str(rows, 6));
	api_json_str(c, "requested_by", db_str(rows, 7));
	return c;
}

/* The row of uid: 1 found (*out set, with its cp_id), 0 not found, -1
 * after answering a database error. */
static int command_row(struct api_req *r, const char *uid, cJSON **out)
{
	struct db_rows rows;
	*out = NULL;
	if (db_query(r->db, &rows, sql_one, "s", uid)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	if (rc == 1) {
		*out = row_json(&rows);
		api_json_str(*out, "cp_id", db_str(&rows, 9));
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(*out);
		*out = NULL;
		api_db_error(r);
		return -1;
	}
	return rc;
}

/* "/cgi-bin/api/commands/cs-1-2": where a command is polled.  A uid is
 * ocppd's "cs-<hex>-<n>": nothing to escape. */
static void command_url(struct api_req *r, const char *uid, char *buf,
                        size_t len)
{
	const char *script = cgi_getenv(r->cgi, "SCRIPT_NAME");
	snprintf(buf, len, "%s/commands/%s",
	         script && *script && !strpbrk(script, "\r\n") ? script
	                                                       : "/cgi-bin/api",
	         uid);
}

/* The answer to a command: the row, its outcome when there is one.  A
 * POST whose command is still pending is 202 with a Location (only then:
 * a web server takes a Location on a 200 for an internal redirect); a
 * GET is 200 whatever the status. */
static void send_command(struct api_req *r, const char *action, const char *uid,
                         cJSON *row, int post)
{
	const char *status = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(row, "status"));
	int pending = !status || !strcmp(status, "pending");
	char url[800], extra[900];
	command_url(r, uid, url, sizeof url);
	const char *cp = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(row, "cp_id"));
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "cp_id", cp ? cp : r->arg);
	api_json_str(body, "action",
	             cJSON_GetStringValue(
	                 cJSON_GetObjectItemCaseSensitive(row, "action"))
	                 ?: action);
	api_json_str(body, "status", status ? status : "pending");
	api_json_str(body, "poll", url);
	if (!pending) {
		cJSON *resp = cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(row, "response"), 1);
		cJSON_AddItemToObject(
		    body, webcmd_status_is_result(status) ? "result" : "error",
		    resp ? resp : cJSON_CreateNull());
	}
	cJSON_AddItemToObject(body, "command", row);
	extra[0] = '\0';
	if (post && pending)
		snprintf(extra, sizeof extra, "Location: %s\r\n", url);
	char *text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	if (!text) {
		api_error(r, 500, "internal_error", "out of memory");
		return;
	}
	api_send(r, post && pending ? 202 : 200, API_JSON, API_NO_STORE,
	         extra[0] ? extra : NULL, text, strlen(text));
	fputc('\n', r->out);
	free(text);
}

void api_command_send(struct api_req *r)
{
	/* Who may change anything comes first: an anonymous caller learns
	 * nothing else. */
	cJSON *params = api_change_begin(r);
	if (!params)
		return;
	if (!webctl_is_command(r->arg2)) {
		api_error(
		    r, 404, "unknown_action",
		    "no such command: %.60s (an OCPP 1.6 or 2.0.1 action name, "
		    "e.g. Reset)",
		    r->arg2);
		cJSON_Delete(params);
		return;
	}
	api_command_queue(r, r->arg2, params);
}

void api_command_queue(struct api_req *r, const char *action, cJSON *params)
{
	long long timeout = 0, wait = 0;
	if (param_int_or_400(&r->params, "timeout", 0, 1, COMMAND_TIMEOUT_MAX,
	                     &timeout) ||
	    param_int_or_400(&r->params, "wait", 0, 0, COMMAND_WAIT_MAX,
	                     &wait)) {
		cJSON_Delete(params);
		return;
	}
	int known = cp_known(r);
	if (known <= 0) {
		if (!known)
			api_error(r, 404, "not_found",
			          "no charge point with this id");
		cJSON_Delete(params);
		return;
	}
	/* A hosted image: checked, and signed from its own record. */
	if (api_files_fill_firmware(r, action, params)) {
		cJSON_Delete(params);
		return;
	}
	cJSON *res = api_control_queue(r, action, r->arg, params, (int)timeout);
	cJSON_Delete(params);
	if (!res)
		return;
	char uid[WEBCMD_UID_MAX + 1];
	const char *u =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "uid"));
	if (!u || !*u || strlen(u) > WEBCMD_UID_MAX) {
		cJSON_Delete(res);
		api_error(r, 502, "bad_answer",
		          "ocppd queued the command without naming it");
		return;
	}
	snprintf(uid, sizeof uid, "%s", u);
	cJSON_Delete(res);
	/* The row first (the poll URL must find it), then the outcome when
	 * asked to wait for it. */
	int rc = webcmd_wait(r->db, uid, 0, ROW_WAIT_MS);
	if (rc == 1 && wait > 0)
		rc = webcmd_wait(r->db, uid, 1, (int)wait * 1000);
	cJSON *row = NULL;
	if (rc >= 0 && command_row(r, uid, &row) < 0)
		return;
	if (!row) {
		/* Queued, but the history is slow to show it (database
		 * trouble): still the command's name and where to look. */
		row = cJSON_CreateObject();
		api_json_str(row, "uid", uid);
		api_json_str(row, "cp_id", r->arg);
		api_json_str(row, "action", action);
		api_json_str(row, "status", "pending");
	}
	send_command(r, action, uid, row, 1);
}

void api_command_one(struct api_req *r)
{
	cJSON *row = NULL;
	int rc = command_row(r, r->arg, &row);
	if (rc < 0)
		return;
	if (!rc) {
		api_error(r, 404, "not_found", "no command %.80s", r->arg);
		return;
	}
	send_command(r, r->arg2, r->arg, row, 0);
}

void api_commands_list(struct api_req *r)
{
	long long page, per_page;
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 20, 1, 500, &per_page))
		return;
	int known = cp_known(r);
	if (known < 0)
		return;
	struct db_rows rows;
	long long total = 0;
	int rc;
	if (db_query(r->db, &rows, sql_count, "s", r->arg)) {
		api_db_error(r);
		return;
	}
	if ((rc = db_next(&rows)) == 1)
		total = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	/* The history outlives a deleted charge point. */
	if (!known && !total) {
		api_error(r, 404, "not_found", "no charge point with this id");
		return;
	}
	if (db_query(r->db, &rows, sql_page, "sll", r->arg, per_page,
	             (page - 1) * per_page)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	while ((rc = db_next(&rows)) == 1) {
		cJSON_AddItemToArray(items, row_json(&rows));
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_str(body, "cp_id", r->arg);
	api_json_paging(body, page, per_page, total);
	api_send_json(r, 200, body);
}
