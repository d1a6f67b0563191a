/*
 * api-cplife.c — see api-cplife.h.
 */
#include "api-cplife.h"

#include <string.h>

#include "api-chargepoints.h"
#include "api-control.h"
#include "api-json.h"

static void send_op(struct api_req *r, const char *op, const cJSON *params)
{
	cJSON *res = api_control_call(r, op, r->arg, params, 0);
	if (res)
		api_send_json(r, 200, res);
}

void api_cp_route(struct api_req *r)
{
	if (strcmp(r->cgi->method, "DELETE")) {
		api_cps_one(r);
		return;
	}
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	if (cJSON_GetArraySize(body))
		api_error(r, 400, "invalid_body", "DELETE takes no body");
	else
		send_op(r, "cp_delete", body);
	cJSON_Delete(body);
}

void api_cp_retired(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "retired");
	if (!cJSON_IsBool(v) || cJSON_GetArraySize(body) != 1) {
		cJSON_Delete(body);
		api_bad_param(r, "retired",
		              "the body is {\"retired\": true} or false");
		return;
	}
	cJSON *none = cJSON_CreateObject();
	send_op(r, cJSON_IsTrue(v) ? "cp_retire" : "cp_unretire", none);
	cJSON_Delete(none);
	cJSON_Delete(body);
}

void api_cp_notes(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	send_op(r, "cp_set_notes", body);
	cJSON_Delete(body);
}
