/*
 * handshake.h — the checks a WebSocket upgrade must pass before a charge
 * point is accepted: its identity from the request path and the OCPP
 * subprotocol it offers.  Pure string functions (unit-tested); ws_upgrade.c
 * applies them in LWS_CALLBACK_HTTP_CONFIRM_UPGRADE so a refusal is a real HTTP
 * status, never an accepted socket dropped later.
 */
#ifndef OCPPD_HANDSHAKE_H
#define OCPPD_HANDSHAKE_H

#include <stddef.h>
#include <stdint.h>

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

/*
 * Is s one of the comma separated items of list (spaces around items
 * ignored; case-insensitive when nocase)?  For trusted_proxies and
 * allowed_origins.
 */
int handshake_in_list(const char *list, const char *s, int nocase);

/*
 * The client's address for the throttle and the logs.  peer: the socket's
 * address.  Only when peer is one of trusted (trusted_proxies) is a
 * forwarding header believed: X-Forwarded-For (xff), else Forwarded
 * (fwd, RFC 7239 for=).  Their rightmost address that is not itself a
 * trusted proxy is the client — the entries left of it are whatever the
 * client wrote.  A header that is absent or unreadable leaves the peer.
 * Returns 1 when out came from a header, 0 when it is the peer.
 */
int handshake_client_addr(const char *peer, const char *trusted,
                          const char *xff, const char *fwd, char *out,
                          size_t outlen);

/*
 * A handshake that passed the HTTP-level checks, as the layer that
 * decides who may be which charge point sees it (ws_ops.admit), and its
 * refusal.
 */
struct handshake_hello {
	const char *cp_id;
	const char *client; /* address (handshake_client_addr) */
	const char *auth; /* Authorization value; NULL: absent or unreadable */
	int auth_sent;    /* an Authorization header came (maybe unreadable) */
	int tls;          /* over TLS */
	int client_certs; /* tls_ca set: OpenSSL verified a certificate */
	const char *cert_cn; /* its Common Name; NULL: none */
	int64_t now_ms;
};

struct handshake_verdict {
	unsigned status; /* HTTP: 401, 403, 404, 429 */
	const char *why; /* static: the body and the log line */
	char detail[400];
	int challenge; /* send WWW-Authenticate: Basic */
	int retry_s;   /* send Retry-After */
};

#endif
