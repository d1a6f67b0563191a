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

#define CP_ID_CHARS          50 /* charge_points.id VARCHAR(50) */
#define CP_ID_BYTES          (CP_ID_CHARS * 4) /* UTF-8, worst case */
#define OCPP_SUBPROTOCOL     "ocpp1.6"
#define OCPP_SUBPROTOCOL_201 "ocpp2.0.1"

/* The protocol a link speaks (struct conn.proto): the index of its
 * subprotocol in ws.c's table; a handshake without one speaks 1.6. */
enum ocpp_proto { OCPP_P16 = 0, OCPP_P201 = 1 };

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
 * absent).  Returns 1 when ocpp1.6 or ocpp2.0.1 can be spoken (which
 * one is lws's choice: the first of the offer it knows), 0 with why
 * otherwise.
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
 * TLS ended at a proxy (HAProxy, haproxy/ocpp.cfg): what it says about
 * the client in request headers (NULL when absent).  docs/security.md.
 */
struct handshake_fwd_tls {
	const char *proto;  /* X-Forwarded-Proto: "https" over TLS */
	const char *verify; /* X-SSL-Client-Verify: "0" = verified */
	const char *cn;     /* X-SSL-Client-CN: the certificate's CN */
};

#define FWD_TLS_CERT_HEADERS "X-SSL-Client-Verify, X-SSL-Client-CN"

/*
 * Judges those headers.  enabled: trusted_proxy_tls is on; trusted: the
 * peer is one of trusted_proxies.  From a peer that is not a trusted TLS
 * proxy the certificate headers are refused (400), and so is
 * X-Forwarded-Proto: https while the setting is on; with it off
 * X-Forwarded-Proto means nothing (it is what plain proxies send).  From
 * a trusted TLS proxy: *tls is 1 for https, and *cn is the CN of the
 * certificate it verified (NULL: none); a certificate it did not verify
 * is 403, headers that contradict each other 400.  Returns 0, or the
 * HTTP status with why.
 */
unsigned handshake_forwarded_tls(const struct handshake_fwd_tls *f, int enabled,
                                 int trusted, int *tls, const char **cn,
                                 const char **why);

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
	int tls;          /* over TLS: ours, or a trusted proxy's */
	int client_certs; /* tls_ca set: OpenSSL verified a certificate */
	int proxied;      /* tls and cert_cn come from a trusted TLS proxy */
	const char *cert_cn; /* a verified certificate's CN; NULL: none */
	int64_t now_ms;
};

struct handshake_verdict {
	unsigned status; /* HTTP: 401, 403, 404, 429 */
	const char *why; /* static: the body and the log line */
	char detail[400];
	int challenge; /* send WWW-Authenticate: Basic */
	int retry_s;   /* send Retry-After */
	/* Let in while a raised profile was pending (sql/031): the profile
	 * judged (== pending: it passed the new one) and the pending one;
	 * pending 0: none. */
	int profile, pending;
};

#endif
