/*
 * api-users.c — the id tags (users table) in id_tag order, and changes
 * to them: ocppd does the writes (tag_add, tag_update, tag_delete through
 * its control socket), which also validates them.
 *
 * Each tag carries its stored status and the effective one, the status
 * Authorize answers now (tag_status.h), with the reason when they differ.
 */
#include "api-users.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api-control.h"
#include "api-json.h"
#include "tag_status.h"

/* A page of USERS_LIMIT_MAX at most after the cursor (the id tags'
 * own collation, as they are sorted); one more says there is a next. */
#define USERS_LIMIT_MAX 1000
static const char sql_users[] =
    "SELECT id_tag, name, status, expiry_date, parent_id_tag,"
    " max_concurrent_tx FROM users WHERE id_tag > ?"
    " AND (? = '' OR parent_id_tag = ?) ORDER BY id_tag LIMIT ?";

void api_users(struct api_req *r)
{
	struct db_rows rows;
	const char *after, *parent;
	long long limit;
	if (param_text_or_400(&r->params, "after", 20, "", &after) ||
	    param_text_or_400(&r->params, "parent_id_tag", 20, "", &parent) ||
	    param_int_or_400(&r->params, "limit", USERS_LIMIT_MAX, 1,
	                     USERS_LIMIT_MAX, &limit))
		return;
	if (db_query(r->db, &rows, sql_users, "sssl", after, parent, parent,
	             limit + 1)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc, n = 0, more = 0;
	char last[64] = "";
	while ((rc = db_next(&rows)) == 1) {
		if (n == limit) {
			more = 1;
			continue;
		}
		snprintf(last, sizeof last, "%s",
		         db_str(&rows, 0) ? db_str(&rows, 0) : "");
		cJSON *u = cJSON_CreateObject();
		api_json_str(u, "id_tag", db_str(&rows, 0));
		api_json_str(u, "name", db_str(&rows, 1));
		const char *why;
		api_json_str(u, "status", db_str(&rows, 2));
		api_json_str(u, "effective_status",
		             tag_status_effective(db_str(&rows, 2),
		                                  db_time_ms(&rows, 3),
		                                  r->now_ms, &why));
		api_json_str(u, "status_reason", why);
		api_json_time(u, "expiry_date", db_time_ms(&rows, 3));
		api_json_str(u, "parent_id_tag", db_str(&rows, 4));
		if (db_isnull(&rows, 5))
			cJSON_AddNullToObject(u, "max_concurrent_tx");
		else
			api_json_int(u, "max_concurrent_tx", db_int(&rows, 5));
		cJSON_AddItemToArray(items, u);
		n++;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", n);
	api_json_str(body, "next", more ? last : NULL);
	api_send_json(r, 200, body);
}

/* POST /users: {"id_tag", "name", "status", "expiry_date",
 * "parent_id_tag"} → tag_add → 201 with the row. */
static void user_create(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *row = api_control_call(r, "tag_add", NULL, body, 0);
	cJSON_Delete(body);
	if (row)
		api_send_json(r, 201, row);
}

void api_users_route(struct api_req *r)
{
	if (!strcmp(r->cgi->method, "POST"))
		user_create(r);
	else
		api_users(r);
}

/* PUT /users/{id_tag} (tag_update) and DELETE /users/{id_tag}
 * (tag_delete): the path names the tag. */
void api_user_route(struct api_req *r)
{
	int del = !strcmp(r->cgi->method, "DELETE");
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(body, "id_tag");
	if (given && !(cJSON_IsString(given) &&
	               !strcasecmp(given->valuestring, r->arg))) {
		cJSON_Delete(body);
		api_bad_param(r, "id_tag",
		              "id_tag in the body differs from the path");
		return;
	}
	if (del && cJSON_GetArraySize(body) > (given ? 1 : 0)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body", "DELETE takes no body");
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(body, "id_tag");
	cJSON_AddStringToObject(body, "id_tag", r->arg);
	cJSON *res = api_control_call(r, del ? "tag_delete" : "tag_update",
	                              NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}
