/*
 * profile_pending.h — a raised security profile waiting for the charge
 * point (sql/031; docs/security.md, "Security profile changes").  After
 * ChangeConfiguration SecurityProfile was Accepted (profile_op.c) the new
 * profile is pending: the handshake (cp_auth_admit) lets the charge point
 * in with the new profile or the old one.  Its first connection with the
 * new one makes it final (the old one is refused from then on, on every
 * node: sec_changed_at); one with the old one is the whitepaper's
 * fallback, logged and recorded as a security event.
 */
#ifndef OCPPD_PROFILE_PENDING_H
#define OCPPD_PROFILE_PENDING_H

#include <stdint.h>

/* Event loop: cp_id was let in with profile while pending was pending
 * (profile == pending: it is now final).  Queues the database write. */
void profile_pending_note(const char *cp_id, int profile, int pending,
                          int64_t now_ms);

#endif
