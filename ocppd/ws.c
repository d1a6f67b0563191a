/*
 * ws.c — the libwebsockets server: the transport; see ws.h.
 *
 * Everything here runs on the one service thread.  The handshake is judged
 * in LWS_CALLBACK_HTTP_CONFIRM_UPGRADE, where a refusal can still be an
 * HTTP status: here 400 (bad identity, path or subprotocol), 403 (Origin)
 * and 503 (shutting down, max_connections); then ws_ops.admit (401, 403,
 * 404, 429: cp_auth.c); docs/security.md has the rules.  Writes happen
 * only in LWS_CALLBACK_SERVER_WRITEABLE from a per-connection queue, or at
 * once when nothing is queued.  Work finished elsewhere (a database
 * worker) finds its link by reference — slot index plus generation —
 * because the socket may have closed meanwhile.
 */
#include "ws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "evloop.h"
#include "log.h"
#include "timeutil.h"

#define RX_CHUNK      2048 /* lws per-connection receive buffer */
#define OUT_QUEUE_MAX 1024 /* replies a peer may leave unread */
#define ADDR_MAX      64   /* a client address as text */

struct slot {
	struct conn *c;
	uint32_t gen;
	uint32_t next_free;
};

static struct {
	const struct csms_config *cfg;
	const struct ws_ops *ops;
	struct lws_context *ctx;
	void *evloop; /* libev loop, or NULL: lws's poll() loop */
	int tls, client_certs;
	struct slot *slots;
	uint32_t nslots, cap, free_head;
	unsigned nconns;
	size_t out_bytes; /* queued on every link together */
	int refusing;     /* ws_stop_accepting ran */
	int broken;       /* ws_break ran */
	void (*timer_fn)(void);
	lws_sorted_usec_list_t timer;
} ws = {.free_head = UINT32_MAX};

/* ---- connection references ------------------------------------------ */

static int slot_alloc(struct conn *c)
{
	uint32_t i;
	if (ws.free_head != UINT32_MAX) {
		i = ws.free_head;
		ws.free_head = ws.slots[i].next_free;
	} else {
		if (ws.nslots == ws.cap) {
			uint32_t cap = ws.cap ? ws.cap * 2 : 1024;
			struct slot *s = realloc(ws.slots, cap * sizeof *s);
			if (!s)
				return -1;
			ws.slots = s;
			ws.cap = cap;
		}
		i = ws.nslots++;
		ws.slots[i].gen = 0;
	}
	ws.slots[i].c = c;
	ws.slots[i].gen++;
	if (!ws.slots[i].gen)
		ws.slots[i].gen = 1; /* ref 0 stays "nobody" */
	c->ref = ((uint64_t)ws.slots[i].gen << 32) | i;
	return 0;
}

static void slot_free(struct conn *c)
{
	uint32_t i = (uint32_t)c->ref;
	if (!c->ref || i >= ws.nslots || ws.slots[i].c != c)
		return;
	ws.slots[i].c = NULL;
	ws.slots[i].gen++;
	ws.slots[i].next_free = ws.free_head;
	ws.free_head = i;
	c->ref = 0;
}

struct conn *ws_conn_by_ref(uint64_t ref)
{
	uint32_t i = (uint32_t)ref, gen = (uint32_t)(ref >> 32);
	if (i >= ws.nslots || ws.slots[i].gen != gen)
		return NULL;
	return ws.slots[i].c;
}

unsigned ws_conn_count(void)
{
	return ws.nconns;
}

void ws_stop_accepting(void)
{
	ws.refusing = 1;
}

int ws_accepting(void)
{
	return !ws.refusing;
}

void ws_peer(const struct conn *c, char *out, size_t outlen)
{
	out[0] = '\0';
	lws_get_peer_simple(c->wsi, out, outlen);
}

/* ---- sending --------------------------------------------------------- */

void ws_close(struct conn *c, uint16_t code, const char *why)
{
	if (c->closing)
		return;
	c->closing = 1;
	c->close_code = code;
	c->close_why = why;
	lws_callback_on_writable(c->wsi);
}

void ws_ping(struct conn *c)
{
	c->ping_due = 1;
	lws_callback_on_writable(c->wsi);
}

void ws_pause(struct conn *c, int paused)
{
	c->paused = paused ? 1 : 0;
	lws_rx_flow_control(c->wsi, paused ? 0 : 1);
}

