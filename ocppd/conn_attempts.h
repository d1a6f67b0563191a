/*
 * conn_attempts.h — the refused and unknown connection attempts of this
 * ocppd, so an installer can see why a charger does not show up
 * (docs/security.md "Refused connections").
 *
 * A ring in memory, never the disk: CONN_ATTEMPTS_MAX entries, one per
 * (identity, address, reason) with a count and the first and last time,
 * so a charger retrying every few seconds is one line and a flood of
 * made-up identities only pushes out the least recently seen entries.
 * Nothing an attacker sends can grow it.  It starts empty with each
 * ocppd; the control op connection_attempts reads it.
 */
#ifndef OCPPD_CONN_ATTEMPTS_H
#define OCPPD_CONN_ATTEMPTS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#define CONN_ATTEMPTS_MAX 256

/* A refused (code >= 400) or admitted-but-unknown (code 0) attempt.
 * identity "" when the path named none; event loop only. */
void conn_attempts_note(const char *identity, const char *address,
                        unsigned code, const char *reason, int64_t now_ms);

/* The entries, most recent first: {"items": [{identity, address, code,
 * reason, count, first_at, last_at}], "capacity"}; NULL out of memory. */
cJSON *conn_attempts_json(void);

/* Forgets everything (tests). */
void conn_attempts_reset(void);

struct control_req;
/* The control op connection_attempts. */
void conn_attempts_request(const struct control_req *r);

#endif
