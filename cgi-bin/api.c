/*
 * api.c — the REST API program: start-up, and the one routing table.
 *
 * Start-up loads csms.conf and opens the read-only database connection
 * once, before the request loop, so a FastCGI process pays for them once.
 * Neither failure stops the process: a broken config answers every
 * request with a 503 naming the problem, and a database that is down is
 * retried on each request (503 database_unavailable until it is back).
 *
 * Per request, the table below maps the path to a handler; the checks
 * every route shares (method, config, too many parameters) happen here
 * once, so handlers only do their own work.  The database is not checked
 * here: a handler validates its parameters first (a bad one is a 400
 * whatever the database's state), and its first query reconnects or
 * fails into a 503 (api_db_error).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "api-chargepoints.h"
#include "api-health.h"
#include "api-json.h"
#include "api-openapi.h"
#include "api-stats.h"
#include "api-transactions.h"
#include "api-users.h"
#include "api.h"
#include "log.h"
#include "timeutil.h"

static const struct route {
	/* An exact path, or a prefix ending in '/' followed by one
	 * segment, which the handler gets as r->arg. */
	const char *path;
	void (*fn)(struct api_req *r);
} routes[] = {
    {"/", api_index},
    {"/cps", api_cps_list},
    {"/cps/", api_cps_one},
    {"/connectors/", api_connectors},
    {"/transactions", api_tx_list},
    {"/transactions.csv", api_tx_csv},
    {"/transactions/", api_tx_one},
    {"/users", api_users},
    {"/stats", api_stats},
    {"/metrics", api_metrics},
    {"/health", api_health},
    {"/openapi.json", api_openapi},
    {"/docs", api_docs},
};

static const struct route *find_route(const char *path, const char **arg)
{
	char norm[256];
	size_t n = strlen(path);
	/* "" is the root; "/cps/" is "/cps". */
	if (n == 0 || n >= sizeof norm)
		path = n ? "" : "/";
	n = strlen(path);
	memcpy(norm, path, n + 1);
	if (n > 1 && norm[n - 1] == '/')
		norm[--n] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const char *rp = routes[i].path;
		size_t len = strlen(rp);
		if (len > 1 && rp[len - 1] == '/') {
			if (!strncmp(path, rp, len) && path[len] &&
			    !strchr(path + len, '/')) {
				*arg = path + len;
				return &routes[i];
			}
		} else if (!strcmp(norm, rp)) {
			*arg = "";
			return &routes[i];
		}
	}
	return NULL;
}

/* HEAD: handlers write their body as for GET, into nothing. */
static ssize_t discard(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

static void handle(struct cgi_req *req, void *arg)
{
	struct api_ctx *ctx = arg;
	struct api_req r = {
	    .cgi = req,
	    .ctx = ctx,
	    .db = &ctx->db,
	    .cfg = &ctx->cfg,
	    .out = req->out,
	    .now_ms = time_now_ms(),
	};
	FILE *sink = NULL;
	if (!strcmp(req->method, "HEAD")) {
		sink = fopencookie(NULL, "w",
		                   (cookie_io_functions_t){.write = discard});
		if (sink) {
			r.out = sink;
			r.head_only = 1;
		}
	}
	const char *path_arg = "";
	const struct route *rt = find_route(req->path, &path_arg);
	r.arg = path_arg;
	if (!rt)
		api_error(&r, 404, "not_found", "no such endpoint: %.200s",
		          req->path);
	else if (!strcmp(req->method, "OPTIONS"))
		/* CORS preflight (api_headers adds the origin when on). */
		api_headers(
		    &r, 204, NULL, API_NO_STORE,
		    "Allow: GET, HEAD, OPTIONS\r\n"
		    "Access-Control-Allow-Methods: GET, HEAD, OPTIONS\r\n"
		    "Access-Control-Allow-Headers: Accept, "
		    "If-None-Match\r\n"
		    "Access-Control-Max-Age: 600\r\n");
	else if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD"))
		api_error(&r, 405, "method_not_allowed",
		          "%.20s is not allowed here: this API only reads",
		          req->method);
	else if (req->params_truncated)
		api_error(&r, 400, "invalid_parameter",
		          "more than %d query parameters", CGI_MAX_PARAMS);
	else if (ctx->cfg_err[0])
		api_error(&r, 503, "config_error", "%s", ctx->cfg_err);
	else
		rt->fn(&r);
	if (r.db->in_tx)
		db_rollback(r.db);
	if (sink)
		fclose(sink);
}

int main(void)
{
	static struct api_ctx ctx;
	char err[512];
	/* A client that hangs up must not kill a FastCGI worker. */
	signal(SIGPIPE, SIG_IGN);
	log_open("info", "", err, sizeof err);
	/* A config named explicitly ($CSMS_CONF) must exist. */
	const char *env = getenv("CSMS_CONF");
	if (config_load(&ctx.cfg, config_default_path(NULL), env && *env, err,
	                sizeof err)) {
		snprintf(ctx.cfg_err, sizeof ctx.cfg_err, "configuration: %s",
		         err);
		log_error("api: %s", ctx.cfg_err);
	} else {
		log_open(ctx.cfg.log_level, "", err, sizeof err);
		if (db_connect(&ctx.db, &ctx.cfg, 1))
			log_warn("api: database: %s (retried per request)",
			         db_error(&ctx.db));
	}
	int rc = cgi_main_loop(handle, &ctx);
	db_close(&ctx.db);
	return rc ? 1 : 0;
}
