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

#include "api-accounts.h"
#include "api-bulk.h"
#include "api-chargepoints.h"
#include "api-charging-profiles.h"
#include "api-commands.h"
#include "api-startstop.h"
#include "api-cplife.h"
#include "api-health.h"
#include "api-json.h"
#include "api-load.h"
#include "api-local-lists.h"
#include "api-log.h"
#include "api-openapi.h"
#include "api-registration.h"
#include "api-reservations.h"
#include "api-security-events.h"
#include "api-events.h"
#include "api-certificates.h"
#include "api-variables.h"
#include "api-sites.h"
#include "api-tariffs.h"
#include "api-stats.h"
#include "api-transactions.h"
#include "api-tags.h"
#include "api-files.h"
#include "api-users.h"
#include "api-webhooks.h"
#include "api-req.h"
#include "log.h"
#include "timeutil.h"
#include "webctl.h"
#include "webdb.h"
#include "webrole.h"

enum {
	M_GET = 1, /* and HEAD */
	M_POST = 2,
	M_PUT = 4,
	M_DELETE = 8,
};

/* A route's read role that lets everyone in, even role none. */
#define OPEN 100

/* A row leaves out the roles it does not lower or raise: unset is the
 * default, on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route {
	/* Segments separated by '/'; a "*" segment matches one non-empty
	 * segment, handed to the handler as r->arg (then r->arg2). */
	const char *path;
	int methods;
	void (*fn)(struct api_req *r);
	/* The role (webrole.h) POST, PUT and DELETE need; unset (0) is
	 * ROLE_ADMIN, so a new route that changes state fails closed until
	 * its row names a lower role. */
	int write;
	/* The role GET and HEAD need; unset (0) is ROLE_VIEWER, OPEN none. */
	int read;
} routes[] = {
    {"/", M_GET, api_index},
    {"/cps", M_GET, api_cps_list},
    {"/cps/*", M_GET | M_DELETE, api_cp_route, ROLE_ADMIN},
    {"/cps/*/commands", M_GET, api_commands_list},
    {"/cps/*/commands/*", M_POST, api_command_send, ROLE_OPERATOR},
    {"/cps/*/start", M_POST, api_cp_start, ROLE_OPERATOR},
    {"/cps/*/stop", M_POST, api_cp_stop, ROLE_OPERATOR},
    {"/cps/*/log", M_GET, api_log_list},
    {"/cps/*/log.csv", M_GET, api_log_csv},
    {"/cps/*/log.ndjson", M_GET, api_log_ndjson},
    {"/cps/*/log-level", M_GET | M_PUT, api_log_level, ROLE_OPERATOR},
    {"/cps/*/boot-answer", M_PUT, api_boot_answer, ROLE_ADMIN},
    {"/cps/*/charging-profiles", M_GET, api_cp_charging_profiles},
    {"/cps/*/security-events", M_GET, api_cp_security_events},
    {"/cps/*/events", M_GET, api_cp_events},
    {"/cps/*/files", M_GET, api_cp_files},
    {"/firmware", M_GET, api_firmware_list},
    {"/files/*/content", M_GET, api_file_content},
    {"/cps/*/certificates", M_GET, api_cp_certificates},
    {"/cps/*/variables", M_GET, api_cp_variables},
    {"/cps/*/composite-schedule", M_GET, api_cp_composite_schedule},
    {"/cps/*/site", M_PUT, api_cp_site, ROLE_ADMIN},
    {"/cps/*/retired", M_PUT, api_cp_retired, ROLE_ADMIN},
    {"/cps/*/notes", M_PUT, api_cp_notes, ROLE_ADMIN},
    {"/cps/*/load", M_GET | M_PUT, api_cp_load, ROLE_ADMIN},
    {"/sites/*/load", M_GET, api_site_load},
    {"/sites", M_GET | M_POST, api_sites_route, ROLE_ADMIN},
    {"/sites/*", M_GET | M_PUT | M_DELETE, api_site_route, ROLE_ADMIN},
    {"/groups", M_GET | M_POST, api_groups_route, ROLE_ADMIN},
    {"/groups/*", M_PUT | M_DELETE, api_group_route, ROLE_ADMIN},
    {"/groups/*/members/*", M_PUT | M_DELETE, api_group_member, ROLE_ADMIN},
    {"/sites/*/commands/*", M_POST, api_site_bulk, ROLE_OPERATOR},
    {"/groups/*/commands/*", M_POST, api_group_bulk, ROLE_OPERATOR},
    {"/bulk-jobs", M_GET, api_bulk_list},
    {"/bulk-jobs/*", M_GET, api_bulk_one},
    {"/bulk-jobs/*/cancel", M_POST, api_bulk_cancel, ROLE_OPERATOR},
    {"/bulk-jobs/*/resume", M_POST, api_bulk_resume, ROLE_OPERATOR},
    {"/commands/*", M_GET, api_command_one},
    {"/connectors/*", M_GET, api_connectors},
    {"/transactions", M_GET, api_tx_list},
    {"/transactions.csv", M_GET, api_tx_csv},
    {"/transactions/*", M_GET, api_tx_one},
    {"/transactions/*/meter-values", M_GET, api_tx_meter_values},
    {"/transactions/*/meter-values.csv", M_GET, api_tx_meter_values_csv},
    {"/local-lists", M_GET, api_local_lists},
    {"/charging-profiles", M_GET, api_charging_profiles_list},
    {"/security-events", M_GET, api_security_events},
    {"/registrations", M_GET, api_registrations_list},
    {"/reservations", M_GET, api_reservations_list},
    {"/reservations/*", M_GET, api_reservation_one},
    {"/users", M_GET | M_POST, api_users_route, ROLE_OPERATOR},
    {"/tags.csv", M_GET | M_POST, api_tags_csv, ROLE_OPERATOR},
    {"/connection-attempts", M_GET, api_connection_attempts},
    {"/users/*", M_PUT | M_DELETE, api_user_route, ROLE_OPERATOR},
    {"/tariffs", M_GET | M_POST, api_tariffs_route, ROLE_ADMIN},
    {"/tariffs/*", M_GET | M_PUT | M_DELETE, api_tariff_route, ROLE_ADMIN},
    {"/tariffs/*/assignments", M_POST, api_tariff_assignments, ROLE_ADMIN},
    {"/tariffs/*/assignments/*", M_DELETE, api_tariff_assignment, ROLE_ADMIN},
    {"/costs", M_GET, api_costs},
    {"/webhooks", M_GET | M_POST, api_webhooks_route, ROLE_ADMIN, ROLE_ADMIN},
    {"/webhooks/*", M_PUT | M_DELETE, api_webhook_route, ROLE_ADMIN},
    {"/webhooks/*/deliveries", M_GET, api_webhook_deliveries, 0, ROLE_ADMIN},
    {"/accounts", M_GET | M_POST, api_accounts_route, ROLE_ADMIN, ROLE_ADMIN},
    {"/accounts/*", M_PUT | M_DELETE, api_account_route, ROLE_ADMIN},
    {"/audit", M_GET, api_audit, 0, ROLE_ADMIN},
    {"/stats", M_GET, api_stats},
    {"/metrics", M_GET, api_metrics},
    {"/health", M_GET, api_health, 0, OPEN},
    {"/openapi.json", M_GET, api_openapi, 0, OPEN},
    {"/docs", M_GET, api_docs, 0, OPEN},
};
#pragma GCC diagnostic pop

