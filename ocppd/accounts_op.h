/*
 * accounts_op.h — account_set and account_delete: the web accounts and
 * their roles (web_users, sql/026; docs/security.md, "Accounts and
 * roles").  The web tier reads the table; only ocppd writes it, each
 * change with its audit row in the same transaction.
 *
 *   account_set    {"user": "alice", "role": "viewer|operator|admin"}
 *                  → {"user", "role", "created": bool}
 *   account_delete {"user": "alice"} → {"user", "deleted": true}
 *                  (not_found when there is no such account)
 */
#ifndef OCPPD_ACCOUNTS_OP_H
#define OCPPD_ACCOUNTS_OP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "control.h"

#define ACCOUNT_USER_MAX 100 /* characters, as REMOTE_USER is recorded */

struct account_op {
	int del; /* account_delete */
	char user[ACCOUNT_USER_MAX * 4 + 1];
	char role[16];
};

/* Checks op's params into *a: 0, or -1 with why ("field: ..."). */
int account_op_parse(const char *op, const cJSON *params, struct account_op *a,
                     char *why, size_t whylen);

/* The control op (ctl_ops.c's table). */
void accounts_request(const struct control_req *r);

#endif
