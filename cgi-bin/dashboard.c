/*
 * dashboard.c — entry point of the server-rendered dashboard
 * (/cgi-bin/dashboard), a FastCGI program that also runs as plain CGI.
 *
 * Before the accept loop it loads csms.conf and opens the read-only
 * database connection (a database that is down at start-up is not fatal:
 * each request reconnects).  Each request is matched against the one
 * routing table below; per-route flags are checked here once, so pages
 * only do their own job.  Pages live one per file in ui-*.c.
 */
#include <stdlib.h>
#include <string.h>

#include "cgi.h"
#include "filesweep.h"
#include "log.h"
#include "timeutil.h"
#include "tmpl.h"
#include "ui-accounts.h"
#include "ui-approvals.h"
#include "ui-security-events.h"
#include "ui-refused.h"
#include "ui-chargepoint.h"
#include "ui-command.h"
#include "ui-cplife.h"
#include "ui-devmodel.h"
#include "ui-error.h"
#include "ui-firmware.h"
#include "ui-log.h"
#include "ui-overview.h"
#include "ui-shared.h"
#include "ui-bulk.h"
#include "ui-bulkjob.h"
#include "ui-group.h"
#include "ui-groups.h"
#include "ui-site.h"
#include "ui-sites.h"
#include "ui-tagedit.h"
#include "ui-tags.h"
#include "ui-receipt.h"
#include "ui-tariffs.h"
#include "ui-transaction.h"
#include "ui-transactions.h"
#include "ui-webhooks.h"
#include "webctl.h"
#include "webdb.h"
#include "webrole.h"

enum route_flags {
	ROUTE_PREFIX = 1, /* path starts with `path`; the rest is the arg */
	ROUTE_DB = 2,     /* needs a working database connection */
	ROUTE_POST = 4,   /* answers POST (a form, ui-post.h) instead of GET */
};

struct route {
	const char *path;
	int flags;
	void (*page)(struct ui_req *r, const char *arg);
	/* The role (webrole.h) the route needs.  Unset (0): a page needs
	 * ROLE_VIEWER, a form (ROUTE_POST) ROLE_ADMIN — a new form fails
	 * closed until its row names a lower role. */
	int role;
};

/* A row leaves out the role it does not lower or raise: unset is the
 * default, on purpose. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct route routes[] = {
    {"/", ROUTE_DB, ui_overview},
    /* "/cp/" + id + "/log": a '*' stands for one path segment. */
    {"/cp/*/log", ROUTE_DB, ui_log},
    {"/cp/*/variables", ROUTE_DB, ui_devmodel},
    {"/cp/*/log-level", ROUTE_POST, ui_log_level, ROLE_OPERATOR},
    {"/cp/*/firmware", ROUTE_POST | ROUTE_DB, ui_cp_firmware_post,
     ROLE_OPERATOR},
    {"/cp/", ROUTE_PREFIX | ROUTE_DB, ui_chargepoint},
    {"/transactions", ROUTE_DB, ui_transactions},
    {"/transactions/", ROUTE_PREFIX | ROUTE_DB, ui_transaction},
    {"/receipts/", ROUTE_PREFIX | ROUTE_DB, ui_receipt},
    {"/tariffs", ROUTE_DB, ui_tariffs},
    {"/tags", ROUTE_DB, ui_tags},
    {"/webhooks", ROUTE_DB, ui_webhooks, ROLE_ADMIN},
    {"/approvals", ROUTE_DB, ui_approvals},
    {"/security-events", ROUTE_DB, ui_security_events},
    {"/firmware", ROUTE_DB, ui_firmware},
    {"/firmware", ROUTE_POST, ui_firmware_post},
    {"/firmware/*/delete", ROUTE_POST, ui_firmware_delete_post, ROLE_ADMIN},
    {"/refused", 0, ui_refused},
    {"/sites", ROUTE_DB, ui_sites},
    {"/sites/", ROUTE_PREFIX | ROUTE_DB, ui_site},
    {"/groups", ROUTE_DB, ui_groups},
    {"/groups/", ROUTE_PREFIX | ROUTE_DB, ui_group},
    {"/bulk-jobs", ROUTE_DB, ui_bulk_jobs},
    {"/bulk-jobs/", ROUTE_PREFIX | ROUTE_DB, ui_bulk_job},
    /* Changes go to ocppd, not the (read-only) database. */
    {"/cp/", ROUTE_PREFIX | ROUTE_POST, ui_cp_command, ROLE_OPERATOR},
    {"/tags/edit", ROUTE_POST, ui_tag_edit, ROLE_OPERATOR},
    {"/tags/import", ROUTE_POST, ui_tag_import, ROLE_OPERATOR},
    {"/approvals", ROUTE_POST, ui_approval_post, ROLE_ADMIN},
    {"/sites", ROUTE_POST, ui_sites_post},
    {"/tariffs", ROUTE_POST, ui_tariffs_post},
    {"/sites/", ROUTE_PREFIX | ROUTE_POST, ui_site_post},
    {"/cp-life", ROUTE_POST, ui_cplife_post},
    {"/groups", ROUTE_POST, ui_groups_post},
    {"/groups/", ROUTE_PREFIX | ROUTE_POST, ui_group_post},
    {"/bulk", ROUTE_POST, ui_bulk_post, ROLE_OPERATOR},
    {"/bulk-jobs/", ROUTE_PREFIX | ROUTE_POST, ui_bulk_job_post, ROLE_OPERATOR},
    {"/accounts", ROUTE_DB, ui_accounts, ROLE_ADMIN},
    {"/accounts", ROUTE_POST, ui_accounts_post, ROLE_ADMIN},
    {"/audit", ROUTE_DB, ui_audit, ROLE_ADMIN},
};
#pragma GCC diagnostic pop