static void queue_drop(struct conn *c)
{
	ws.out_bytes -= c->out_bytes;
	c->out_bytes = 0;
	c->out_count = 0;
	frame_free_list(c->out_head);
	c->out_head = c->out_tail = NULL;
}

/* Writes one frame and frees it; -1 when the link refused it. */
static int write_frame(struct lws *wsi, struct frame *f)
{
	int n = lws_write(wsi, f->buf + LWS_PRE, f->len, LWS_WRITE_TEXT);
	int whole = n >= 0 && (size_t)n >= f->len;
	free(f);
	return whole ? 0 : -1;
}

/*
 * Frames waiting for a peer that does not read are bounded three ways:
 * by count (OUT_QUEUE_MAX), by bytes per link (send_queue_max) and by
 * bytes over all links (send_queue_total_max).  The link that would pass
 * a bound is closed (1008): its peer is not reading what it asked for,
 * and memory must not grow with what it sends.
 */
static int queue_full(struct conn *c, size_t len)
{
	const char *what = NULL;
	if (c->out_count >= OUT_QUEUE_MAX)
		what = "replies unread";
	else if (c->out_bytes + len > (size_t)ws.cfg->send_queue_max)
		what = "bytes unread on this link";
	else if (ws.out_bytes + len > (size_t)ws.cfg->send_queue_total_max)
		what = "bytes unread on all links";
	if (!what)
		return 0;
	log_warn("ocpp: %s | %u replies unread: closing (%s over the limit; "
	         "%zu bytes queued, %zu on all links)",
	         c->cp_id, c->out_count, what, c->out_bytes, ws.out_bytes);
	/* Its peer is not reading: what is queued would never go, and the
	 * close frame should be next. */
	queue_drop(c);
	ws_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
	         "too many unread replies");
	return 1;
}

void ws_send(struct conn *c, struct frame *f)
{
	if (!f)
		return;
	if (c->closing || queue_full(c, f->len)) {
		free(f);
		return;
	}
	/*
	 * Nothing queued and nothing half-sent: write now.  Asking for a
	 * writable callback instead costs two epoll_ctl calls and a loop
	 * pass per reply.  A write the socket cannot take whole is finished
	 * by lws itself (lws_partial_buffered), and later frames queue.
	 */
	if (c->live && !c->out_head && !lws_partial_buffered(c->wsi)) {
		if (write_frame(c->wsi, f))
			ws_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
			         "write failed");
		return;
	}
	f->next = NULL;
	if (c->out_tail)
		c->out_tail->next = f;
	else
		c->out_head = f;
	c->out_tail = f;
	c->out_count++;
	c->out_bytes += f->len;
	ws.out_bytes += f->len;
	lws_callback_on_writable(c->wsi);
}

static int on_writeable(struct lws *wsi, struct conn *c)
{
	if (c->ping_due && !c->closing && !lws_partial_buffered(wsi)) {
		/* A ping asked for (the takeover probe): a pong proves the
		 * link.  With a payload: lws does not report an empty pong. */
		unsigned char ping[LWS_PRE + 8];
		memcpy(ping + LWS_PRE, "probe", 5);
		c->ping_due = 0;
		if (lws_write(wsi, ping + LWS_PRE, 5, LWS_WRITE_PING) < 0) {
			c->close_why = "write failed";
			return -1;
		}
	}
	/* Several frames per wake-up while the socket takes them. */
	for (int i = 0; c->out_head && i < 32; i++) {
		struct frame *f = c->out_head;
		c->out_head = f->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->out_count--;
		c->out_bytes -= f->len;
		ws.out_bytes -= f->len;
		if (write_frame(wsi, f)) {
			c->close_why = "write failed";
			return -1;
		}
		if (lws_send_pipe_choked(wsi))
			break;
	}
	if (c->out_head) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	if (c->closing) {
		const char *why = c->close_why ? c->close_why : "";
		lws_close_reason(wsi, (enum lws_close_status)c->close_code,
		                 (unsigned char *)why, strlen(why));
		return -1;
	}
	return 0;
}

