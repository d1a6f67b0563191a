/*
 * ui-error.h — how a page answers: its template, or the error page.  Each
 * function has written the whole response (status, headers, page) when it
 * returns; the caller just returns.
 */
#ifndef CSMS_UI_ERROR_H
#define CSMS_UI_ERROR_H

#include "ui-shared.h"

/*
 * Renders templates_dir/tmpl with vl into memory, then writes headers and
 * body.  A template error is logged with its file:line and answered with a
 * 500 error page instead of half a page.  Frees vl.
 */
void ui_render(struct ui_req *r, int status, const char *tmpl,
               TMPL_varlist *vl);

/* The request's query parameters, a bad one answered with the 400 page
 * (after ui_req_init). */
void ui_params_init(struct ui_req *r);

/* status, a short title and one sentence for the visitor. */
void ui_error(struct ui_req *r, int status, const char *title,
              const char *message);

/* A database call failed: logs db_error() with `what`; 503 when the server
 * is unreachable, 500 otherwise. */
void ui_db_error(struct ui_req *r, const char *what);

/* 400 naming the parameter: "The parameter "page" <why>." */
void ui_bad_param(struct ui_req *r, const char *name, const char *why);

#endif
