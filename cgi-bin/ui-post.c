/*
 * ui-post.c — forms, CSRF, control requests and redirects for the
 * dashboard's POST pages (ui-post.h).  The dashboard's database account is
 * read-only: every change goes to ocppd, which validates it again, so the
 * checks here are the ones HTTP and the browser need.
 */
#include "ui-post.h"

#include <stdlib.h>
#include <string.h>

#include "ctl_client.h"
#include "log.h"
#include "ui-csrf.h"
#include "ui-error.h"
#include "ui-format.h"
#include "webctl.h"

/* The secret lives for the process: read once, retried after a failure
 * so that creating csrf_secret_file needs no restart. */
static uint8_t secret[UI_CSRF_SECRET_LEN];
static int secret_ok;

static int load_secret(struct ui_req *r)
{
	char path[600], err[700];
	if (secret_ok)
		return 0;
	snprintf(path, sizeof path, "%s", r->ctx->cfg.csrf_secret_file);
	if (ui_csrf_secret_load(path, secret, err, sizeof err)) {
		log_error("dashboard: csrf secret: %s", err);
		return -1;
	}
	secret_ok = 1;
	return 0;
}

static const char *user_of(const struct ui_req *r)
{
	return r->cgi->remote_user ? r->cgi->remote_user : "";
}

const char *ui_csrf_for(struct ui_req *r)
{
	static char token[UI_CSRF_TOKEN_LEN + 1];
	if (load_secret(r))
		return NULL;
	ui_csrf_token(secret, r->now / 1000, user_of(r), token);
	return token;
}

void ui_form_free(struct ui_form *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

const char *ui_form_get(const struct ui_form *f, const char *name)
{
	for (int i = 0; i < f->n; i++)
		if (!strcmp(f->params[i].name, name))
			return f->params[i].value;
	return NULL;
}

int ui_form_read_or_error(struct ui_req *r, struct ui_form *f)
{
	memset(f, 0, sizeof *f);
	if (webctl_may_change(r->cgi)) {
		ui_error(r, 401, "Not signed in",
		         "Changes need an authenticated user on this "
		         "dashboard.");
		return -1;
	}
	const char *ctype = cgi_getenv(r->cgi, "CONTENT_TYPE");
	if (!ctype ||
	    strncasecmp(ctype, "application/x-www-form-urlencoded", 33)) {
		ui_error(r, 415, "Unsupported form",
		         "The dashboard takes forms as "
		         "application/x-www-form-urlencoded.");
		return -1;
	}
	if (r->cgi->content_length > WEBCTL_BODY_MAX) {
		ui_error(r, 413, "Form too large", "The form is too large.");
		return -1;
	}
	char *body = NULL;
	size_t len = 0;
	int truncated = 0;
	if (cgi_read_body(r->cgi, &body, &len, WEBCTL_BODY_MAX)) {
		ui_error(r, 400, "Bad request", "The form arrived incomplete.");
		return -1;
	}
	f->n =
	    cgi_parse_query(body, f->params, UI_FORM_MAX, &f->buf, &truncated);
	free(body);
	if (truncated) {
		ui_form_free(f);
		ui_error(r, 400, "Bad request",
		         "The form has too many fields.");
		return -1;
	}
	/* Nothing is sent without a token of this user from this install:
	 * a page on another site cannot make the browser change things. */
	if (load_secret(r) || ui_csrf_check(secret, r->now / 1000, user_of(r),
	                                    ui_form_get(f, "csrf"))) {
		log_warn("dashboard: %s %s refused: missing or invalid CSRF "
		         "token (user \"%s\")",
		         r->cgi->method, r->cgi->path, user_of(r));
		ui_form_free(f);
		ui_error(r, 403, "Form expired",
		         "This form is too old or did not come from this "
		         "dashboard. Nothing was changed. Reload the page and "
		         "try again.");
		return -1;
	}
	return 0;
}

static void outcome_of_error(const cJSON *answer, struct ui_outcome *o)
{
	const char *code = ctl_answer_code(answer);
	const char *msg = ctl_answer_message(answer);
	code = code ? code : "";
	if (!strcmp(code, "cp_offline")) {
		o->kind = "offline";
		snprintf(o->msg, sizeof o->msg, "the charge point is offline");
	} else if (!strcmp(code, "timeout")) {
		o->kind = "timeout";
		snprintf(o->msg, sizeof o->msg,
		         "timed out: the charge point did not answer");
	} else if (!strcmp(code, "invalid_params")) {
		o->kind = "invalid";
		snprintf(o->msg, sizeof o->msg, "invalid: %.200s", msg);
	} else {
		o->kind = "error";
		snprintf(o->msg, sizeof o->msg, "%.40s: %.200s", code, msg);
	}
}

void ui_control(struct ui_req *r, const char *op, const char *cp_id,
                const cJSON *params, struct ui_outcome *o, cJSON **result)
{
	char who[128], err[300];
	cJSON *answer = NULL;
	if (result)
		*result = NULL;
	webctl_requested_by(r->cgi, who, sizeof who);
	if (ctl_call(&r->ctx->cfg, op, cp_id, params, who,
	             ctl_default_timeout_ms(&r->ctx->cfg), &answer, err,
	             sizeof err)) {
		log_warn("dashboard: %s %s: %s", op, cp_id ? cp_id : "", err);
		o->kind = "error";
		snprintf(o->msg, sizeof o->msg,
		         "ocppd is not reachable; try again shortly");
		return;
	}
	if (!ctl_answer_ok(answer)) {
		outcome_of_error(answer, o);
		cJSON_Delete(answer);
		return;
	}
	const cJSON *res = ctl_answer_result(answer);
	const char *status = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(res, "status"));
	/* A business refusal is an answer, not an error: show it apart. */
	if (status &&
	    (!strcmp(status, "Rejected") || !strcmp(status, "UnlockFailed") ||
	     !strcmp(status, "NotSupported") ||
	     !strcmp(status, "NotImplemented")))
		o->kind = "rejected";
	else
		o->kind = "ok";
	snprintf(o->msg, sizeof o->msg, "%.100s", status ? status : "done");
	if (result)
		*result = cJSON_DetachItemFromObject(answer, "result");
	cJSON_Delete(answer);
}

