/*
 * api-commands.c — commands to charge points through ocppd, and their
 * history from the commands table (sql/003_commands.sql).
 *
 * ocppd answers cp_offline for a charge point it has never seen, so the
 * database is asked first: unknown is 404, known but not connected 409.
 */
#include "api-commands.h"

#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "api-params.h"
#include "webctl.h"

/* The longest wait ?timeout= may ask for, in seconds. */
#define COMMAND_TIMEOUT_MAX 300

static const char sql_cp_exists[] = "SELECT 1 FROM charge_points WHERE id = ?";
static const char sql_count[] = "SELECT COUNT(*) FROM commands WHERE cp_id = ?";
static const char sql_page[] =
    "SELECT id, created_at, finished_at, action, params, status, response,"
    " requested_by FROM commands WHERE cp_id = ?"
    " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

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

void api_command_send(struct api_req *r)
{
	/* Who may change anything comes first: an anonymous caller learns
	 * nothing else. */
	cJSON *params = api_change_begin(r);
	if (!params)
		return;
	long long timeout = 0;
	if (!webctl_is_command(r->arg2)) {
		api_error(r, 404, "unknown_action",
		          "no such command: %.60s (an OCPP 1.6 action name, "
		          "e.g. Reset)",
		          r->arg2);
		cJSON_Delete(params);
		return;
	}
	if (param_int_or_400(r, "timeout", 0, 1, COMMAND_TIMEOUT_MAX,
	                     &timeout)) {
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
	cJSON *res = api_control_call(r, r->arg2, r->arg, params, (int)timeout);
	cJSON_Delete(params);
	if (!res)
		return;
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "cp_id", r->arg);
	api_json_str(body, "action", r->arg2);
	cJSON_AddItemToObject(body, "result", res);
	api_send_json(r, 200, body);
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

void api_commands_list(struct api_req *r)
{
	long long page, per_page;
	if (param_int_or_400(r, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(r, "per_page", 20, 1, 500, &per_page))
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
		cJSON *c = cJSON_CreateObject();
		api_json_int(c, "id", db_int(&rows, 0));
		api_json_time(c, "created_at", db_time_ms(&rows, 1));
		api_json_time(c, "finished_at", db_time_ms(&rows, 2));
		api_json_str(c, "action", db_str(&rows, 3));
		add_json_column(c, "params", db_str(&rows, 4));
		api_json_str(c, "status", db_str(&rows, 5));
		add_json_column(c, "response", db_str(&rows, 6));
		api_json_str(c, "requested_by", db_str(&rows, 7));
		cJSON_AddItemToArray(items, c);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_str(body, "cp_id", r->arg);
	api_json_int(body, "page", page);
	api_json_int(body, "per_page", per_page);
	api_json_int(body, "total", total);
	api_json_int(body, "pages", (total + per_page - 1) / per_page);
	api_send_json(r, 200, body);
}
