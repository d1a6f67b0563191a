/*
 * webctl.c — the web tier's side of the control socket: requester,
 * auth rule, the command list and error → HTTP status (webctl.h).
 */
#include "webctl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl_proto.h"

int webctl_auth_required(const struct cgi_req *req)
{
	const char *v = cgi_getenv(req, "CSMS_REQUIRE_AUTH");
	/* FastCGI passes the web server's setenv per request; a plain CGI
	 * program or a spawned FastCGI process may have it in its own
	 * environment instead. */
	if (!v || !*v)
		v = getenv("CSMS_REQUIRE_AUTH");
	return v && !strcmp(v, "1");
}

int webctl_may_change(const struct cgi_req *req)
{
	if (!webctl_auth_required(req))
		return 0;
	return req->remote_user && *req->remote_user ? 0 : -1;
}

void webctl_requested_by(const struct cgi_req *req, char *buf, size_t len)
{
	if (!len)
		return;
	if (req->remote_user && *req->remote_user)
		snprintf(buf, len, "%.100s", req->remote_user);
	else if (req->remote_addr && *req->remote_addr)
		snprintf(buf, len, "anonymous@%.80s", req->remote_addr);
	else
		snprintf(buf, len, "anonymous");
	/* ocppd refuses control characters nowhere, but the history is
	 * shown on pages and in logs: keep it printable. */
	for (char *p = buf; *p; p++)
		if (iscntrl((unsigned char)*p))
			*p = '?';
}

int webctl_cross_site(const char *sec_fetch_site, const char *origin,
                      const char *host, const char *allowed_origin)
{
	/* The one other site the operator trusts (cors_origin). */
	if (origin && allowed_origin && *allowed_origin &&
	    strcmp(allowed_origin, "*") && !strcmp(origin, allowed_origin))
		return 0;
	if (sec_fetch_site && *sec_fetch_site &&
	    strcmp(sec_fetch_site, "same-origin") &&
	    strcmp(sec_fetch_site, "none"))
		return -1;
	if (!origin || !*origin)
		return 0;
	/* "null" (a sandboxed frame, a file, some redirects) names no
	 * site at all: never this one. */
	const char *authority = strstr(origin, "://");
	if (!authority || !host || !*host)
		return -1;
	authority += 3;
	return strcasecmp(authority, host) ? -1 : 0;
}

int webctl_request_cross_site(const struct cgi_req *req,
                              const char *allowed_origin)
{
	return webctl_cross_site(cgi_getenv(req, "HTTP_SEC_FETCH_SITE"),
	                         cgi_getenv(req, "HTTP_ORIGIN"),
	                         cgi_getenv(req, "HTTP_HOST"), allowed_origin);
}

int webctl_is_json_type(const char *ct)
{
	static const char json[] = "application/json";
	size_t n = sizeof json - 1;
	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, json, n))
		return 0;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return !*ct || *ct == ';';
}

#define COMMAND_NAME(action, symbol) #action,
/* 1.6's and 2.0.1's: ocppd sends the one the station speaks, or refuses
 * a name of the other protocol (cp_protocol). */
static const char *const commands[] = {CTL_COMMANDS(COMMAND_NAME)
                                           CTL_COMMANDS201(COMMAND_NAME) NULL};
#undef COMMAND_NAME

int webctl_is_command(const char *action)
{
	for (int i = 0; action && commands[i]; i++)
		if (!strcmp(action, commands[i]))
			return 1;
	return 0;
}

int webctl_http_status(const char *code)
{
	static const struct {
		const char *code;
		int status;
	} map[] = {
#define ERROR_ROW(name, status) {#name, status},
	    CTL_ERRORS(ERROR_ROW)
#undef ERROR_ROW
	};
	if (!code)
		return CTL_CALLERROR_HTTP_STATUS;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(code, map[i].code))
			return map[i].status;
	/* A charge point's CALLERROR (NotSupported, ...): a bad gateway
	 * answer from the server's point of view. */
	return CTL_CALLERROR_HTTP_STATUS;
}
