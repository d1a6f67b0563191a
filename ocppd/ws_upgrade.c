/*
 * ws_upgrade.c — the WebSocket handshake, judged in
 * LWS_CALLBACK_HTTP_CONFIRM_UPGRADE where a refusal can still be an HTTP
 * status: here 400 (bad identity, path or subprotocol), 403 (Origin) and
 * 503 (shutting down, draining, max_connections); then ws_ops.admit (401, 403,
 * 404, 429: cp_auth.c).  docs/security.md has the rules.  A plain HTTP request
 * gets the load balancer's health check (GET /healthz) or a 400.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conn_attempts.h"
#include "log.h"
#include "timeutil.h"
#include "ws_int.h"

#define ADDR_MAX 64 /* a client address as text */

/*
 * The client's address (handshake_client_addr): the peer, or behind a
 * trusted proxy the address its X-Forwarded-For / Forwarded header names.
 * Returns 1 when it came from a header (peer then says which proxy).
 */
static int client_addr(struct lws *wsi, char *out, size_t outlen, char *peer,
                       size_t peerlen)
{
	char xff[4096] = "", fwd[4096] = "";
	peer[0] = '\0';
	lws_get_peer_simple(wsi, peer, peerlen);
	if (ws_st.cfg->trusted_proxies[0] &&
	    handshake_in_list(ws_st.cfg->trusted_proxies, peer, 1)) {
		int n = lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR);
		if (n <= 0 || n >= (int)sizeof xff ||
		    lws_hdr_copy(wsi, xff, sizeof xff,
		                 WSI_TOKEN_X_FORWARDED_FOR) < 0)
			xff[0] = '\0';
		n = lws_hdr_custom_length(wsi, "forwarded:", 10);
		if (n <= 0 || n >= (int)sizeof fwd ||
		    lws_hdr_custom_copy(wsi, fwd, sizeof fwd,
		                        "forwarded:", 10) < 0)
			fwd[0] = '\0';
	}
	return handshake_client_addr(peer, ws_st.cfg->trusted_proxies, xff, fwd,
	                             out, outlen);
}

/* "192.0.2.7" or "192.0.2.7 via 127.0.0.1", for log lines. */
static void who(struct lws *wsi, char *out, size_t outlen)
{
	char addr[ADDR_MAX], peer[64];
	if (client_addr(wsi, addr, sizeof addr, peer, sizeof peer))
		snprintf(out, outlen, "%s via %s", addr, peer);
	else
		snprintf(out, outlen, "%s", addr);
}

/* The identity of the handshake being judged, once read from its path
 * ("" before): a refusal naming it goes to ws_ops.on_refused. */
static const char *judged_id = "";

static void refused(unsigned code, const char *why, const char *peer)
{
	/* Every refusal, with or without an identity, for the installer's
	 * list (bounded in memory: conn_attempts.h). */
	conn_attempts_note(judged_id, peer, code, why, time_now_ms());
	if (judged_id[0] && ws_st.ops->on_refused)
		ws_st.ops->on_refused(judged_id, code, why, peer);
}

static int refuse(struct lws *wsi, unsigned code, const char *why,
                  const char *detail)
{
	char peer[160] = "";
	who(wsi, peer, sizeof peer);
	refused(code, why, peer);
	log_warn("ocppd: handshake from %s refused (%u): %s%s%s", peer, code,
	         why, detail ? ": " : "", detail ? detail : "");
	char body[256];
	snprintf(body, sizeof body, "%s", why);
	if (lws_return_http_status(wsi, code, body))
		return -1;
	return 1;
}

/* A refusal with the headers a client needs to react: the Basic
 * challenge on 401, Retry-After on 429 and 503 when throttled. */
static int refuse_hdr(struct lws *wsi, unsigned code, const char *why,
                      const char *detail, int challenge, int retry_s)
{
	char peer[160] = "";
	who(wsi, peer, sizeof peer);
	refused(code, why, peer);
	log_warn("ocppd: handshake from %s refused (%u): %s%s%s", peer, code,
	         why, detail ? ": " : "", detail ? detail : "");
	unsigned char buf[LWS_PRE + 1024];
	unsigned char *start = buf + LWS_PRE, *p = start;
	unsigned char *end = buf + sizeof buf - 1;
	static const char realm[] = "Basic realm=\"ocpp\"";
	char retry[16];
	int rl = snprintf(retry, sizeof retry, "%d", retry_s);
	size_t blen = strlen(why);
	if (lws_add_http_header_status(wsi, code, &p, end) ||
	    (challenge &&
	     lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
	                                  (const unsigned char *)realm,
	                                  (int)sizeof realm - 1, &p, end)) ||
	    (retry_s > 0 && lws_add_http_header_by_name(
	                        wsi, (const unsigned char *)"retry-after:",
	                        (const unsigned char *)retry, rl, &p, end)) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE,
	                                 (const unsigned char *)"text/plain",
	                                 10, &p, end) ||
	    lws_add_http_header_content_length(wsi, blen, &p, end) ||
	    lws_finalize_http_header(wsi, &p, end) || (size_t)(end - p) < blen)
		return -1;
	memcpy(p, why, blen);
	p += blen;
	if (lws_write(wsi, start, (size_t)(p - start), LWS_WRITE_HTTP_HEADERS) <
	    0)
		return -1;
	return 1;
}

