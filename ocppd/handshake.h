/*
 * handshake.h — the checks a WebSocket upgrade must pass before a charge
 * point is accepted: its identity from the request path and the OCPP
 * subprotocol it offers.  Pure string functions (unit-tested); ws.c applies
 * them in LWS_CALLBACK_HTTP_CONFIRM_UPGRADE so a refusal is a real HTTP
 * status, never an accepted socket dropped later.
 */
#ifndef OCPPD_HANDSHAKE_H
#define OCPPD_HANDSHAKE_H

#include <stddef.h>

#define CP_ID_CHARS      50                /* charge_points.id VARCHAR(50) */
#define CP_ID_BYTES      (CP_ID_CHARS * 4) /* UTF-8, worst case */
#define OCPP_SUBPROTOCOL "ocpp1.6"

/*
 * The identity is the last path segment of the (already percent-decoded)
 * request path; one trailing slash is tolerated.  It must be valid UTF-8,
 * 1..50 characters, with no '/', no control characters.  Returns 0 and the
 * identity in out (at least CP_ID_BYTES + 1 bytes), or -1 and why.
 */
int handshake_identity(const char *path, char *out, size_t outlen,
                       const char **why);

/*
 * offered: the Sec-WebSocket-Protocol header value(s) (NULL or "" when
 * absent).  Returns 1 when ocpp1.6 can be spoken, 0 with why otherwise.
 */
int handshake_subprotocol(const char *offered, int accept_missing,
                          const char **why);

#endif
