/*
 * audit.h — who changed what and when: the audit table (sql/026).
 *
 * Two ways in.  An op that writes its change in a job of its own may add
 * the audit row in the same transaction (audit_write; accounts_op.c does).
 * Every other state-changing control request is recorded once ocppd
 * answered it ok: audit_begin remembers the request when it arrives, and
 * the control socket's answer hook writes the row in a job of its own
 * (after the change's COMMIT; a crash between the two loses the row, never
 * the change).  That way a new op is audited without touching this file;
 * the reads (status, cps, connection_attempts) and the load manager's
 * automatic profiles are not recorded.
 */
#ifndef OCPPD_AUDIT_H
#define OCPPD_AUDIT_H

#include "control.h"
#include "db.h"

/* The kind an op is filed under (tag, tariff, site, approval, command,
 * account, webhook, credentials, config, node, bulk); NULL for a read. */
const char *audit_kind(const char *op);

/* One audit row now, in db's transaction: 0, or -1 on a database error. */
int audit_write(struct db *db, const char *who, const char *kind,
                const char *op, const char *subject, const char *detail);

/* What a request changes, for the detail column: params printed, with
 * every member whose name holds "password", "secret", "auth_key" or
 * "AuthorizationKey" (and ChangeConfiguration's value of such a key)
 * replaced by "***".  malloc'd, NULL when out of memory. */
char *audit_detail(const cJSON *params);

/* Remembers r until its answer (event loop); ops that audit themselves
 * (audit_write) and reads are skipped.  ctl_ops_init installs the hook. */
void audit_begin(const struct control_req *r);
void audit_install(void);

#endif
