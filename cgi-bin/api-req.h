/*
 * api-req.h — what every part of the REST API program shares: the process
 * context (config and the one read-only database connection, both set up
 * before the request loop) and the per-request context the handlers get.
 *
 * A handler always answers: on success it writes the response, on failure
 * it has already written the JSON error (api_error & co.), so callers just
 * return.  Handlers never write to fd 1 behind libfcgi's back and never
 * exit().
 */
#ifndef CSMS_API_REQ_H
#define CSMS_API_REQ_H

#include <stdint.h>
#include <stdio.h>

#include "cgi.h"
#include "config.h"
#include "db.h"
#include "param.h"

#ifndef CSMS_VERSION
#define CSMS_VERSION "0.1.0"
#endif

struct api_ctx {
	struct csms_config cfg;
	/* Non-empty when csms.conf could not be loaded: every request then
	 * answers 503 with this text instead of the process dying. */
	char cfg_err[600];
	struct db db;
	int64_t db_used_ms; /* when the last request ran (db idle check) */
};

struct api_req {
	struct cgi_req *cgi;
	struct api_ctx *ctx;
	struct db *db;
	const struct csms_config *cfg;
	/* Where the body goes: req->cgi->out, or a sink for HEAD requests. */
	FILE *out;
	int head_only;
	/* The rest of the path after a route prefix ("CP_1" in /cps/CP_1),
	 * as the web server decoded PATH_INFO; "" for exact routes. */
	const char *arg;
	/* The second '*' segment ("Reset" in /cps/CP_1/commands/Reset). */
	const char *arg2;
	/* The route's methods, for the Allow header of 405 and OPTIONS. */
	const char *allow;
	int64_t now_ms;
	/* Query parameters, a bad one answered as a JSON 400
	 * (api_params_init). */
	struct param_src params;
};

#endif