struct app {
	struct ui_ctx ui;
	int config_ok;
	char config_err[512];
	int64_t db_used_ms; /* when the last request ran (webdb.h) */
};

/* A '*' segment's value (no '/'), for the routes that have one. */
static char star_arg[512];

static int match(const struct route *rt, const char *path, const char **arg)
{
	const char *star = strchr(rt->path, '*');
	if (star) {
		size_t pre = (size_t)(star - rt->path), suf = strlen(star + 1);
		size_t len = strlen(path);
		if (len <= pre + suf || strncmp(path, rt->path, pre) ||
		    strcmp(path + len - suf, star + 1) ||
		    len - pre - suf >= sizeof star_arg ||
		    memchr(path + pre, '/', len - pre - suf))
			return 0;
		memcpy(star_arg, path + pre, len - pre - suf);
		star_arg[len - pre - suf] = '\0';
		*arg = star_arg;
		return 1;
	}
	size_t n = strlen(rt->path);
	if (rt->flags & ROUTE_PREFIX) {
		if (strncmp(path, rt->path, n) || !path[n])
			return 0;
		*arg = path + n;
		return 1;
	}
	if (strcmp(path, rt->path))
		return 0;
	*arg = "";
	return 1;
}

/* The route for path and method; *other is set when the path exists
 * for the other method only (405). */
static const struct route *find_route(const char *path, int post,
                                      const char **arg, int *other)
{
	const char *ignored;
	*other = 0;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		if (!(rt->flags & ROUTE_POST) != !post) {
			if (match(rt, path, &ignored))
				*other = 1;
			continue;
		}
		if (match(rt, path, arg))
			return rt;
	}
	return NULL;
}

/* The one place the dashboard decides who may: the request's role
 * against the route's; when not, the error page is sent. */
static int role_ok(struct ui_req *r, const struct route *rt, int post,
                   struct app *app)
{
	int need = rt->role ? rt->role : post ? ROLE_ADMIN : ROLE_VIEWER;
	if (r->cgi->remote_user && *r->cgi->remote_user &&
	    !(rt->flags & ROUTE_DB) &&
	    webdb_ready(r->db, r->now, &app->db_used_ms)) {
		ui_db_error(r, "database");
		return 0;
	}
	r->role = webrole_of(r->db, &app->ui.cfg, r->cgi);
	if (r->role < 0) {
		r->role = ROLE_NONE;
		ui_db_error(r, "accounts");
		return 0;
	}
	if (r->role >= need)
		return 1;
	if (post && webctl_may_change(r->cgi))
		ui_error(r, 401, "Not signed in",
		         "Changes need an authenticated user on this "
		         "dashboard.");
	else if (r->role == ROLE_NONE)
		ui_error(r, 403, "Not allowed",
		         "Your login has no access to this dashboard. An "
		         "administrator can give it a role (Accounts).");
	else
		ui_error(r, 403, "Not allowed",
		         post ? "Your role may not make this change. Nothing "
		                "was changed."
		              : "Your role may not see this page.");
	return 0;
}

