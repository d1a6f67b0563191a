/*
 * ui-post.c — forms, CSRF, control requests and redirects for the
 * dashboard's POST pages (ui-post.h).  The dashboard's database account is
 * read-only: every change goes to ocppd, which validates it again, so the
 * checks here are the ones HTTP and the browser need.
 */
#include "ui-post.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_client.h"
#include "log.h"
#include "param.h"
#include "ui-csrf.h"
#include "ui-error.h"
#include "ui-flash.h"
#include "ui-format.h"
#include "webcmd.h"
#include "webctl.h"
#include "webrole.h"

/* How long a command form waits for the charge point before the page
 * says "sent" and leaves the outcome to the Recent commands table (ms):
 * a live charge point answers well within it, a silent one holds a
 * FastCGI process no longer. */
#define UI_COMMAND_WAIT_MS 2000
/* How long ocppd may take to queue a command (ms). */
#define UI_QUEUE_ANSWER_MS 10000

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

const char *ui_csrf_for_admin(struct ui_req *r)
{
	return r->role >= ROLE_ADMIN ? ui_csrf_for(r) : NULL;
}

const char *ui_csrf_for(struct ui_req *r)
{
	static char token[UI_CSRF_TOKEN_LEN + 1];
	if (r->role < ROLE_OPERATOR || load_secret(r))
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
	int refused = 0;
	if (cgi_read_body(r->cgi, &body, &len, WEBCTL_BODY_MAX)) {
		ui_error(r, 400, "Bad request", "The form arrived incomplete.");
		return -1;
	}
	f->n = cgi_parse_query(body, f->params, UI_FORM_MAX, &f->buf, &refused);
	free(body);
	if (refused) {
		ui_form_free(f);
		ui_error(r, 400, "Bad request",
		         refused == CGI_QUERY_NUL
		             ? "A form field contains %00 (NUL)."
		             : "The form has too many fields.");
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

int ui_csrf_ok(struct ui_req *r, const char *token)
{
	if (load_secret(r) ||
	    ui_csrf_check(secret, r->now / 1000, user_of(r), token)) {
		log_warn("dashboard: %s %s refused: missing or invalid CSRF "
		         "token (user \"%s\")",
		         r->cgi->method, r->cgi->path, user_of(r));
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
	char *line = webcmd_line(op, cp_id, params, who, 0, 0);
	if (!line || webcmd_send(&r->ctx->cfg, r->db, op, cp_id, line,
	                         ctl_default_timeout_ms(&r->ctx->cfg), &answer,
	                         err, sizeof err)) {
		log_warn("dashboard: %s %s: %s", op, cp_id ? cp_id : "",
		         line ? err : "out of memory");
		free(line);
		o->kind = "error";
		snprintf(o->msg, sizeof o->msg,
		         "ocppd is not reachable; try again shortly");
		return;
	}
	free(line);
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

static const char sql_outcome[] =
    "SELECT status, response FROM commands WHERE uid = ?";

/* The outcome a finished command left in the history. */
static void outcome_of_row(struct ui_req *r, const char *uid,
                           struct ui_outcome *o, cJSON **result)
{
	struct db_rows rows;
	int found = 0;
	if (!db_query(r->db, &rows, sql_outcome, "s", uid)) {
		found = db_next(&rows) == 1;
		if (!found)
			db_rows_end(&rows);
	}
	if (!found) {
		o->kind = "pending";
		snprintf(o->msg, sizeof o->msg,
		         "sent; the outcome will show under Recent commands");
		return;
	}
	const char *status = db_str(&rows, 0);
	cJSON *resp = db_str(&rows, 1) ? cJSON_Parse(db_str(&rows, 1)) : NULL;
	const char *code = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(resp, "code"));
	const char *text = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(resp, "description"));
	if (!text)
		text = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(resp, "message"));
	status = status ? status : "";
	if (!strcmp(status, "timeout")) {
		o->kind = "timeout";
		snprintf(o->msg, sizeof o->msg,
		         "timed out: the charge point did not answer");
	} else if (!strcmp(status, "offline")) {
		o->kind = "offline";
		snprintf(o->msg, sizeof o->msg, "the charge point is offline");
	} else if (!strcmp(status, "callerror") || !strcmp(status, "error")) {
		o->kind = "error";
		snprintf(o->msg, sizeof o->msg, "%.40s: %.200s",
		         code ? code : status, text ? text : "");
	} else {
		o->kind = !strcmp(status, "Rejected") ||
		                  !strcmp(status, "UnlockFailed") ||
		                  !strcmp(status, "NotSupported") ||
		                  !strcmp(status, "NotImplemented")
		              ? "rejected"
		              : "ok";
		snprintf(o->msg, sizeof o->msg, "%.100s",
		         strcmp(status, "answered") ? status : "done");
		if (result) {
			*result = resp;
			resp = NULL;
		}
	}
	cJSON_Delete(resp);
	db_rows_end(&rows);
}

void ui_command(struct ui_req *r, const char *op, const char *cp_id,
                const cJSON *params, struct ui_outcome *o, cJSON **result)
{
	char who[128], err[300];
	cJSON *answer = NULL;
	if (result)
		*result = NULL;
	webctl_requested_by(r->cgi, who, sizeof who);
	char *line = webcmd_line(op, cp_id, params, who, 0, 1);
	if (!line ||
	    webcmd_send(&r->ctx->cfg, r->db, op, cp_id, line,
	                UI_QUEUE_ANSWER_MS, &answer, err, sizeof err)) {
		log_warn("dashboard: %s %s: %s", op, cp_id,
		         line ? err : "out of memory");
		free(line);
		o->kind = "error";
		snprintf(o->msg, sizeof o->msg,
		         "ocppd is not reachable; try again shortly");
		return;
	}
	free(line);
	if (!ctl_answer_ok(answer)) {
		outcome_of_error(answer, o);
		cJSON_Delete(answer);
		return;
	}
	char uid[WEBCMD_UID_MAX + 1];
	snprintf(uid, sizeof uid, "%s",
	         cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
	             ctl_answer_result(answer), "uid"))
	             ?: "");
	cJSON_Delete(answer);
	if (uid[0] && webcmd_wait(r->db, uid, 1, UI_COMMAND_WAIT_MS) == 1) {
		outcome_of_row(r, uid, o, result);
		return;
	}
	o->kind = "pending";
	snprintf(o->msg, sizeof o->msg,
	         "sent; the outcome will show under Recent commands");
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

