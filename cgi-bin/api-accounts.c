/*
 * api-accounts.c — see api-accounts.h.
 */
#include "api-accounts.h"

#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "auditquery.h"

static cJSON *account_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_str(o, "user", db_str(rows, 0));
	api_json_str(o, "role", db_str(rows, 1));
	api_json_time(o, "created_at", db_time_ms(rows, 2));
	api_json_time(o, "updated_at", db_time_ms(rows, 3));
	api_json_str(o, "updated_by", db_str(rows, 4));
	return o;
}

/* POST /accounts {"user", "role"}: account_set → 201 (200 when the
 * account existed: its role is replaced). */
static void account_create(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *res = api_control_call(r, "account_set", NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r,
		              cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		                  res, "created"))
		                  ? 201
		                  : 200,
		              res);
}

void api_accounts_route(struct api_req *r)
{
	struct db_rows rows;
	if (!strcmp(r->cgi->method, "POST")) {
		account_create(r);
		return;
	}
	if (db_query(r->db, &rows, ACCOUNTQ_LIST, "")) {
		api_db_error(r);
		return;
	}
	api_send_items(r, &rows, account_object, 0, 0, 0);
}

/* PUT /accounts/{user} {"role"} (account_set) and DELETE /accounts/{user}
 * (account_delete): the path names the account. */
void api_account_route(struct api_req *r)
{
	int del = !strcmp(r->cgi->method, "DELETE");
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(body, "user");
	if (given &&
	    !(cJSON_IsString(given) && !strcmp(given->valuestring, r->arg))) {
		cJSON_Delete(body);
		api_bad_param(r, "user",
		              "user in the body differs from the path");
		return;
	}
	if (del && cJSON_GetArraySize(body) > (given ? 1 : 0)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body", "DELETE takes no body");
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(body, "user");
	cJSON_AddStringToObject(body, "user", r->arg);
	cJSON *res = api_control_call(r, del ? "account_delete" : "account_set",
	                              NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}

static cJSON *audit_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, AUDITQ_ID));
	api_json_time(o, "at", db_time_ms(rows, AUDITQ_AT));
	api_json_str(o, "user", db_str(rows, AUDITQ_WHO));
	api_json_str(o, "kind", db_str(rows, AUDITQ_KIND));
	api_json_str(o, "op", db_str(rows, AUDITQ_OP));
	api_json_str(o, "subject", db_str(rows, AUDITQ_SUBJECT));
	cJSON *d = db_str(rows, AUDITQ_DETAIL)
	               ? cJSON_Parse(db_str(rows, AUDITQ_DETAIL))
	               : NULL;
	if (d)
		cJSON_AddItemToObject(o, "detail", d);
	else
		api_json_str(o, "detail", db_str(rows, AUDITQ_DETAIL));
	return o;
}

/* GET /audit?user=&kind=&page=&per_page= */
void api_audit(struct api_req *r)
{
	long long page, per_page;
	const char *user, *kind;
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 50, 1, 500, &per_page) ||
	    param_text_or_400(&r->params, "user", 100, "", &user) ||
	    param_text_or_400(&r->params, "kind", 20, "", &kind))
		return;
	const char *const filters[] = {user, kind};
	api_send_filtered_page(r, AUDITQ_COUNT, AUDITQ_PAGE, filters, 2, page,
	                       per_page, audit_object);
}