int ui_path_escape(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t j = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c)) {
			if (j + 1 >= len)
				return -1;
			out[j++] = (char)c;
		} else {
			if (j + 3 >= len)
				return -1;
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	if (j >= len)
		return -1;
	out[j] = '\0';
	return 0;
}

void ui_redirect(struct ui_req *r, const char *path, const char *qs)
{
	char url[2048];
	snprintf(url, sizeof url, "%s%s%s%s", r->base, path, *qs ? "?" : "",
	         qs);
	r->location = url;
	ui_write_headers(r, 303, "text/plain; charset=utf-8", 0);
	r->location = NULL;
}

static const char *const kinds[] = {"ok",      "rejected", "timeout",
                                    "offline", "invalid",  "error"};

TMPL_varlist *ui_outcome_vars(struct ui_req *r, TMPL_varlist *vl)
{
	const char *kind = cgi_param(r->cgi, "result");
	const char *what = cgi_param(r->cgi, "done");
	const char *msg = cgi_param(r->cgi, "msg");
	if (!kind)
		return vl;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(kind, kinds[i]))
			continue;
		if (!what || strlen(what) > 100 || !ui_text_ok(what))
			what = "";
		if (!msg || strlen(msg) > 300 || !ui_text_ok(msg))
			msg = "";
		return TMPL_add_var(vl, "result_kind", kinds[i], "result_what",
		                    what, "result_msg", msg, "result_class",
		                    i == 0   ? "ok"
		                    : i == 1 ? "warn"
		                             : "bad",
		                    (char *)NULL);
	}
	return vl;
}