/* The refusal ws_ops.admit decided, with the headers a client needs to
 * react: the Basic challenge on 401, Retry-After on 429. */
static int refuse_verdict(struct lws *wsi, const struct handshake_verdict *v)
{
	return refuse_hdr(wsi, v->status, v->why,
	                  v->detail[0] ? v->detail : NULL, v->challenge,
	                  v->retry_s);
}

/* A custom header's value into buf; NULL when absent (or too long:
 * then *toolong is set). */
static const char *custom_hdr(struct lws *wsi, const char *name, char *buf,
                              size_t size, int *toolong)
{
	int nlen = (int)strlen(name);
	int n = lws_hdr_custom_length(wsi, name, nlen);
	if (n < 0)
		return NULL;
	if (n >= (int)size ||
	    lws_hdr_custom_copy(wsi, buf, (int)size, name, nlen) < 0) {
		*toolong = 1;
		return NULL;
	}
	return buf;
}

/*
 * TLS ended at a proxy: the scheme and the client certificate it
 * forwards, believed from a trusted TLS proxy only (handshake.h).  0 to
 * go on (h filled in when the proxy vouched), else the refusal is sent.
 */
static int forwarded_tls(struct lws *wsi, const char *id,
                         struct handshake_hello *h, char *cn, size_t cnlen)
{
	char proto[32], verify[32];
	int toolong = 0;
	struct handshake_fwd_tls f = {
	    .proto = custom_hdr(wsi, "x-forwarded-proto:", proto, sizeof proto,
	                        &toolong),
	    .verify = custom_hdr(wsi, "x-ssl-client-verify:", verify,
	                         sizeof verify, &toolong),
	    .cn = custom_hdr(wsi, "x-ssl-client-cn:", cn, cnlen, &toolong)};
	if (toolong)
		return refuse(wsi, 400, "forwarding header too long", id);
	char peer[64] = "";
	lws_get_peer_simple(wsi, peer, sizeof peer);
	int trusted = ws_st.cfg->trusted_proxies[0] &&
	              handshake_in_list(ws_st.cfg->trusted_proxies, peer, 1);
	int tls;
	const char *vcn, *why;
	unsigned st = handshake_forwarded_tls(&f, ws_st.cfg->trusted_proxy_tls,
	                                      trusted, &tls, &vcn, &why);
	if (st) {
		char detail[400];
		snprintf(detail, sizeof detail, "%s%s%.200s%s", id,
		         f.cn ? " (CN \"" : "", f.cn ? f.cn : "",
		         f.cn ? "\")" : "");
		return refuse(wsi, st, why, detail);
	}
	if (ws_st.cfg->trusted_proxy_tls && trusted) {
		h->proxied = 1;
		h->tls = h->tls || tls;
		h->cert_cn = vcn;
	}
	return 0;
}

/*
 * What ws_ops.admit judges: the identity, the client's address, the
 * Authorization header and the client certificate's CN (ours, or the
 * one a trusted TLS proxy forwards).  The header is wiped once judged.
 */
static int admit(struct lws *wsi, const char *id)
{
	struct handshake_hello h = {.cp_id = id,
	                            .tls = ws_st.tls,
	                            .client_certs = ws_st.client_certs,
	                            .now_ms = time_now_ms()};
	char addr[ADDR_MAX] = "", proxy[64], cn[257], pcn[257], hdr[512];
	int rc = forwarded_tls(wsi, id, &h, pcn, sizeof pcn);
	if (rc)
		return rc;
	client_addr(wsi, addr, sizeof addr, proxy, sizeof proxy);
	h.client = addr;
	/* Behind a TLS proxy a certificate on our own port is the proxy's. */
	if (ws_st.client_certs && !h.proxied) {
		union lws_tls_cert_info_results *ci;
		char cbuf[sizeof *ci + 256];
		ci = (union lws_tls_cert_info_results *)cbuf;
		/* Only a certificate OpenSSL verified against tls_ca names
		 * the charge point (one is not required on the port). */
		int verified = !lws_tls_peer_cert_info(
		                   wsi, LWS_TLS_CERT_INFO_VERIFIED, ci, 0) &&
		               ci->verified;
		if (verified &&
		    !lws_tls_peer_cert_info(wsi, LWS_TLS_CERT_INFO_COMMON_NAME,
		                            ci, 256)) {
			int n = ci->ns.len > 256 ? 256 : ci->ns.len;
			memcpy(cn, ci->ns.name, (size_t)n);
			cn[n] = '\0';
			h.cert_cn = cn;
		}
	}
	int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
	h.auth_sent = n > 0;
	if (n > 0 && n < (int)sizeof hdr &&
	    lws_hdr_copy(wsi, hdr, sizeof hdr, WSI_TOKEN_HTTP_AUTHORIZATION) >=
	        0)
		h.auth = hdr;
	struct handshake_verdict v;
	rc = ws_st.ops->admit(&h, &v);
	explicit_bzero(hdr, sizeof hdr);
	return rc ? refuse_verdict(wsi, &v) : 0;
}

