/*
 * ui-error.c — how a dashboard page answers: its template, or an error
 * page.
 *
 * Every failure a visitor can meet (bad parameter, unknown charge point or
 * route, database down, a broken template) becomes a complete HTML page
 * with the right status; the operator's details go to the log only.  When
 * even error.tmpl cannot be rendered, a minimal page is written by hand so
 * the answer is never blank.
 */
#include "ui-error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

/* Writes a page that could not come from a template: the last resort when
 * even error.tmpl fails (missing templates directory). */
static void fallback_page(struct ui_req *r, int status, const char *title,
                          const char *message)
{
	char *body = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&body, &len);
	if (m) {
		fputs("<!DOCTYPE html>\n<html lang=\"en\"><head>"
		      "<meta charset=\"utf-8\"><title>",
		      m);
		TMPL_encode_entity(title, m);
		fputs(" — csms</title></head><body><h1>", m);
		TMPL_encode_entity(title, m);
		fputs("</h1><p>", m);
		TMPL_encode_entity(message, m);
		fputs("</p></body></html>\n", m);
		if (fclose(m)) {
			free(body);
			body = NULL;
			len = 0;
		}
	}
	ui_write_headers(r, status, "text/html; charset=utf-8", len);
	if (body && !r->head_only)
		fwrite(body, 1, len, r->cgi->out);
	free(body);
}

void ui_error(struct ui_req *r, int status, const char *title,
              const char *message)
{
	char err[1024];
	char code[8];
	snprintf(code, sizeof code, "%d", status);
	TMPL_varlist *vl = ui_frame_vars(r, NULL, title, NULL, 0);
	vl = TMPL_add_var(vl, "status", code, "reason", ui_status_text(status),
	                  "message", message, (char *)NULL);
	if (status == 503)
		vl = TMPL_add_var(vl, "retry", "1", (char *)NULL);
	int rc = ui_try_render(r, status, "error.tmpl", vl, err, sizeof err);
	TMPL_free_varlist(vl);
	if (rc) {
		log_error("dashboard: error page: %s", err);
		fallback_page(r, status, title, message);
	}
}

void ui_db_error(struct ui_req *r, const char *what)
{
	log_error("dashboard: %s %s: %s: %s", r->cgi->method, r->cgi->path,
	          what, db_error(r->db));
	if (db_conn_lost(r->db))
		ui_error(r, 503, "Database unavailable",
		         "The database cannot be reached right now. This page "
		         "will work again as soon as it is back; try again in "
		         "a few seconds.");
	else
		ui_error(r, 500, "Internal error",
		         "The database could not answer this request. The "
		         "details are in the server log.");
}

void ui_bad_param(struct ui_req *r, const char *name, const char *why)
{
	char msg[256];
	snprintf(msg, sizeof msg, "The parameter \"%s\" %s.", name, why);
	ui_error(r, 400, "Bad request", msg);
}

void ui_render(struct ui_req *r, int status, const char *tmpl, TMPL_varlist *vl)
{
	char err[1024];
	int rc = ui_try_render(r, status, tmpl, vl, err, sizeof err);
	TMPL_free_varlist(vl);
	if (rc) {
		log_error("dashboard: %s %s: template: %s", r->cgi->method,
		          r->cgi->path, err);
		ui_error(r, 500, "Internal error",
		         "This page could not be rendered. The details are in "
		         "the server log.");
	}
}

static void bad_param(void *ctx, const char *name, const char *why)
{
	ui_bad_param(ctx, name, why);
}

void ui_params_init(struct ui_req *r)
{
	r->params = (struct param_src){r->cgi, bad_param, r};
}
