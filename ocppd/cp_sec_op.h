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

#include "control.h"

/* The control ops cp_set_password and cp_set_security: checks the
 * request, queues the change, answers r->client (now or once written). */
void cp_sec_request(const struct control_req *r);

#endif