static void handle(struct cgi_req *cgi, void *p)
{
	struct app *app = p;
	struct ui_req r;
	char path[512];
	const char *arg;

	ui_req_init(&r, cgi, &app->ui);
	ui_params_init(&r);
	if (!app->config_ok) {
		log_error("dashboard: %s", app->config_err);
		ui_error(&r, 503, "Configuration error",
		         "The dashboard cannot read its configuration. The "
		         "details are in the server log.");
		return;
	}
	int post = !strcmp(cgi->method, "POST");
	if (!post && strcmp(cgi->method, "GET") &&
	    strcmp(cgi->method, "HEAD")) {
		ui_error(&r, 405, "Method not allowed",
		         "The dashboard answers GET, HEAD and form POSTs.");
		return;
	}
	if (cgi->params_refused) {
		ui_error(&r, 400, "Bad request",
		         cgi->params_refused == CGI_QUERY_NUL
		             ? "A query parameter contains %00 (NUL)."
		             : "Too many query parameters.");
		return;
	}
	/* "" and "/" are the overview; one trailing slash is forgiven. */
	size_t len = strlen(cgi->path);
	if (len >= sizeof path) {
		ui_error(&r, 404, "Page not found", "There is no such page.");
		return;
	}
	memcpy(path, cgi->path, len + 1);
	if (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	if (!len)
		strcpy(path, "/");

	int other;
	const struct route *rt = find_route(path, post, &arg, &other);
	if (!rt && other) {
		ui_error(&r, 405, "Method not allowed",
		         post ? "This page cannot take a form."
		              : "This address only takes a form (POST).");
		return;
	}
	if (!rt) {
		ui_error(&r, 404, "Page not found",
		         "There is no such page on this dashboard.");
		return;
	}
	if ((rt->flags & ROUTE_DB) &&
	    webdb_ready(r.db, r.now, &app->db_used_ms)) {
		ui_db_error(&r, "database");
		return;
	}
	if (!role_ok(&r, rt, post, app))
		return;
	rt->page(&r, arg);
	/* Files whose rows expired (files_retention_days): this program
	 * can write files_dir and read the rows (filesweep.h). */
	if (rt->flags & ROUTE_DB)
		filesweep_maybe(r.db, app->ui.cfg.files_dir, r.now);
	log_debug("dashboard: %s %s?%s in %lld ms", cgi->method, cgi->path,
	          cgi->query, (long long)(time_now_ms() - r.now));
}

int main(void)
{
	static struct app app;
	char err[512];

	log_open("info", "", err, sizeof err);
	/* A config named explicitly ($CSMS_CONF) must exist (as for the
	 * API). */
	const char *env = getenv("CSMS_CONF");
	if (config_load(&app.ui.cfg, config_default_path(NULL), env && *env,
	                app.config_err, sizeof app.config_err)) {
		/* Keep serving: every request gets a clear 503 page (as the
		 * API answers 503 config_error) instead of a worker that dies
		 * and is respawned in a loop. */
		log_error("dashboard: %s", app.config_err);
	} else {
		app.config_ok = 1;
		log_close();
		if (log_open(app.ui.cfg.log_level, "", err, sizeof err))
			log_open("info", "", err, sizeof err);
		if (db_connect(&app.ui.db, &app.ui.cfg, 1))
			log_warn("dashboard: database: %s (will retry)",
			         db_error(&app.ui.db));
	}
	int rc = cgi_main_loop(handle, &app);
	db_close(&app.ui.db);
	TMPL_clear_cache();
	log_close();
	return rc ? 1 : 0;
}