/* ---- handshake ------------------------------------------------------- */

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
	if (ws.cfg->trusted_proxies[0] &&
	    handshake_in_list(ws.cfg->trusted_proxies, peer, 1)) {
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
	return handshake_client_addr(peer, ws.cfg->trusted_proxies, xff, fwd,
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

static int refuse(struct lws *wsi, unsigned code, const char *why,
                  const char *detail)
{
	char peer[160] = "";
	who(wsi, peer, sizeof peer);
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

/*
 * What ws_ops.admit judges: the identity, the client's address, the
 * Authorization header and the client certificate's CN.  The header is
 * wiped once judged.
 */
static int admit(struct lws *wsi, const char *id)
{
	struct handshake_hello h = {.cp_id = id,
	                            .tls = ws.tls,
	                            .client_certs = ws.client_certs,
	                            .now_ms = time_now_ms()};
	char addr[ADDR_MAX] = "", proxy[64], cn[257], hdr[512];
	client_addr(wsi, addr, sizeof addr, proxy, sizeof proxy);
	h.client = addr;
	if (ws.client_certs) {
		union lws_tls_cert_info_results *ci;
		char cbuf[sizeof *ci + 256];
		ci = (union lws_tls_cert_info_results *)cbuf;
		if (!lws_tls_peer_cert_info(wsi, LWS_TLS_CERT_INFO_COMMON_NAME,
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
	int rc = ws.ops->admit(&h, &v);
	explicit_bzero(hdr, sizeof hdr);
	return rc ? refuse_verdict(wsi, &v) : 0;
}

/*
 * The percent-decoded request path.  lws splits a path at a literal ';'
 * or '&' and joins the pieces with ',' when copying, so "/CP;1" and
 * "/CP,1" would both read as CP,1 — two charge points as one.  Such a
 * path is refused (-2); percent-encoded (%3B, %26) they are kept.
 */
static int path_of(struct lws *wsi, char *buf, size_t size)
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

static int confirm_upgrade(struct lws *wsi, const char *upgrade)
{
	char path[1024], id[CP_ID_BYTES + 1], proto[512];
	const char *why;
	if (!upgrade || strcasecmp(upgrade, "websocket"))
		return refuse(wsi, 400, "only WebSocket upgrades", upgrade);
	if (ws.refusing)
		return refuse(wsi, 503, "shutting down", NULL);
	if (ws.nconns >= (unsigned)ws.cfg->max_connections)
		return refuse_hdr(wsi, 503, "too many connections", NULL, 0, 5);
	int pr = path_of(wsi, path, sizeof path);
	if (pr == -2)
		return refuse(wsi, 400,
		              "';' or '&' in the request path (percent-encode "
		              "it: %3B, %26)",
		              NULL);
	if (pr)
		return refuse(wsi, 400, "bad request path", NULL);
	if (handshake_identity(path, id, sizeof id, &why))
		return refuse(wsi, 400, why, path);
	/* A browser page cannot set Origin: with allowed_origins set, a
	 * page on another site cannot speak OCPP as a charge point through
	 * a browser.  Chargers send no Origin (or one listed for them). */
	int olen = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
	if (ws.cfg->allowed_origins[0] && olen > 0) {
		char origin[512];
		if (olen >= (int)sizeof origin ||
		    lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) <
		        0)
			return refuse(wsi, 403, "Origin not allowed", id);
		if (!handshake_in_list(ws.cfg->allowed_origins, origin, 1)) {
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
	if (!handshake_subprotocol(proto, ws.cfg->accept_missing_subprotocol,
	                           &why)) {
		char detail[600];
		snprintf(detail, sizeof detail, "%s offered \"%s\"", id, proto);
		return refuse(wsi, 400, why, detail);
	}
	return admit(wsi, id);
}

static int on_established(struct lws *wsi, struct conn *c)
{
	char path[1024], id[CP_ID_BYTES + 1];
	const char *why;
	memset(c, 0, sizeof *c);
	c->wsi = wsi;
	if (path_of(wsi, path, sizeof path) ||
	    handshake_identity(path, id, sizeof id, &why))
		return -1;
	c->cp_id = strdup(id);
	if (!c->cp_id || slot_alloc(c)) {
		free(c->cp_id);
		c->cp_id = NULL;
		return -1;
	}
	c->live = 1;
	ws.nconns++;
	int64_t now = time_now_ms();
	c->rate_ms = now;
	c->heard_ms = now;
	/* A full bucket: msg_burst <= 10^6, so at most 10^9 units. */
	c->rate_tokens = (uint32_t)ws.cfg->msg_burst * 1000u;
	return ws.ops->on_open(c);
}

static void on_closed(struct conn *c)
{
	if (!c->live)
		return;
	c->live = 0;
	ws.nconns--;
	char why[96];
	if (c->gone_why)
		snprintf(why, sizeof why, "%s", c->gone_why);
	else if (c->close_why)
		snprintf(why, sizeof why, "%s (code %u)", c->close_why,
		         c->close_code);
	else if (c->peer_close_code)
		snprintf(why, sizeof why,
		         "closed by the charge point (code %u)",
		         c->peer_close_code);
	else
		snprintf(why, sizeof why, "connection lost");
	log_info("ocpp: %s | disconnected: %s", c->cp_id, why);
	ws.ops->on_close(c);
	queue_drop(c);
	free(c->rx);
	c->rx = NULL;
	slot_free(c);
	free(c->cp_id);
	c->cp_id = NULL;
}

/* ---- receiving ------------------------------------------------------- */

/*
 * The per-link token bucket: msg_rate messages a second, up to msg_burst
 * at once.  A charge point has one CALL outstanding at a time (OCPP-J
 * 4.1.1), so only a broken or hostile one gets near it; it is closed
 * rather than answered, because answering costs us as much as it costs
 * the peer to send.  Integer arithmetic in 1/1000 messages, one clock
 * read per message.
 */
static int rate_take(struct conn *c)
{
	int64_t now = time_now_ms();
	uint64_t cap = (uint64_t)ws.cfg->msg_burst * 1000;
	uint64_t t = c->rate_tokens;
	if (now > c->rate_ms) {
		t += (uint64_t)(now - c->rate_ms) * (uint64_t)ws.cfg->msg_rate;
		c->rate_ms = now;
	}
	if (t > cap)
		t = cap;
	if (t < 1000) {
		c->rate_tokens = (uint32_t)t;
		return 0;
	}
	c->rate_tokens = (uint32_t)(t - 1000);
	return 1;
}

static int on_receive(struct lws *wsi, struct conn *c, const char *in,
                      size_t len)
{
	if (c->closing)
		return 0;
	c->heard_ms = time_now_ms();
	if (c->paused) {
		/* Read before its input was paused (a newcomer on probation):
		 * it cannot be answered by a link that may not become the
		 * charge point's. */
		log_warn("ocpp: %s | message on a connection on probation: "
		         "dropped",
		         c->cp_id);
		return 0;
	}
	if (lws_frame_is_binary(wsi)) {
		log_warn("ocpp: %s | binary frame: closing (1003)", c->cp_id);
		c->close_why = "binary frames are not OCPP-J";
		c->close_code = LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE;
		lws_close_reason(wsi, LWS_CLOSE_STATUS_UNACCEPTABLE_OPCODE,
		                 (unsigned char *)c->close_why,
		                 strlen(c->close_why));
		return -1;
	}
	size_t max = (size_t)ws.cfg->max_frame_size;
	int final = lws_is_final_fragment(wsi);
	if (final && ws.cfg->msg_rate > 0 && !rate_take(c)) {
		log_warn("ocpp: %s | more than %d messages/s (burst %d): "
		         "closing (1008)",
		         c->cp_id, ws.cfg->msg_rate, ws.cfg->msg_burst);
		/* Through the queue, not at once: the close frame must reach
		 * a peer whose unread flood would turn a hard close into a
		 * reset; what it sends meanwhile is dropped unread. */
		ws_close(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
		         "message rate limit exceeded");
		return 0;
	}
	if (c->rx_len + len > max) {
		log_warn("ocpp: %s | message larger than %zu bytes: closing "
		         "(1009)",
		         c->cp_id, max);
		c->close_why = "message too large";
		c->close_code = LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE;
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
		                 (unsigned char *)c->close_why,
		                 strlen(c->close_why));
		return -1;
	}
	if (final && !c->rx_len) {
		/* The common case: the whole message in one piece. */
		ws.ops->on_frame(c, in, len);
		return 0;
	}
	if (c->rx_len + len > c->rx_cap) {
		size_t cap = c->rx_cap ? c->rx_cap : 4096;
		while (cap < c->rx_len + len)
			cap *= 2;
		if (cap > max)
			cap = max;
		char *p = realloc(c->rx, cap);
		if (!p)
			return -1;
		c->rx = p;
		c->rx_cap = cap;
	}
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += len;
	if (final) {
		ws.ops->on_frame(c, c->rx, c->rx_len);
		/* Give the memory back: idle links must stay small. */
		free(c->rx);
		c->rx = NULL;
		c->rx_len = c->rx_cap = 0;
	}
	return 0;
}

/* ---- the protocol callback ------------------------------------------- */

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
                    void *user, void *in, size_t len)
{
	struct conn *c = user;
	switch (reason) {
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return confirm_upgrade(wsi, in);
	case LWS_CALLBACK_HTTP:
		/* A plain HTTP request: this port only speaks OCPP-J. */
		if (lws_return_http_status(wsi, 400,
		                           "OCPP-J endpoint: connect with a "
		                           "WebSocket to /<chargePointId>"))
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* lws binds a handshake without Sec-WebSocket-Protocol to
		 * the default protocol; confirm_upgrade has refused it
		 * already unless allowed — this is the backstop. */
		if (!ws.cfg->accept_missing_subprotocol &&
		    lws_hdr_total_length(wsi, WSI_TOKEN_PROTOCOL) <= 0)
			return 1;
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		return on_established(wsi, c);
	case LWS_CALLBACK_RECEIVE:
		return c && c->live ? on_receive(wsi, c, in, len) : -1;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return c && c->live ? on_writeable(wsi, c) : 0;
	case LWS_CALLBACK_RECEIVE_PONG:
		if (c && c->live)
			c->heard_ms = time_now_ms();
		return 0;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (c && in && len >= 2) {
			const unsigned char *p = in;
			c->peer_close_code = (uint16_t)(p[0] << 8 | p[1]);
		} else if (c) {
			c->peer_close_code = LWS_CLOSE_STATUS_NO_STATUS;
		}
		return 0;
	case LWS_CALLBACK_CLOSED:
		if (c)
			on_closed(c);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if (ws.ops)
			ws.ops->on_wake();
		return 0;
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
    {OCPP_SUBPROTOCOL, callback, sizeof(struct conn), RX_CHUNK, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- the loop -------------------------------------------------------- */

void ws_wake(void)
{
	if (ws.ctx)
		lws_cancel_service(ws.ctx);
}

static void timer_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (ws.timer_fn)
		ws.timer_fn();
}

void ws_timer(void (*fn)(void), unsigned ms)
{
	ws.timer_fn = fn;
	lws_sul_schedule(ws.ctx, 0, &ws.timer, timer_cb,
	                 (lws_usec_t)ms * LWS_US_PER_MS);
}

void ws_close_all(void)
{
	for (uint32_t i = 0; i < ws.nslots; i++)
		if (ws.slots[i].c)
			ws_close(ws.slots[i].c, LWS_CLOSE_STATUS_GOINGAWAY,
			         "server shutting down");
}

int ws_all_flushed(void)
{
	for (uint32_t i = 0; i < ws.nslots; i++)
		if (ws.slots[i].c && ws.slots[i].c->out_head)
			return 0;
	return 1;
}

static void lws_log(int level, const char *line)
{
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (level & LLL_ERR)
		log_warn("lws: %.*s", (int)n, line);
	else
		log_debug("lws: %.*s", (int)n, line);
}

/* lws reports a failed bind only as a NULL context; try it ourselves
 * first so the error names the real cause. */
static int probe_listen(const char *addr, int port, char *err, size_t errlen)
{
	int v6 = strchr(addr, ':') != NULL;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr, port,
		         strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	int rc;
	if (v6) {
		struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
		                          .sin6_port = htons((uint16_t)port)};
		rc = inet_pton(AF_INET6, addr, &sa.sin6_addr) == 1
		         ? bind(fd, (struct sockaddr *)&sa, sizeof sa)
		         : (errno = EINVAL, -1);
	} else {
		struct sockaddr_in sa = {.sin_family = AF_INET,
		                         .sin_port = htons((uint16_t)port)};
		rc = inet_pton(AF_INET, addr, &sa.sin_addr) == 1
		         ? bind(fd, (struct sockaddr *)&sa, sizeof sa)
		         : (errno = EINVAL, -1);
	}
	int e = errno;
	close(fd);
	if (rc) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr, port,
		         e == EINVAL ? "not an IP address" : strerror(e));
		return -1;
	}
	return 0;
}

int ws_probe(const struct csms_config *cfg, char *err, size_t errlen)
{
	const char *addr = cfg->ocpp_listen[0] ? cfg->ocpp_listen : "0.0.0.0";
	return probe_listen(addr, cfg->ocpp_port, err, errlen);
}

struct lws_context *ws_context(void)
{
	return ws.ctx;
}

int ws_start(const struct csms_config *cfg, const struct ws_ops *ops, char *err,
             size_t errlen)
{
	ws.cfg = cfg;
	ws.ops = ops;
	ws.refusing = 0;
	ws.broken = 0;
	const char *addr = cfg->ocpp_listen[0] ? cfg->ocpp_listen : "0.0.0.0";
	if (probe_listen(addr, cfg->ocpp_port, err, errlen))
		return -1;

	/* lws formats a line before handing it over: below debug, where
	 * only its errors are shown, it is not asked for the rest. */
	lws_set_log_level(
	    log_enabled(LOG_DEBUG) ? LLL_ERR | LLL_WARN | LLL_NOTICE : LLL_ERR,
	    lws_log);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = cfg->ocpp_port;
	int v6 = strchr(addr, ':') != NULL;
	info.iface = (!v6 && !strcmp(addr, "0.0.0.0")) || !strcmp(addr, "::")
	                 ? NULL
	                 : addr;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	if (!v6)
		info.options |= LWS_SERVER_OPTION_DISABLE_IPV6;
	info.gid = -1;
	info.uid = -1;
	ws.tls = cfg->tls_cert[0] != '\0';
	ws.client_certs = ws.tls && cfg->tls_ca[0];
	if (ws.tls) {
		/* TLS only on this port (no ALLOW_NON_SSL_ON_SSL_PORT): a
		 * plain ws:// handshake never gets to the upgrade. */
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath =
		    cfg->tls_key[0] ? cfg->tls_key : cfg->tls_cert;
		info.ssl_options_set = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 |
		                       SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
		if (ws.client_certs) {
			info.ssl_ca_filepath = cfg->tls_ca;
			info.options |=
			    LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT;
		}
	}
	info.count_threads = 1;
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY)
		info.fd_limit_per_thread = (unsigned)rl.rlim_cur;
	/* Handshake must complete quickly; idle links are policed by the
	 * ping policy below. */
	info.timeout_secs = (unsigned)cfg->handshake_timeout;
	static lws_retry_bo_t retry;
	memset(&retry, 0, sizeof retry);
	if (cfg->ping_interval > 0) {
		retry.secs_since_valid_ping = (uint16_t)cfg->ping_interval;
		retry.secs_since_valid_hangup =
		    (uint16_t)(cfg->ping_interval * 2 + 10 > 65535
		                   ? 65535
		                   : cfg->ping_interval * 2 + 10);
		info.retry_and_idle_policy = &retry;
	}
	/* epoll through libev; lws's poll() if its libev plugin is missing. */
	ws.evloop = evloop_new();
	if (ws.evloop) {
		void *loops[1] = {ws.evloop};
		info.options |= LWS_SERVER_OPTION_LIBEV;
		info.foreign_loops = loops;
		ws.ctx = lws_create_context(&info);
		info.foreign_loops = NULL;
		if (!ws.ctx) {
			evloop_destroy(ws.evloop);
			ws.evloop = NULL;
			info.options &= ~(uint64_t)LWS_SERVER_OPTION_LIBEV;
		}
	}
	if (!ws.ctx)
		ws.ctx = lws_create_context(&info);
	if (!ws.ctx) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr,
		         cfg->ocpp_port,
		         ws.tls ? "libwebsockets could not start (check "
		                  "tls_cert, tls_key, tls_ca)"
		                : "libwebsockets could not start");
		return -1;
	}
	return 0;
}

void ws_run(void)
{
	const char *addr =
	    ws.cfg->ocpp_listen[0] ? ws.cfg->ocpp_listen : "0.0.0.0";
	log_info("ocppd: event loop: %s",
	         ws.evloop ? "epoll (libev)"
	                   : "poll (lws libev plugin not available)");
	log_info("ocppd: listening on %s://%s:%d/%s", ws.tls ? "wss" : "ws",
	         addr, ws.cfg->ocpp_port,
	         ws.client_certs ? " (client certificates required)" : "");
	if (ws.evloop)
		while (!ws.broken)
			evloop_run(ws.evloop);
	else
		while (!ws.broken)
			if (lws_service(ws.ctx, 0) < 0)
				break;
}

void ws_break(void)
{
	ws.broken = 1;
	evloop_break(ws.evloop);
}

void ws_destroy(void)
{
	if (ws.ctx) {
		lws_sul_cancel(&ws.timer);
		lws_context_destroy(ws.ctx);
		ws.ctx = NULL;
	}
	evloop_destroy(ws.evloop);
	ws.evloop = NULL;
	free(ws.slots);
	ws.slots = NULL;
	ws.nslots = ws.cap = 0;
	ws.free_head = UINT32_MAX;
}