/* The cookie's attributes: this program only, never sent from another
 * site, not readable by script. */
static void cookie_header(struct ui_req *r, const char *value, int max_age)
{
	const char *https = cgi_getenv(r->cgi, "HTTPS");
	snprintf(r->set_cookie, sizeof r->set_cookie,
	         UI_FLASH_COOKIE "=%s; Path=%s; Max-Age=%d; HttpOnly; "
	                         "SameSite=Strict%s",
	         value, r->base, max_age,
	         https && !strcasecmp(https, "on") ? "; Secure" : "");
}

void ui_redirect_outcome(struct ui_req *r, const char *page,
                         const char *page_url, const char *what,
                         const struct ui_outcome *o)
{
	static char value[UI_FLASH_VALUE_MAX + 1];
	struct ui_flash f;
	memset(&f, 0, sizeof f);
	snprintf(f.kind, sizeof f.kind, "%s", o->kind);
	snprintf(f.what, sizeof f.what, "%s", what);
	snprintf(f.msg, sizeof f.msg, "%s", o->msg);
	/* Without the secret there is no form to have posted: nothing to
	 * sign, and the page shows the outcome in its tables anyway. */
	if (!load_secret(r)) {
		ui_flash_encode(secret, r->now / 1000, user_of(r), page, &f,
		                value);
		cookie_header(r, value, UI_FLASH_TTL_S);
	}
	ui_redirect(r, page_url, "");
}

static const char *const kinds[] = {"ok",      "rejected", "pending", "timeout",
                                    "offline", "invalid",  "error"};

TMPL_varlist *ui_outcome_vars(struct ui_req *r, TMPL_varlist *vl)
{
	const char *cookies = cgi_getenv(r->cgi, "HTTP_COOKIE");
	struct ui_flash f;
	char page[512];
	if (!cookies || !strstr(cookies, UI_FLASH_COOKIE "="))
		return vl;
	/* Shown once: whatever it held, it is cleared now. */
	cookie_header(r, "", 0);
	snprintf(page, sizeof page, "%s", r->cgi->path);
	size_t n = strlen(page);
	if (n > 1 && page[n - 1] == '/')
		page[n - 1] = '\0';
	if (load_secret(r) || ui_flash_decode(secret, r->now / 1000, user_of(r),
	                                      page, cookies, &f))
		return vl;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		if (strcmp(f.kind, kinds[i]))
			continue;
		const char *what = param_text_ok(f.what) ? f.what : "";
		const char *msg = param_text_ok(f.msg) ? f.msg : "";
		return TMPL_add_var(vl, "result_kind", kinds[i], "result_what",
		                    what, "result_msg", msg, "result_class",
		                    i == 0   ? "ok"
		                    : i == 1 ? "warn"
		                    : i == 2 ? "info"
		                             : "bad",
		                    (char *)NULL);
	}
	return vl;
}
