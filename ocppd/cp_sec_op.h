/*
 * cp_sec_op.h — the control ops that set a charge point's credentials:
 * cp_set_password {password} and cp_set_security {profile}
 * (docs/control.md).  Parsed on the event loop, hashed and written by a
 * database worker (crypt costs milliseconds: never on the loop), then
 * applied to the in-memory map the handshake reads and answered back on
 * the loop — so a client that got "ok" connects with the new password.
 */
#ifndef OCPPD_CP_SEC_OP_H
#define OCPPD_CP_SEC_OP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "control.h"
#include "cp_auth.h"
#include "db.h"
#include "handlers.h"

struct cp_sec_op {
	uint64_t client;
	char cp_id[CONTROL_CP_ID_MAX + 1];
	int profile;      /* -1: unchanged */
	int set_password; /* password given (NULL clears) */
	int clear_password;
	char password[CP_PASSWORD_MAX + 1]; /* wiped once hashed */
	/* outcome, filled by cp_sec_op_run */
	int found;
	int new_profile;
	char hash[CP_HASH_MAX + 1];
	char err[160];
};

/* Fills set (initialised, empty) with every registered charge point:
 * id -> struct cp_sec *.  0 ok, -1 on a database error (set then holds
 * part of them: free it with cp_secmap_free). */
int cp_sec_load(struct db *db, struct strmap *set);

/* op is "cp_set_password" or "cp_set_security"; 0 ok, -1 with why
 * ("password: shorter than 8 characters"). */
int cp_sec_op_parse(const struct control_req *r, struct cp_sec_op *out,
                    char *why, size_t whylen);
/* On a database worker inside the batch's transaction. */
enum hres cp_sec_op_run(struct db *db, struct cp_sec_op *op);
/* Worker: a failed run answers the client itself. */
void cp_sec_op_fail(struct cp_sec_op *op, enum hres r);
/* Event loop, after the commit: updates the handshake's map and answers.
 * Frees op. */
void cp_sec_op_apply(struct cp_sec_op *op);
void cp_sec_op_free(struct cp_sec_op *op);

#endif
