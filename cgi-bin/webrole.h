/*
 * webrole.h — who may do what on the dashboard and the API
 * (docs/security.md, "Accounts and roles").
 *
 * The web server authenticates (Basic, Digest, client certificates, SSO in
 * front); csms-c maps the REMOTE_USER it passes to an account in web_users
 * and so to a role.  A user without an account gets web_default_role
 * (csms.conf; "none" refuses them).  A request without any REMOTE_USER
 * gets web_anonymous_role where no user is required (the local, anonymous
 * setup), and viewer where one is (its changes are refused with 401 as
 * before).  The routing tables (api.c, dashboard.c) name the role each
 * route needs and check it before the handler runs: the one place that
 * decides.
 */
#ifndef CSMS_WEBROLE_H
#define CSMS_WEBROLE_H

#include "cgi.h"
#include "config.h"
#include "db.h"

/* Ordered: a role may do all that a lower one may. */
enum web_role {
	ROLE_NONE = 0,
	ROLE_VIEWER = 1,
	ROLE_OPERATOR = 2,
	ROLE_ADMIN = 3,
};

/* "none", "viewer", "operator", "admin" → the role; -1 for anything else. */
int webrole_parse(const char *name);
const char *webrole_name(int role);

/* The role sending the OCPP command action to a charge point needs:
 * operator, but admin for what changes whom the charge point trusts (its
 * root certificates). */
int webrole_for_command(const char *action);

/*
 * The request's role: 0..3, or -1 when web_users could not be read (the
 * caller answers 503: a role is never guessed).  The account is looked up
 * only for a request with a REMOTE_USER.
 */
int webrole_of(struct db *db, const struct csms_config *cfg,
               const struct cgi_req *req);

#endif
