/*
 * ui-shared.h — what every dashboard page shares: the process context
 * (config, read-only database connection), the per-request context, and
 * the one way a page leaves the program (ui_render, or an error page
 * from ui-error.h).
 *
 * A page handler always answers: it either calls ui_render() with its
 * variables or one of the ui_*_error() helpers, which have already written
 * the whole response when they return (cgit's cgit_print_error_page).
 */
#ifndef CSMS_UI_SHARED_H
#define CSMS_UI_SHARED_H

#include <stdint.h>

#include "cgi.h"
#include "config.h"
#include "db.h"
#include "param.h"
#include "tmpl.h"

/* Lives for the whole process: opened before the FastCGI accept loop. */
struct ui_ctx {
	struct csms_config cfg;
	struct db db;
};

/* One request; reset by dashboard.c at the top of each pass. */
struct ui_req {
	struct cgi_req *cgi;
	struct ui_ctx *ctx;
	struct db *db;
	int64_t now;             /* ms UTC, one clock reading per request */
	int head_only;           /* HEAD: headers without the body */
	char base[256];          /* this program's URL: "/cgi-bin/dashboard" */
	char static_url[256];    /* "/static" */
	char api_url[256];       /* "/cgi-bin/api" */
	const char *location;    /* sent as Location: when set (a redirect) */
	char set_cookie[2048];   /* sent as Set-Cookie: when not empty */
	struct param_src params; /* a bad one answered with a 400 page */
	int role;                /* webrole.h, set before the page runs */
};

/* Fills the URLs of r from SCRIPT_NAME (the dashboard may live under a
 * prefix such as /csms/cgi-bin/dashboard). */
void ui_req_init(struct ui_req *r, struct cgi_req *cgi, struct ui_ctx *ctx);

/* The reason phrase of an HTTP status ("Not Found"). */
const char *ui_status_text(int status);

/*
 * Writes "Status:", Content-Type, Content-Length and the security headers
 * every dashboard answer carries (CSP without inline script or style,
 * nosniff, DENY framing, same-origin referrer, no-store).
 */
void ui_write_headers(struct ui_req *r, int status, const char *ctype,
                      size_t length);

/*
 * Adds the variables the page frame (header.tmpl) uses to vl: title, the
 * URLs, which navigation entry is current (nav = "overview",
 * "transactions", "tags" or NULL), the auto-refresh period (0 = none) and
 * the render time.  Returns vl (created when NULL).
 */
TMPL_varlist *ui_frame_vars(struct ui_req *r, TMPL_varlist *vl,
                            const char *title, const char *nav, int refresh);

/*
 * Renders templates_dir/tmpl with vl into memory and sends it; -1 with a
 * file:line message in err and nothing written when the template fails.
 */
int ui_try_render(struct ui_req *r, int status, const char *tmpl,
                  const TMPL_varlist *vl, char *err, size_t errlen);

/*
 * The variables of pager.tmpl: page and pages ("3", "120", with thousands
 * separators), paged when there is more than one page, and first_href,
 * prev_href, next_href, last_href for the pages that exist.  A link is
 * base + path, then "?" + qs (the filters, already encoded; may be "")
 * with "page=N" added for pages after the first.
 */
TMPL_varlist *ui_pager_vars(struct ui_req *r, TMPL_varlist *vl,
                            const char *path, const char *qs, long page,
                            long pages);

/* snprintf into a small buffer and add it as a variable. */
TMPL_varlist *ui_add_fmt(TMPL_varlist *vl, const char *name, const char *fmt,
                         ...) __attribute__((format(printf, 3, 4)));

#endif
