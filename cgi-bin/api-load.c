/*
 * api-load.c — see api-load.h.
 */
#include "api-load.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "loadquery.h"

#define ALLOC_MAX     1000
#define DECISIONS_MAX 20

static void amps_or_null(cJSON *o, const char *name, const struct db_rows *r,
                         int col)
{
	if (db_isnull(r, col) || db_int(r, col) < 0)
		cJSON_AddNullToObject(o, name);
	else
		api_json_num(o, name, (double)db_int(r, col) / 10.0);
}

static cJSON *alloc_object(const struct db_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	long long tx = db_int(r, LOADQ_TX);
	api_json_str(o, "cp_id", db_str(r, LOADQ_CP));
	api_json_int(o, "connector_id", db_int(r, LOADQ_CONNECTOR));
	if (tx > 0)
		api_json_int(o, "transaction_id", tx);
	else
		cJSON_AddNullToObject(o, "transaction_id");
	api_json_str(o, "kind", tx > 0 ? "session" : "default");
	amps_or_null(o, "limit_a", r, LOADQ_TARGET_DA);
	amps_or_null(o, "accepted_a", r, LOADQ_ACCEPTED_DA);
	api_json_str(o, "status",
	             db_int(r, LOADQ_TARGET_DA) < 0 ? "clearing"
	                                            : db_str(r, LOADQ_STATUS));
	api_json_str(o, "answer", db_str(r, LOADQ_ANSWER));
	api_json_time(o, "updated_at", db_time_ms(r, LOADQ_UPDATED));
	return o;
}

static cJSON *decision_object(const struct db_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	api_json_time(o, "decided_at", db_time_ms(r, LOADQ_D_AT));
	api_json_str(o, "node_id", db_str(r, LOADQ_D_NODE));
	api_json_str(o, "result", db_str(r, LOADQ_D_RESULT));
	api_json_num(o, "limit_a", (double)db_int(r, LOADQ_D_LIMIT_DA) / 10.0);
	api_json_int(o, "sessions", db_int(r, LOADQ_D_SESSIONS));
	cJSON *plan = db_str(r, LOADQ_D_PLAN)
	                  ? cJSON_Parse(db_str(r, LOADQ_D_PLAN))
	                  : NULL;
	cJSON_AddItemToObject(o, "plan", plan ? plan : cJSON_CreateArray());
	return o;
}

/* Every row of sql (bound to id, max) through make into an array; NULL
 * on a database error. */
static cJSON *rows_of(struct api_req *r, const char *sql, long long id, int max,
                      cJSON *(*make)(const struct db_rows *))
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql, "li", id, max))
		return NULL;
	cJSON *list = cJSON_CreateArray();
	int rc;
	while ((rc = db_next(&rows)) == 1)
		cJSON_AddItemToArray(list, make(&rows));
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(list);
		return NULL;
	}
	return list;
}

void api_site_load(struct api_req *r)
{
	char *end;
	long long id = strtoll(r->arg, &end, 10);
	if (!*r->arg || *end || id < 1 || id > 2147483647) {
		api_bad_param(r, "id", "a site id is a positive integer");
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT load_management, grid_limit_a, grid_phases "
	             "FROM sites WHERE id = ?",
	             "l", id)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *o = NULL;
	if (rc == 1) {
		o = cJSON_CreateObject();
		api_json_int(o, "site_id", id);
		cJSON_AddBoolToObject(o, "load_management", db_int(&rows, 0));
		if (db_isnull(&rows, 1))
			cJSON_AddNullToObject(o, "grid_limit_a");
		else
			api_json_num(o, "grid_limit_a", db_dbl(&rows, 1));
		api_json_int(o, "grid_phases", db_int(&rows, 2));
	}
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (!o) {
		api_error(r, 404, "not_found", "no site %lld", id);
		return;
	}
	cJSON *alloc = rows_of(r, LOADQ_ALLOC, id, ALLOC_MAX, alloc_object);
	cJSON *dec = alloc ? rows_of(r, LOADQ_DECISIONS, id, DECISIONS_MAX,
	                             decision_object)
	                   : NULL;
	if (!dec) {
		cJSON_Delete(alloc);
		cJSON_Delete(o);
		api_db_error(r);
		return;
	}
	cJSON_AddItemToObject(o, "allocations", alloc);
	cJSON_AddItemToObject(o, "decisions", dec);
	api_send_json(r, 200, o);
}

void api_cp_load(struct api_req *r)
{
	if (!strcmp(r->cgi->method, "PUT")) {
		cJSON *body = api_change_begin(r);
		if (!body)
			return;
		cJSON *res =
		    api_control_call(r, "cp_set_load", r->arg, body, 0);
		cJSON_Delete(body);
		if (res)
			api_send_json(r, 200, res);
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, LOADQ_CP_SETTINGS, "s", r->arg)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *o = NULL;
	if (rc == 1) {
		o = cJSON_CreateObject();
		api_json_str(o, "cp_id", r->arg);
		api_json_str(o, "phases", db_str(&rows, 0));
		api_json_num(o, "min_a", db_dbl(&rows, 1));
		api_json_num(o, "max_a", db_dbl(&rows, 2));
		api_json_int(o, "priority", db_int(&rows, 3));
		if (db_isnull(&rows, 4))
			cJSON_AddNullToObject(o, "site_id");
		else
			api_json_int(o, "site_id", db_int(&rows, 4));
	}
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (!o) {
		api_error(r, 404, "not_found", "no charge point %.100s",
		          r->arg);
		return;
	}
	api_send_json(r, 200, o);
}
