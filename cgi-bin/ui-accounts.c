/*
 * ui-accounts.c — see ui-accounts.h.
 */
#include "ui-accounts.h"

#include <string.h>

#include "auditquery.h"
#include "param.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define AUDIT_PAGE_ROWS 100

void ui_accounts(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	if (db_query(r->db, &rows, ACCOUNTQ_LIST, "")) {
		ui_db_error(r, "accounts");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Accounts", "accounts", 0);
	TMPL_loop *loop = NULL;
	const char *token = ui_csrf_for_admin(r);
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		char when[32];
		ui_fmt_datetime(db_time_ms(&rows, 3), when, sizeof when);
		const char *by = db_str(&rows, 4);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "user", db_str(&rows, 0), "role", db_str(&rows, 1),
		    "updated", when, "updated_by", by ? by : "", (char *)NULL);
		/* The loop's rows see only their own names. */
		if (token)
			row = TMPL_add_var(row, "csrf", token, "base", r->base,
			                   (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "accounts", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "accounts");
		return;
	}
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = TMPL_add_var(vl, "default_role", r->ctx->cfg.web_default_role,
	                  "me", r->cgi->remote_user ? r->cgi->remote_user : "",
	                  (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "accounts.tmpl", vl);
}

/* POST /accounts: do=set (user, role) or do=delete (user). */
void ui_accounts_post(struct ui_req *r, const char *arg)
{
	struct ui_form f;
	(void)arg;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *d = ui_form_get(&f, "do");
	const char *user = ui_form_get(&f, "user");
	const char *role = ui_form_get(&f, "role");
	int del = d && !strcmp(d, "delete");
	if (!d || (!del && strcmp(d, "set"))) {
		ui_form_free(&f);
		ui_bad_param(r, "do", "is not set or delete");
		return;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "user", user ? user : "");
	if (!del)
		cJSON_AddStringToObject(p, "role", role ? role : "");
	struct ui_outcome o;
	ui_control(r, del ? "account_delete" : "account_set", NULL, p, &o,
	           NULL);
	cJSON_Delete(p);
	char what[160];
	snprintf(what, sizeof what, "%s %.100s", del ? "Delete" : "Set role of",
	         user ? user : "");
	if (!strcmp(o.kind, "ok"))
		snprintf(o.msg, sizeof o.msg, "done");
	ui_form_free(&f);
	ui_redirect_outcome(r, "/accounts", "/accounts", what, &o);
}

void ui_audit(struct ui_req *r, const char *arg)
{
	(void)arg;
	long long page;
	const char *user, *kind;
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_text_or_400(&r->params, "user", 100, "", &user) ||
	    param_text_or_400(&r->params, "kind", 20, "", &kind))
		return;
	struct db_rows rows;
	long long total = 0;
	if (db_query(r->db, &rows, AUDITQ_COUNT, "ssss", user, user, kind,
	             kind)) {
		ui_db_error(r, "audit");
		return;
	}
	int rc = db_next(&rows);
	if (rc == 1)
		total = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0 || db_query(r->db, &rows, AUDITQ_PAGE, "ssssll", user, user,
	                       kind, kind, (long long)AUDIT_PAGE_ROWS,
	                       (page - 1) * AUDIT_PAGE_ROWS)) {
		ui_db_error(r, "audit");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Audit", "audit", 0);
	TMPL_loop *loop = NULL;
	while ((rc = db_next(&rows)) == 1) {
		char when[32], iso[32];
		int64_t at = db_time_ms(&rows, AUDITQ_AT);
		ui_fmt_datetime(at, when, sizeof when);
		ui_fmt_iso(at, iso, sizeof iso);
		const char *detail = db_str(&rows, AUDITQ_DETAIL);
		loop = TMPL_add_varlist(
		    loop,
		    TMPL_add_var(NULL, "when", when, "iso", iso, "user",
		                 db_str(&rows, AUDITQ_WHO), "kind",
		                 db_str(&rows, AUDITQ_KIND), "op",
		                 db_str(&rows, AUDITQ_OP), "subject",
		                 db_str(&rows, AUDITQ_SUBJECT) ?: "", "detail",
		                 detail && strcmp(detail, "{}") ? detail : "",
		                 (char *)NULL));
	}
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "entries", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "audit");
		return;
	}
	vl = TMPL_add_var(vl, "f_user", user, "f_kind", kind, (char *)NULL);
	vl = ui_add_fmt(vl, "total", "%lld", total);
	struct ui_qs qs;
	ui_qs_init(&qs);
	ui_qs_add(&qs, "user", user);
	ui_qs_add(&qs, "kind", kind);
	long pages = (long)((total + AUDIT_PAGE_ROWS - 1) / AUDIT_PAGE_ROWS);
	vl = ui_pager_vars(r, vl, "/audit", qs.buf, (long)page,
	                   pages ? pages : 1);
	ui_render(r, 200, "audit.tmpl", vl);
}
