/*
 * api-control.c — writes through ocppd (api-control.h).  The API's
 * database account is read-only: every change is a control request, and
 * ocppd validates it again, so the checks here are only those HTTP needs
 * (who, how big, well-formed).
 */
#include "api-control.h"

#include <stdlib.h>
#include <string.h>

#include "api-json.h"
#include "ctl_client.h"
#include "log.h"
#include "webctl.h"

cJSON *api_change_begin(struct api_req *r)
{
	if (webctl_may_change(r->cgi)) {
		api_error(r, 401, "unauthorized",
		          "this deployment requires an authenticated user to "
		          "change anything");
		return NULL;
	}
	if (r->cgi->content_length > WEBCTL_BODY_MAX) {
		api_error(r, 413, "body_too_large",
		          "the request body is limited to %d bytes",
		          WEBCTL_BODY_MAX);
		return NULL;
	}
	char *text = NULL;
	size_t len = 0;
	if (cgi_read_body(r->cgi, &text, &len, WEBCTL_BODY_MAX)) {
		api_error(r, 400, "invalid_body", "the request body is short");
		return NULL;
	}
	size_t i = 0;
	while (i < len && strchr(" \t\r\n", text[i]))
		i++;
	cJSON *body =
	    i == len ? cJSON_CreateObject() : cJSON_ParseWithLength(text, len);
	free(text);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body",
		          "the request body must be a JSON object");
		return NULL;
	}
	return body;
}

cJSON *api_control_call(struct api_req *r, const char *op, const char *cp_id,
                        const cJSON *params, int ocpp_timeout_s)
{
	char who[128], err[300];
	webctl_requested_by(r->cgi, who, sizeof who);
	int wait_ms = ocpp_timeout_s > 0 ? ocpp_timeout_s * 1000 + 5000
	                                 : ctl_default_timeout_ms(r->cfg);
	struct ctl_client c;
	if (ctl_connect(&c, r->cfg, err, sizeof err)) {
		log_warn("api: %s: %s", op, err);
		api_error(r, 503, "control_unavailable",
		          "ocppd is not reachable; try again shortly");
		return NULL;
	}
	cJSON *req_params = params ? cJSON_Duplicate(params, 1) : NULL;
	cJSON *answer = NULL;
	int rc;
	if (ocpp_timeout_s > 0) {
		/* ctl_request has no timeout member: format the line. */
		cJSON *line = cJSON_CreateObject();
		cJSON_AddStringToObject(line, "op", op);
		if (cp_id)
			cJSON_AddStringToObject(line, "cp_id", cp_id);
		if (req_params)
			cJSON_AddItemToObject(line, "params", req_params);
		req_params = NULL;
		cJSON_AddStringToObject(line, "requested_by", who);
		cJSON_AddNumberToObject(line, "timeout", ocpp_timeout_s);
		char *text = cJSON_PrintUnformatted(line), *reply = NULL;
		cJSON_Delete(line);
		rc = text ? ctl_roundtrip(&c, text, wait_ms, &reply, err,
		                          sizeof err)
		          : -1;
		free(text);
		if (!rc && !(answer = cJSON_Parse(reply)))
			rc = -1, snprintf(err, sizeof err, "unparsable answer");
		free(reply);
	} else {
		rc = ctl_request(&c, op, cp_id, req_params, who, wait_ms,
		                 &answer, err, sizeof err);
	}
	cJSON_Delete(req_params);
	ctl_close(&c);
	if (rc) {
		log_warn("api: %s %s: %s", op, cp_id ? cp_id : "", err);
		api_error(r, 504, "timeout",
		          "no answer from ocppd in time: %.200s", err);
		cJSON_Delete(answer);
		return NULL;
	}
	if (ctl_answer_ok(answer)) {
		cJSON *res = cJSON_DetachItemFromObject(answer, "result");
		cJSON_Delete(answer);
		return res ? res : cJSON_CreateObject();
	}
	/* The control error as it came, plus "parameter" for the API's
	 * usual 400 shape. */
	cJSON *e = cJSON_DetachItemFromObject(answer, "error");
	cJSON_Delete(answer);
	if (!cJSON_IsObject(e)) {
		cJSON_Delete(e);
		api_error(r, 502, "bad_answer", "ocppd's answer has no error");
		return NULL;
	}
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	const cJSON *field = cJSON_GetObjectItemCaseSensitive(e, "field");
	int status = webctl_http_status(cJSON_GetStringValue(code));
	if (cJSON_IsString(field))
		cJSON_AddStringToObject(e, "parameter", field->valuestring);
	cJSON *body = cJSON_CreateObject();
	cJSON_AddItemToObject(body, "error", e);
	api_error_body(r, status, body);
	return NULL;
}
