/*
 * ui-shared.c — response plumbing of the dashboard: headers, the page
 * frame variables and template rendering into memory.
 */
#include "ui-shared.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "timeutil.h"
#include "ui-format.h"
#include "webrole.h"

/* No inline script or style anywhere: refresh.js and csms.css are files.
 * Inline SVG uses presentation attributes, which CSP does not cover. */
static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

static const char dashboard_suffix[] = "/cgi-bin/dashboard";

void ui_req_init(struct ui_req *r, struct cgi_req *cgi, struct ui_ctx *ctx)
{
	memset(r, 0, sizeof *r);
	r->cgi = cgi;
	r->ctx = ctx;
	r->db = &ctx->db;
	r->now = time_now_ms();
	r->head_only = !strcmp(cgi->method, "HEAD");

	const char *script = cgi_getenv(cgi, "SCRIPT_NAME");
	if (!script || !*script || strlen(script) >= sizeof r->base ||
	    strpbrk(script, "\"'<>\\ "))
		script = dashboard_suffix;
	snprintf(r->base, sizeof r->base, "%s", script);
	/* The static files and the API sit beside the dashboard: keep any
	 * prefix the site mounts us under. */
	size_t len = strlen(script), slen = strlen(dashboard_suffix);
	int prefix = 0;
	if (len >= slen && !strcmp(script + len - slen, dashboard_suffix))
		prefix = (int)(len - slen);
	snprintf(r->static_url, sizeof r->static_url, "%.*s/static", prefix,
	         script);
	snprintf(r->api_url, sizeof r->api_url, "%.*s/cgi-bin/api", prefix,
	         script);
}

const char *ui_status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 303:
		return "See Other";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Error";
	}
}

void ui_write_headers(struct ui_req *r, int status, const char *ctype,
                      size_t length)
{
	FILE *out = r->cgi->out;
	fprintf(out,
	        "Status: %d %s\r\n"
	        "Content-Type: %s\r\n"
	        "Content-Length: %zu\r\n"
	        "Cache-Control: no-store\r\n"
	        "Content-Security-Policy: %s\r\n"
	        "X-Content-Type-Options: nosniff\r\n"
	        "X-Frame-Options: DENY\r\n"
	        "Referrer-Policy: same-origin\r\n",
	        status, ui_status_text(status), ctype, length, csp);
	if (status == 405)
		fputs("Allow: GET, HEAD\r\n", out);
	if (r->location)
		fprintf(out, "Location: %s\r\n", r->location);
	if (r->set_cookie[0])
		fprintf(out, "Set-Cookie: %s\r\n", r->set_cookie);
	if (status == 503)
		fputs("Retry-After: 5\r\n", out);
	fputs("\r\n", out);
}

TMPL_varlist *ui_add_fmt(TMPL_varlist *vl, const char *name, const char *fmt,
                         ...)
{
	/* As long as it takes: a link carries its whole query string. */
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return vl; /* out of memory: the page goes without it */
	vl = TMPL_add_var(vl, name, s, (char *)NULL);
	free(s);
	return vl;
}

static TMPL_varlist *page_link(struct ui_req *r, TMPL_varlist *vl,
                               const char *name, const char *path,
                               const char *qs, long page)
{
	char num[32] = "";
	if (page > 1)
		snprintf(num, sizeof num, "%spage=%ld", *qs ? "&" : "", page);
	return ui_add_fmt(vl, name, "%s%s%s%s%s", r->base, path,
	                  *qs || *num ? "?" : "", qs, num);
}

TMPL_varlist *ui_pager_vars(struct ui_req *r, TMPL_varlist *vl,
                            const char *path, const char *qs, long page,
                            long pages)
{
	char buf[32];
	ui_fmt_count(page, buf, sizeof buf);
	vl = TMPL_add_var(vl, "page", buf, (char *)NULL);
	ui_fmt_count(pages, buf, sizeof buf);
	vl = TMPL_add_var(vl, "pages", buf, (char *)NULL);
	if (pages > 1)
		vl = TMPL_add_var(vl, "paged", "1", (char *)NULL);
	if (page > 1) {
		vl = page_link(r, vl, "first_href", path, qs, 1);
		vl = page_link(r, vl, "prev_href", path, qs, page - 1);
	}
	if (page < pages) {
		vl = page_link(r, vl, "next_href", path, qs, page + 1);
		vl = page_link(r, vl, "last_href", path, qs, pages);
	}
	return vl;
}

TMPL_varlist *ui_frame_vars(struct ui_req *r, TMPL_varlist *vl,
                            const char *title, const char *nav, int refresh)
{
	char when[32];
	ui_fmt_datetime(r->now, when, sizeof when);
	vl = TMPL_add_var(vl, "title", title, "base", r->base, "static",
	                  r->static_url, "api", r->api_url, "generated", when,
	                  "currency", r->ctx->cfg.currency, (char *)NULL);
	/* Pages hide what the role cannot do (the route table refuses it
	 * anyway): can_operate for commands and id tags, can_admin for the
	 * rest. */
	vl = TMPL_add_var(vl, "role", webrole_name(r->role), (char *)NULL);
	if (r->role >= ROLE_OPERATOR)
		vl = TMPL_add_var(vl, "can_operate", "1", (char *)NULL);
	if (r->role >= ROLE_ADMIN)
		vl = TMPL_add_var(vl, "can_admin", "1", (char *)NULL);
	if (nav)
		vl = ui_add_fmt(vl, "nav", "%s", nav);
	if (refresh > 0)
		vl = ui_add_fmt(vl, "refresh", "%d", refresh);
	return vl;
}

int ui_try_render(struct ui_req *r, int status, const char *tmpl,
                  const TMPL_varlist *vl, char *err, size_t errlen)
{
	char path[1024];
	char *body;
	size_t len;
	int n = snprintf(path, sizeof path, "%s/%s", r->ctx->cfg.templates_dir,
	                 tmpl);
	if (n < 0 || (size_t)n >= sizeof path) {
		snprintf(err, errlen, "%s: templates_dir too long", tmpl);
		return -1;
	}
	if (TMPL_render(path, NULL, NULL, vl, NULL, &body, &len, err, errlen))
		return -1;
	ui_write_headers(r, status, "text/html; charset=utf-8", len);
	if (!r->head_only)
		fwrite(body, 1, len, r->cgi->out);
	free(body);
	return 0;
}
