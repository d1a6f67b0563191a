/*
 * ui-post.h — what the dashboard's state-changing pages share: reading a
 * POSTed form, the CSRF check (ui-csrf.h), sending one control request to
 * ocppd (docs/control.md) and answering with a 303 redirect to a page
 * that shows the outcome (POST-redirect-GET).
 */
#ifndef CSMS_UI_POST_H
#define CSMS_UI_POST_H

#include <cjson/cJSON.h>

#include "ui-shared.h"

#define UI_FORM_MAX 32 /* fields in one form */

struct ui_form {
	struct cgi_param params[UI_FORM_MAX];
	int n;
	char *buf; /* owns the decoded strings */
};

/*
 * The CSRF token for forms on the page r renders, or NULL when the secret
 * cannot be read or created (logged; the page then shows no forms) or
 * the request's role is below operator (a viewer sees none).
 */
const char *ui_csrf_for(struct ui_req *r);
/* The same for a page whose every form needs an admin. */
const char *ui_csrf_for_admin(struct ui_req *r);

/*
 * Reads and checks a POSTed form: an authenticated user when the
 * deployment requires one (CSMS_REQUIRE_AUTH), an urlencoded body of at
 * most WEBCTL_BODY_MAX bytes, and a valid "csrf" field.  On failure the
 * error page (401, 403, 413, 415, 400) is already written and -1 returned;
 * on success the caller frees f with ui_form_free.
 */
int ui_form_read_or_error(struct ui_req *r, struct ui_form *f);
void ui_form_free(struct ui_form *f);
/* The CSRF check alone, for a form read another way (a multipart
 * upload, ui-firmware.c): 0 when token is valid for this user. */
int ui_csrf_ok(struct ui_req *r, const char *token);
/* A field's value, NULL when absent. */
const char *ui_form_get(const struct ui_form *f, const char *name);

/* How a control request ended, in words for the page. */
struct ui_outcome {
	/* ok, rejected, pending, timeout, offline, invalid, error */
	const char *kind;
	char msg[256]; /* "Accepted", "the charge point is offline", ... */
};

/*
 * Sends op (with cp_id when not NULL, and params) to ocppd as the
 * request's user and waits for the answer.  o->msg is the charge point's
 * status or ocppd's error message; *result (when not NULL) gets the
 * result object of an ok answer, owned by the caller.
 */
void ui_control(struct ui_req *r, const char *op, const char *cp_id,
                const cJSON *params, struct ui_outcome *o, cJSON **result);

/*
 * Sends a charge point command asynchronously (webcmd.h) and waits a
 * moment for its outcome in the commands table: o says how it ended, or
 * "pending" when the charge point has not answered yet (the page's
 * Recent commands table shows the outcome on a later refresh).  *result
 * (when not NULL) gets the charge point's payload of a finished command.
 */
void ui_command(struct ui_req *r, const char *op, const char *cp_id,
                const cJSON *params, struct ui_outcome *o, cJSON **result);

/*
 * 303 See Other to base + path (already encoded) + "?" + qs.  The answer
 * has the same security headers as every page and an empty body.
 */
void ui_redirect(struct ui_req *r, const char *path, const char *qs);

/* Percent-encodes s for a path segment into out; -1 when it does not
 * fit. */
int ui_path_escape(const char *s, char *out, size_t len);

/*
 * The answer to a form: 303 to base + page_url (page, encoded), with the
 * outcome as a signed flash cookie for page (ui-flash.h) that the page
 * shows once.  page is the dashboard path as PATH_INFO will carry it
 * ("/cp/CP 1", "/tags").
 */
void ui_redirect_outcome(struct ui_req *r, const char *page,
                         const char *page_url, const char *what,
                         const struct ui_outcome *o);

/*
 * The outcome variables of a page a form redirected to, from its flash
 * cookie (never from the URL: a link cannot make the page say anything):
 * result_what, result_kind, result_msg, result_class.  The cookie is
 * cleared by this answer whatever it held.
 */
TMPL_varlist *ui_outcome_vars(struct ui_req *r, TMPL_varlist *vl);

#endif
