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
#include "json_strict.h"
#include "log.h"
#include "webcmd.h"
#include "webctl.h"

/* How long ocppd may take to queue a command (ms). */
#define ASYNC_ANSWER_MS 10000

/* Only whitespace in s[0..len). */
static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]))
			return 0;
	return 1;
}

cJSON *api_change_begin(struct api_req *r)
{
	if (webctl_may_change(r->cgi)) {
		api_error(r, 401, "unauthorized",
		          "this deployment requires an authenticated user to "
		          "change anything");
		return NULL;
	}
	/* A page on another site must not reach this with the browser's
	 * cached login: its form or fetch carries headers it cannot
	 * forge. */
	if (webctl_request_cross_site(r->cgi, r->cfg->cors_origin)) {
		log_warn("api: %s %s refused: cross-site request (Origin "
		         "\"%.100s\", Sec-Fetch-Site \"%.20s\")",
		         r->cgi->method, r->cgi->path,
		         cgi_getenv(r->cgi, "HTTP_ORIGIN") ?: "",
		         cgi_getenv(r->cgi, "HTTP_SEC_FETCH_SITE") ?: "");
		api_error(r, 403, "cross_site",
		          "changes are only accepted from this site's own "
		          "pages or from clients that are not browsers");
		return NULL;
	}
	/* An HTML form can send text/plain, urlencoded or multipart, never
	 * JSON: a body must say it is JSON.  Only an empty body (DELETE, a
	 * command without parameters) may come without a type. */
	const char *ctype = cgi_getenv(r->cgi, "CONTENT_TYPE");
	if ((r->cgi->content_length > 0 || (ctype && *ctype)) &&
	    !webctl_is_json_type(ctype)) {
		api_error(r, 415, "unsupported_media_type",
		          "the request body must be sent as "
		          "Content-Type: application/json");
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
	/* Strictly one JSON value: data after it (a lenient parser is how a
	 * urlencoded form once passed as JSON), a "\u0000" that would cut a
	 * tag short on its way to ocppd, or a member named twice is refused
	 * (json_strict.h), as ocppd refuses them from a charge point. */
	cJSON *body = NULL;
	struct json_strict_err jerr = {0};
	if (blank(text, len))
		body = cJSON_CreateObject();
	else if ((body = json_parse_strict(text, len, &jerr)) &&
	         jerr.kind != JSON_STRICT_OK) {
		cJSON_Delete(body);
		free(text);
		if (jerr.kind == JSON_STRICT_TRAILING)
			api_error(r, 400, "invalid_body",
			          "the request body has data after its JSON "
			          "object");
		else
			api_error(r, 400, "invalid_body",
			          "the request body is not strict JSON: %s%s%s",
			          json_strict_what(jerr.kind),
			          jerr.path[0] || jerr.key[0] ? " at " : "",
			          jerr.key[0] ? jerr.key : jerr.path);
		return NULL;
	}
	free(text);
	if (!cJSON_IsObject(body)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body",
		          "the request body must be a JSON object");
		return NULL;
	}
	return body;
}

/* One control request; the answer's result, or NULL after answering the
 * error. */
static cJSON *control_request(struct api_req *r, const char *op,
                              const char *cp_id, const cJSON *params,
                              int ocpp_timeout_s, int async)
{
	char who[128], err[300];
	webctl_requested_by(r->cgi, who, sizeof who);
	/* Queuing is one pass of ocppd's event loop; a synchronous request
	 * waits for the database (tags) or the charge point. */
	int wait_ms = async                ? ASYNC_ANSWER_MS
	              : ocpp_timeout_s > 0 ? ocpp_timeout_s * 1000 + 5000
	                                   : ctl_default_timeout_ms(r->cfg);
	char *line = webcmd_line(op, cp_id, params, who, ocpp_timeout_s, async);
	cJSON *answer = NULL;
	/* To the node holding the charge point's link (webcmd_send). */
	int rc = line ? webcmd_send(r->cfg, r->db, op, cp_id, line, wait_ms,
	                            &answer, err, sizeof err)
	              : (snprintf(err, sizeof err, "out of memory"), -2);
	free(line);
	if (rc)
		log_warn("api: %s %s: %s", op, cp_id ? cp_id : "", err);
	if (rc == -1) {
		api_error(r, 503, "control_unavailable",
		          "ocppd is not reachable; try again shortly");
		return NULL;
	}
	if (rc) {
		api_error(r, 504, "timeout",
		          "no answer from ocppd in time: %.200s", err);
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

cJSON *api_control_call(struct api_req *r, const char *op, const char *cp_id,
                        const cJSON *params, int ocpp_timeout_s)
{
	return control_request(r, op, cp_id, params, ocpp_timeout_s, 0);
}

cJSON *api_control_queue(struct api_req *r, const char *op, const char *cp_id,
                         const cJSON *params, int ocpp_timeout_s)
{
	return control_request(r, op, cp_id, params, ocpp_timeout_s, 1);
}