/*
 * The percent-decoded request path.  lws splits a path at a literal ';'
 * or '&' and joins the pieces with ',' when copying, so "/CP;1" and
 * "/CP,1" would both read as CP,1 — two charge points as one.  Such a
 * path is refused (-2); percent-encoded (%3B, %26) they are kept.
 */
int ws_path_of(struct lws *wsi, char *buf, size_t size)
{
	int n = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI);
	if (n <= 0 || (size_t)n >= size)
		return -1;
	if (lws_hdr_copy_fragment(wsi, buf, (int)size, WSI_TOKEN_GET_URI, 0) <
	    0)
		return -1;
	if (strlen(buf) != (size_t)n)
		return -2;
	return 0;
}

static int confirm_upgrade(struct lws *wsi, const char *upgrade, char *id);

int ws_confirm_upgrade(struct lws *wsi, const char *upgrade)
{
	char id[CP_ID_BYTES + 1] = "";
	int rc = confirm_upgrade(wsi, upgrade, id);
	judged_id = "";
	return rc;
}

static int confirm_upgrade(struct lws *wsi, const char *upgrade, char *id)
{
	char path[1024], proto[512];
	const char *why;
	if (!upgrade || strcasecmp(upgrade, "websocket"))
		return refuse(wsi, 400, "only WebSocket upgrades", upgrade);
	if (ws_st.refusing)
		return refuse(wsi, 503, "shutting down", NULL);
	if (ws_st.draining) {
		/* A rolling upgrade (drain.c): the charge point goes to
		 * another node, through the load balancer. */
		ws_st.drain_refused++;
		return refuse_hdr(wsi, 503,
		                  "draining: this node takes no new charge "
		                  "points",
		                  NULL, 0, 5);
	}
	if (ws_st.nconns >= (unsigned)ws_st.cfg->max_connections)
		return refuse_hdr(wsi, 503, "too many connections", NULL, 0, 5);
	int pr = ws_path_of(wsi, path, sizeof path);
	if (pr == -2)
		return refuse(wsi, 400,
		              "';' or '&' in the request path (percent-encode "
		              "it: %3B, %26)",
		              NULL);
	if (pr)
		return refuse(wsi, 400, "bad request path", NULL);
	if (handshake_identity(path, id, CP_ID_BYTES + 1, &why))
		return refuse(wsi, 400, why, path);
	judged_id = id;
	/* A browser page cannot set Origin: with allowed_origins set, a
	 * page on another site cannot speak OCPP as a charge point through
	 * a browser.  Chargers send no Origin (or one listed for them). */
	int olen = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
	if (ws_st.cfg->allowed_origins[0] && olen > 0) {
		char origin[512];
		if (olen >= (int)sizeof origin ||
		    lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <
		        0)
			return refuse(wsi, 403, "Origin not allowed", id);
		if (!handshake_in_list(ws_st.cfg->allowed_origins, origin, 1)) {
			char detail[800];
			snprintf(detail, sizeof detail, "%s from Origin %s", id,
			         origin);
			return refuse(wsi, 403, "Origin not allowed", detail);
		}
	}
	int plen = lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL);
	if (plen >= (int)sizeof proto)
		return refuse(wsi, 400, "Sec-WebSocket-Protocol too long", id);
	proto[0] = '\0';
	if (plen > 0 &&
	    lws_hdr_copy(wsi, proto, sizeof proto, WSI_TOKEN_PROTOCOL) < 0)
		return refuse(wsi, 400, "bad Sec-WebSocket-Protocol", id);
	if (!handshake_subprotocol(proto, ws_st.cfg->accept_missing_subprotocol,
	                           &why)) {
		char detail[600];
		snprintf(detail, sizeof detail, "%s offered \"%s\"", id, proto);
		return refuse(wsi, 400, why, detail);
	}
	return admit(wsi, id);
}

int ws_plain_http(struct lws *wsi, const char *uri)
{
	/* The load balancer's check (haproxy/ocpp.cfg): 200 while this node
	 * takes charge points, 503 once it is stopping, draining or full.
	 * Never tied to the database: a database blip must not mark every
	 * node down at once, and ocppd answers what it can meanwhile. */
	if (uri && !strcmp(uri, "/healthz")) {
		const char *why =
		    ws_st.refusing   ? "shutting down"
		    : ws_st.draining ? "draining"
		    : ws_st.nconns >= (unsigned)ws_st.cfg->max_connections
		        ? "full"
		        : NULL;
		if (lws_return_http_status(wsi, why ? 503 : 200,
		                           why ? why : "accepting"))
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	if (lws_return_http_status(wsi, 400,
	                           "OCPP-J endpoint: connect with a "
	                           "WebSocket to /<chargePointId>"))
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}
