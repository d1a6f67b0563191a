/*
 * ui-error.h — error pages.  Each function has written the whole response
 * (status, headers, page) when it returns; the caller just returns.
 */
#ifndef CSMS_UI_ERROR_H
#define CSMS_UI_ERROR_H

#include "ui-shared.h"

/* status, a short title and one sentence for the visitor. */
void ui_error(struct ui_req *r, int status, const char *title,
              const char *message);

/* A database call failed: logs db_error() with `what`; 503 when the server
 * is unreachable, 500 otherwise. */
void ui_db_error(struct ui_req *r, const char *what);

/* 400 naming the parameter: "The parameter "page" <why>." */
void ui_bad_param(struct ui_req *r, const char *name, const char *why);

#endif