/* Matches path against pattern; the '*' segments are copied into
 * args (NUL-separated storage in buf). */
static int match(const char *pattern, const char *path, char *buf,
                 size_t buflen, const char **args, int maxargs)
{
	int nargs = 0;
	size_t used = 0;
	if (!strcmp(pattern, "/"))
		return !strcmp(path, "/");
	while (*pattern == '/' && *path == '/') {
		pattern++;
		path++;
		size_t pl = strcspn(pattern, "/"), sl = strcspn(path, "/");
		if (pl == 1 && *pattern == '*') {
			if (!sl || nargs == maxargs || used + sl + 1 > buflen)
				return 0;
			memcpy(buf + used, path, sl);
			buf[used + sl] = '\0';
			args[nargs++] = buf + used;
			used += sl + 1;
		} else if (pl != sl || strncmp(pattern, path, pl)) {
			return 0;
		}
		pattern += pl;
		path += sl;
	}
	return !*pattern && !*path;
}

static const struct route *find_route(const char *path, char *buf,
                                      size_t buflen, const char **args)
{
	char norm[512];
	size_t n = strlen(path);
	/* "" is the root; "/cps/" is "/cps". */
	if (n >= sizeof norm)
		return NULL;
	memcpy(norm, n ? path : "/", n ? n + 1 : 2);
	n = strlen(norm);
	if (n > 1 && norm[n - 1] == '/')
		norm[--n] = '\0';
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (match(routes[i].path, norm, buf, buflen, args, 2))
			return &routes[i];
	return NULL;
}

