/*
 * webctl.h — what the API and the dashboard share when they change
 * something through ocppd's control socket (docs/control.md): who asks,
 * whether an anonymous request may, which actions are charge point
 * commands, and how a control error maps onto an HTTP status.
 *
 * Pure apart from reading the request's environment, so unit-tested
 * (tests/unit/test_api_webctl.c).
 */
#ifndef CSMS_WEBCTL_H
#define CSMS_WEBCTL_H

#include <stddef.h>

#include "cgi.h"

/* The largest request body a state-changing request may carry. */
#define WEBCTL_BODY_MAX (64 * 1024)

/*
 * Whether the deployment requires an authenticated user for changes:
 * CSMS_REQUIRE_AUTH=1 in the request's environment (set by the web
 * server's auth fragment) or in the process's environment.
 */
int webctl_auth_required(const struct cgi_req *req);

/*
 * 0 when the request may change state; -1 when auth is required and the
 * web server authenticated nobody (no or empty REMOTE_USER).
 */
int webctl_may_change(const struct cgi_req *req);

/*
 * Who asked, for the commands history (≤ 100 bytes, as ocppd takes):
 * REMOTE_USER, else "anonymous@REMOTE_ADDR", else "anonymous".
 */
void webctl_requested_by(const struct cgi_req *req, char *buf, size_t len);

/*
 * Whether a state-changing request comes from another site, from the
 * headers a browser sets and a page cannot forge.  An Origin equal to
 * allowed_origin (the configured cors_origin, the one other site the
 * operator trusts; "*" trusts none) is fine; otherwise Sec-Fetch-Site
 * (sent by every current browser) must be "same-origin" or "none" (typed,
 * a bookmark), and Origin, when sent, must name the Host the request was
 * addressed to.  A client that sends neither header (curl, scripts) is
 * not a browser on another site.  0 same site, -1 cross site.
 */
int webctl_cross_site(const char *sec_fetch_site, const char *origin,
                      const char *host, const char *allowed_origin);

/* webctl_cross_site on the request's own headers and allowed_origin. */
int webctl_request_cross_site(const struct cgi_req *req,
                              const char *allowed_origin);

/*
 * Whether a Content-Type is application/json (parameters such as
 * charset allowed, case-insensitive).  1 yes, 0 no or NULL.
 */
int webctl_is_json_type(const char *content_type);

/* An OCPP 1.6 Central System → Charge Point action ocppd can send. */
int webctl_is_command(const char *action);

/* The HTTP status for a control error code (docs/control.md). */
int webctl_http_status(const char *code);

#endif
