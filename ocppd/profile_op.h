/*
 * profile_op.h — cp_raise_profile (docs/certificates.md, "Raising a
 * charge point's security profile"): the Security Whitepaper's way up
 * from one profile to a higher one.  ocppd first checks what the new
 * profile needs — a password for 1 and 2, an issued client certificate
 * the charge point accepted for 3, and a listener that can carry it
 * (TLS for 2 and 3, tls_ca or a trusted TLS proxy for 3) — and refuses
 * with the reason when something is missing.  Then it sends
 * ChangeConfiguration SecurityProfile and, once the charge point answered
 * Accepted, stores the new profile as pending (cp_set_security pending):
 * the old one stays good until the charge point's first connection with
 * the new one, which makes it final (profile_pending.h, the whitepaper's
 * fallback).  One that refused keeps its profile.
 *
 * The check is a database job; the two steps wait for the charge point,
 * so they run on a short-lived thread (self_call.h).  The op answers
 * {"status":"started"} once the check passed.
 */
#ifndef OCPPD_PROFILE_OP_H
#define OCPPD_PROFILE_OP_H

#include "config.h"
#include "control.h"

void profile_op_init(const struct csms_config *cfg);
void profile_raise_request(const struct control_req *r);

#endif