static const char *allow_header(int methods)
{
	switch (methods) {
	case M_POST:
		return "POST, OPTIONS";
	case M_GET | M_POST:
		return "GET, HEAD, POST, OPTIONS";
	case M_PUT | M_DELETE:
		return "PUT, DELETE, OPTIONS";
	case M_GET | M_PUT:
		return "GET, HEAD, PUT, OPTIONS";
	case M_PUT:
		return "PUT, OPTIONS";
	case M_GET | M_DELETE:
		return "GET, HEAD, DELETE, OPTIONS";
	case M_GET | M_PUT | M_DELETE:
		return "GET, HEAD, PUT, DELETE, OPTIONS";
	default:
		return "GET, HEAD, OPTIONS";
	}
}

static int method_bit(const char *m)
{
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
		return M_GET;
	if (!strcmp(m, "POST"))
		return M_POST;
	if (!strcmp(m, "PUT"))
		return M_PUT;
	if (!strcmp(m, "DELETE"))
		return M_DELETE;
	return 0;
}

/* Whether the request's role may use rt with its method (the one place
 * the API decides); when not, the error is written. */
static int role_ok(struct api_req *r, const struct route *rt)
{
	int write = method_bit(r->cgi->method) != M_GET;
	int need = write ? (rt->write ? rt->write : ROLE_ADMIN)
	                 : (rt->read == OPEN ? ROLE_NONE
	                    : rt->read       ? rt->read
	                                     : ROLE_VIEWER);
	/* A command's own role may be higher than the route's. */
	if (write && rt->fn == api_command_send &&
	    webrole_for_command(r->arg2) > need)
		need = webrole_for_command(r->arg2);
	if (need == ROLE_NONE)
		return 1;
	webdb_check_idle(r->db, r->now_ms, &r->ctx->db_used_ms);
	int role = webrole_of(r->db, r->cfg, r->cgi);
	if (role < 0) {
		api_db_error(r);
		return 0;
	}
	if (role >= need)
		return 1;
	if (write && webctl_may_change(r->cgi))
		api_error(r, 401, "unauthorized",
		          "this deployment requires an authenticated user to "
		          "change anything");
	else
		api_error(r, 403, "forbidden",
		          "%s %s needs the %s role (yours: %s)", r->cgi->method,
		          rt->path, webrole_name(need), webrole_name(role));
	return 0;
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
	api_params_init(&r);
	if (!strcmp(req->method, "HEAD")) {
		sink = fopencookie(NULL, "w",
		                   (cookie_io_functions_t){.write = discard});
		if (sink) {
			r.out = sink;
			r.head_only = 1;
		}
	}
	char argbuf[512];
	const char *args[2] = {"", ""};
	const struct route *rt =
	    find_route(req->path, argbuf, sizeof argbuf, args);
	r.arg = args[0];
	r.arg2 = args[1];
	r.allow = allow_header(rt ? rt->methods : M_GET);
	char allow[200];
	if (!rt)
		api_error(&r, 404, "not_found", "no such endpoint: %.200s",
		          req->path);
	else if (!strcmp(req->method, "OPTIONS"))
		/* CORS preflight (api_headers adds the origin when on). */
		snprintf(allow, sizeof allow,
		         "Allow: %s\r\n"
		         "Access-Control-Allow-Methods: %s\r\n"
		         "Access-Control-Allow-Headers: Accept, "
		         "If-None-Match, Content-Type\r\n"
		         "Access-Control-Max-Age: 600\r\n",
		         r.allow, r.allow),
		    api_headers(&r, 204, NULL, API_NO_STORE, allow);
	else if (!(method_bit(req->method) & rt->methods))
		api_error(&r, 405, "method_not_allowed",
		          "%.20s is not allowed here (allowed: %s)",
		          req->method, r.allow);
	else if (req->params_refused)
		api_error(&r, 400, "invalid_parameter",
		          "query: %s (at most %d)",
		          cgi_query_why(req->params_refused), CGI_MAX_PARAMS);
	else if (ctx->cfg_err[0])
		api_error(&r, 503, "config_error", "%s", ctx->cfg_err);
	else if (!role_ok(&r, rt))
		; /* answered */
	else {
		/* Not webdb_ready: /health, /openapi.json and /docs answer
		 * without the database, and a route that needs it answers
		 * 503 from its first query (api_db_error). */
		webdb_check_idle(&ctx->db, r.now_ms, &ctx->db_used_ms);
		rt->fn(&r);
	}
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
