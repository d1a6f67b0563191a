/*
 * api-webhooks.c — see api-webhooks.h.  Reads come from the read-only
 * database; writes are control requests to ocppd, which validates them
 * (the URL's scheme, event types, the secret) and owns the tables.
 */
#include "api-webhooks.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-json.h"

static const char sql_hooks[] =
    "SELECT w.id, w.url, w.events, w.enabled, w.description, w.created_at, "
    "w.updated_at, "
    "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id "
    "AND d.status = 'pending'), "
    "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.webhook_id = w.id "
    "AND d.status = 'failed') FROM webhooks w ORDER BY w.id";

static cJSON *events_array(const char *s)
{
	cJSON *a = cJSON_CreateArray();
	char buf[512];
	snprintf(buf, sizeof buf, "%s", s ? s : "*");
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); a && t;
	     t = strtok_r(NULL, ",", &save))
		cJSON_AddItemToArray(a, cJSON_CreateString(t));
	return a;
}

static cJSON *webhook_object(const struct db_rows *rows)
{
	cJSON *w = cJSON_CreateObject();
	api_json_int(w, "id", db_int(rows, 0));
	api_json_str(w, "url", db_str(rows, 1));
	cJSON_AddItemToObject(w, "events", events_array(db_str(rows, 2)));
	cJSON_AddBoolToObject(w, "enabled", db_int(rows, 3) == 1);
	api_json_str(w, "description", db_str(rows, 4));
	api_json_time(w, "created_at", db_time_ms(rows, 5));
	api_json_time(w, "updated_at", db_time_ms(rows, 6));
	api_json_int(w, "pending", db_int(rows, 7));
	api_json_int(w, "failed", db_int(rows, 8));
	return w;
}

static void webhooks_list(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_hooks, "")) {
		api_db_error(r);
		return;
	}
	api_send_items(r, &rows, webhook_object, 0, 0, 0);
}

/* POST /webhooks: {"url", "secret", "events", "enabled",
 * "description"} → webhook_add → 201 with the row (and the secret when
 * ocppd generated it). */
void api_webhooks_route(struct api_req *r)
{
	if (strcmp(r->cgi->method, "POST")) {
		webhooks_list(r);
		return;
	}
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *row = api_control_call(r, "webhook_add", NULL, body, 0);
	cJSON_Delete(body);
	if (row)
		api_send_json(r, 201, row);
}

/* The {id} of the path: a positive integer, or a 400. */
static int path_id(struct api_req *r, long long *id)
{
	char *end;
	long long v = strtoll(r->arg, &end, 10);
	if (!*r->arg || *end || v < 1 || v > 2147483647) {
		api_bad_param(r, "id", "a webhook id is a positive integer");
		return -1;
	}
	*id = v;
	return 0;
}

void api_webhook_route(struct api_req *r)
{
	int del = !strcmp(r->cgi->method, "DELETE");
	long long id;
	if (path_id(r, &id))
		return;
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(body, "id");
	if (given && !(cJSON_IsNumber(given) && given->valuedouble == id)) {
		cJSON_Delete(body);
		api_bad_param(r, "id", "id in the body differs from the path");
		return;
	}
	if (del && cJSON_GetArraySize(body) > (given ? 1 : 0)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body", "DELETE takes no body");
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(body, "id");
	cJSON_AddNumberToObject(body, "id", (double)id);
	cJSON *res = api_control_call(
	    r, del ? "webhook_delete" : "webhook_update", NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}

static const char sql_deliveries[] =
    "SELECT d.id, d.event_id, e.type, e.cp_id, d.status, d.attempts, "
    "d.last_http_status, d.last_error, d.next_attempt_at, "
    "d.last_attempt_at, d.delivered_at, d.created_at, e.created_at "
    "FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
    "WHERE d.webhook_id = ? AND (? = '' OR d.status = ?) "
    "ORDER BY d.id DESC LIMIT ?";

void api_webhook_deliveries(struct api_req *r)
{
	static const char *const statuses[] = {"pending", "delivered", "failed",
	                                       NULL};
	long long id, limit;
	if (path_id(r, &id) ||
	    param_int_or_400(&r->params, "limit", 100, 1, 1000, &limit))
		return;
	int st = param_choice_or_400(&r->params, "status", statuses);
	if (st == -2)
		return;
	const char *status = st >= 0 ? statuses[st] : "";
	struct db_rows rows;
	if (db_query(r->db, &rows, "SELECT COUNT(*) FROM webhooks WHERE id = ?",
	             "l", id)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	long long found = rc > 0 ? db_int(&rows, 0) : 0;
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (!found) {
		api_error(r, 404, "not_found", "no webhook %lld", id);
		return;
	}
	if (db_query(r->db, &rows, sql_deliveries, "lssi", id, status, status,
	             (int)limit)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int n = 0;
	while ((rc = db_next(&rows)) == 1) {
		cJSON *d = cJSON_CreateObject();
		api_json_int(d, "id", db_int(&rows, 0));
		api_json_int(d, "event_id", db_int(&rows, 1));
		api_json_str(d, "event_type", db_str(&rows, 2));
		api_json_str(d, "cp_id", db_str(&rows, 3));
		api_json_str(d, "status", db_str(&rows, 4));
		api_json_int(d, "attempts", db_int(&rows, 5));
		api_json_int_or_null(d, "last_http_status", db_str(&rows, 6));
		api_json_str(d, "last_error", db_str(&rows, 7));
		if (!strcmp(db_str(&rows, 4) ? db_str(&rows, 4) : "",
		            "pending"))
			api_json_time(d, "next_attempt_at",
			              db_time_ms(&rows, 8));
		else
			cJSON_AddNullToObject(d, "next_attempt_at");
		api_json_time(d, "last_attempt_at", db_time_ms(&rows, 9));
		api_json_time(d, "delivered_at", db_time_ms(&rows, 10));
		api_json_time(d, "created_at", db_time_ms(&rows, 11));
		api_json_time(d, "event_created_at", db_time_ms(&rows, 12));
		cJSON_AddItemToArray(items, d);
		n++;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "webhook_id", id);
	api_json_int(body, "count", n);
	api_send_json(r, 200, body);
}
