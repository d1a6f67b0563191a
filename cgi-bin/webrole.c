/*
 * webrole.c — a request's role; see webrole.h.
 */
#include "webrole.h"

#include <string.h>

#include "webctl.h"

static const char *const names[] = {"none", "viewer", "operator", "admin"};

int webrole_parse(const char *name)
{
	for (int i = 0; name && i < 4; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *webrole_name(int role)
{
	return role >= 0 && role < 4 ? names[role] : "none";
}

/* A configured role; an unreadable one (config.c checks the choices, so
 * only a bug) refuses. */
static int configured(const char *name)
{
	int r = webrole_parse(name);
	return r < 0 ? ROLE_NONE : r;
}

int webrole_of(struct db *db, const struct csms_config *cfg,
               const struct cgi_req *req)
{
	if (!req->remote_user || !*req->remote_user)
		return webctl_auth_required(req)
		           ? ROLE_VIEWER
		           : configured(cfg->web_anonymous_role);
	struct db_rows rows;
	if (db_query(db, &rows, "SELECT role FROM web_users WHERE user = ?",
	             "s", req->remote_user))
		return -1;
	int rc = db_next(&rows), role = ROLE_NONE;
	if (rc == 1)
		role = configured(db_str(&rows, 0));
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	return rc == 1 ? role : configured(cfg->web_default_role);
}

int webrole_for_command(const char *action)
{
	static const char *const admin_only[] = {"InstallCertificate",
	                                         "DeleteCertificate"};
	for (size_t i = 0; i < sizeof admin_only / sizeof *admin_only; i++)
		if (action && !strcmp(action, admin_only[i]))
			return ROLE_ADMIN;
	return ROLE_OPERATOR;
}
