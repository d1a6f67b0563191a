/*
 * ws.c — the libwebsockets server adapter; see ws.h.
 *
 * Everything here runs on the one service thread.  The handshake is judged
 * in LWS_CALLBACK_HTTP_CONFIRM_UPGRADE, where a refusal can still be an
 * HTTP status (400 bad identity or subprotocol, 401 bad or missing
 * credentials, 403 TLS or certificate required, 404 unknown charge point,
 * 429 address throttled after failed logins, 503 shutting down or
 * max_connections reached); docs/security.md has the rules.  Writes happen only
 * in LWS_CALLBACK_SERVER_WRITEABLE from a per-connection queue.  Database
 * replies arrive from the workers (dbq) addressed by a connection reference —
 * slot index plus generation — because the socket may have closed while the job
 * ran.
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

#include "auth_throttle.h"
#include "calls.h"
#include "control.h"
#include "cp_auth.h"
#include "cp_sec_op.h"
#include "ctl_ops.h"
#include "dbq.h"
#include "dispatch.h"
#include "evloop.h"
#include "handlers.h"
#include "handshake.h"
#include "log.h"
#include "privdrop.h"
#include "timeutil.h"

#define RX_CHUNK         2048 /* lws per-connection receive buffer */
#define OUT_QUEUE_MAX    1024 /* replies a peer may leave unread */
#define TICK_US          (100 * LWS_US_PER_MS)
#define KNOWN_REFRESH_MS 10000
#define DRAIN_TIMEOUT_MS 10000
#define CLOSE_TIMEOUT_MS 3000

enum phase { RUNNING, DRAINING, CLOSING, DONE };

struct slot {
	struct conn *c;
	uint32_t gen;
	uint32_t next_free;
};

static struct {
	const struct csms_config *cfg;
	struct lws_context *ctx;
	void *evloop;         /* libev loop, or NULL: lws's poll() loop */
	struct strmap conns;  /* cp_id -> struct conn * */
	struct strmap *known; /* cp_id -> struct cp_sec * */
	int tls, client_certs;
	struct slot *slots;
	uint32_t nslots, cap, free_head;
	unsigned nconns;
	size_t out_bytes;    /* queued on every link together */
	unsigned nprobation; /* newcomers waiting for a duplicate's probe */
	enum phase phase;
	int64_t deadline_ms, next_known_ms;
	lws_sorted_usec_list_t tick;
	volatile sig_atomic_t stop_requested, reopen_requested;
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

static struct conn *conn_from_ref(uint64_t ref)
{
	uint32_t i = (uint32_t)ref, gen = (uint32_t)(ref >> 32);
	if (i >= ws.nslots || ws.slots[i].gen != gen)
		return NULL;
	return ws.slots[i].c;
}

struct conn *ws_conn_find(const char *cp_id)
{
	struct conn *c = strmap_get(&ws.conns, cp_id);
	return c && c->live && !c->closing ? c : NULL;
}

unsigned ws_conn_count(void)
{
	return ws.nconns;
}

void ws_conn_each(void (*fn)(struct conn *c, void *arg), void *arg)
{
	for (uint32_t i = 0; i < ws.nslots; i++)
		if (ws.slots[i].c && ws.slots[i].c->live &&
		    !ws.slots[i].c->probation)
			fn(ws.slots[i].c, arg);
}

int ws_known_set(const char *cp_id, struct cp_sec *sec)
{
	if (!ws.known) {
		ws.known = calloc(1, sizeof *ws.known);
		if (!ws.known)
			return -1;
		strmap_init(ws.known);
	}
	struct cp_sec *old = strmap_get(ws.known, cp_id);
	if (strmap_put(ws.known, cp_id, sec))
		return -1;
	free(old);
	return 0;
}

int ws_accepting(void)
{
	return ws.phase == RUNNING;
}

/* ---- sending --------------------------------------------------------- */

static void close_conn(struct conn *c, uint16_t code, const char *why)
{
	if (c->closing)
		return;
	c->closing = 1;
	c->close_code = code;
	c->close_why = why;
	lws_callback_on_writable(c->wsi);
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
	close_conn(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
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
			close_conn(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
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
		/* The takeover probe (below): a pong proves the link.  With
		 * a payload: lws does not report an empty pong. */
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

/* ---- replies from the database workers ------------------------------- */

static void drain_replies(void)
{
	struct reply *r = dbq_take_replies();
	while (r) {
		struct reply *next = r->next;
		if (r->known) {
			cp_secmap_free(ws.known);
			ws.known = r->known;
			r->known = NULL;
		} else if (r->sec) {
			cp_sec_op_apply(r->sec);
			r->sec = NULL;
		} else {
			struct conn *c = conn_from_ref(r->conn);
			if (c && r->frame) {
				if (r->boot_status)
					c->boot_status =
					    (uint8_t)r->boot_status;
				ws_send(c, r->frame);
				r->frame = NULL;
			}
		}
		reply_free(r);
		r = next;
	}
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
	char addr[THROTTLE_ADDR], peer[64];
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

/*
 * The security profile checks (docs/security.md).  sec: the charge
 * point's entry, NULL when it is not registered (allow_unknown_cps).
 * Profile 1 and 2: HTTP Basic, user = identity, password against the
 * stored hash; 2 and 3 only over TLS; 3: a client certificate (verified
 * against tls_ca by OpenSSL) instead of a password.  With tls_ca set every
 * certificate's CN must equal the identity, whatever the profile.
 */
static int authenticate(struct lws *wsi, const char *id,
                        const struct cp_sec *sec)
{
	int profile = sec ? sec->profile : 0;
	if (profile < ws.cfg->security_profile_min)
		profile = ws.cfg->security_profile_min;
	if (ws.client_certs) {
		union lws_tls_cert_info_results *ci;
		char cbuf[sizeof *ci + 256];
		ci = (union lws_tls_cert_info_results *)cbuf;
		if (lws_tls_peer_cert_info(wsi, LWS_TLS_CERT_INFO_COMMON_NAME,
		                           ci, 256))
			return refuse(wsi, 403, "client certificate required",
			              id);
		if (strcmp(ci->ns.name, id)) {
			char detail[400];
			snprintf(detail, sizeof detail,
			         "%s presented CN \"%.*s\"", id,
			         ci->ns.len > 200 ? 200 : ci->ns.len,
			         ci->ns.name);
			return refuse(wsi, 403,
			              "client certificate is not the charge "
			              "point's",
			              detail);
		}
	}
	if (profile >= 2 && !ws.tls)
		return refuse(wsi, 403, "TLS required (security profile 2/3)",
		              id);
	if (profile == 3) {
		if (!ws.client_certs)
			return refuse(wsi, 403,
			              "client certificate required (set "
			              "tls_ca for security profile 3)",
			              id);
		return 0;
	}
	if (profile == 0)
		return 0;

	/* Counted per (client, identity): see auth_throttle.h. */
	char peer[THROTTLE_ADDR] = "", proxy[64];
	client_addr(wsi, peer, sizeof peer, proxy, sizeof proxy);
	int64_t now = time_now_ms();
	int wait = throttle_wait_s(peer, id, now);
	if (wait)
		return refuse_hdr(wsi, 429, "too many failed logins", id, 0,
		                  wait);
	char hdr[512], user[CP_ID_BYTES + 1], pass[CP_PASSWORD_MAX + 2];
	int n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
	const char *why = NULL;
	if (n <= 0)
		why = "no credentials";
	else if (n >= (int)sizeof hdr ||
	         lws_hdr_copy(wsi, hdr, sizeof hdr,
	                      WSI_TOKEN_HTTP_AUTHORIZATION) < 0 ||
	         cp_auth_parse_basic(hdr, user, sizeof user, pass, sizeof pass))
		why = "malformed Basic credentials";
	else if (strcmp(user, id))
		why = "Basic user is not the charge point identity";
	else if (!sec || !sec->hash[0])
		why = "no password set for this charge point";
	else if (!cp_auth_verify(id, sec->hash, pass))
		why = "wrong password";
	explicit_bzero(hdr, sizeof hdr);
	explicit_bzero(pass, sizeof pass);
	if (!why) {
		throttle_ok(peer, id);
		return 0;
	}
	/* A missing header is a client's first try, not a guess. */
	int block = n > 0
	                ? throttle_fail(peer, id, now, ws.cfg->auth_fail_limit,
	                                ws.cfg->auth_block_max)
	                : 0;
	char detail[CP_ID_BYTES + 64];
	snprintf(detail, sizeof detail, "%s%s", id,
	         block ? " (blocked from this address)" : "");
	return refuse_hdr(wsi, 401, why, detail, 1, 0);
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
	if (ws.phase != RUNNING)
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
	const struct cp_sec *sec = ws.known ? strmap_get(ws.known, id) : NULL;
	if (!ws.cfg->allow_unknown_cps && !sec)
		return refuse(wsi, 404, "unknown charge point", id);
	return authenticate(wsi, id, sec);
}

/* The link becomes the charge point's: in the map, announced, and its
 * connected flag written. */
static int link_up(struct conn *c)
{
	char peer[64] = "";
	lws_get_peer_simple(c->wsi, peer, sizeof peer);
	struct conn *old = strmap_get(&ws.conns, c->cp_id);
	if (old && old != c && old->live) {
		old->replaced = 1;
		close_conn(old, LWS_CLOSE_STATUS_NORMAL,
		           "replaced by a new connection");
		log_info("ocpp: %s | new connection from %s takes over",
		         c->cp_id, peer);
	}
	if (strmap_put(&ws.conns, c->cp_id, c))
		return -1;
	log_info("ocpp: %s | connected from %s", c->cp_id, peer);

	struct job *j = job_new(JOB_CONNECTED, c->cp_id);
	if (j) {
		j->now_ms = time_now_ms();
		snprintf(j->remote, sizeof j->remote, "%s", peer);
		if (dbq_submit(j, 0)) {
			log_warn("ocpp: %s | database queue full: connected "
			         "flag not written",
			         c->cp_id);
			job_free(j);
		}
	}
	return 0;
}

/* ---- a second connection with a connected identity -------------------
 *
 * The newest socket used to win at once, so anyone who knew an identity
 * could cut a live charge point off and speak for it.  Now (policy
 * "probe") the newcomer waits on probation, its input paused, while the
 * existing link is pinged: a pong or any message from it within
 * takeover_probe_timeout proves it alive, and the newcomer is closed
 * (1008).  Silence means a half-open link — a charger that rebooted
 * before we noticed its old socket died — and the newcomer takes over.
 */
static void probe(struct conn *c, struct conn *old, int64_t now)
{
	c->probe_ms = now;
	c->probe_ref = old->ref;
	old->ping_due = 1;
	lws_callback_on_writable(old->wsi);
}

static void refuse_newcomer(struct conn *c, const char *why)
{
	char peer[64] = "";
	lws_get_peer_simple(c->wsi, peer, sizeof peer);
	log_warn("ocpp: %s | second connection from %s refused: %s", c->cp_id,
	         peer, why);
	c->probation = 0;
	c->refused = 1;
	ws.nprobation--;
	close_conn(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
	           "identity already connected");
}

/* One step of a newcomer's probation; called every tick. */
static void probation_step(struct conn *c, int64_t now)
{
	struct conn *old = strmap_get(&ws.conns, c->cp_id);
	if (!old || !old->live || old->closing) {
		/* The old link went meanwhile: nothing to decide. */
		c->probation = 0;
		ws.nprobation--;
		lws_rx_flow_control(c->wsi, 1);
		if (link_up(c))
			close_conn(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
			           "out of memory");
		return;
	}
	if (old->ref != c->probe_ref) {
		probe(c, old, now); /* another newcomer took over first */
		return;
	}
	if (old->heard_ms >= c->probe_ms) {
		refuse_newcomer(c, "the connected link answered");
		return;
	}
	if (now - c->probe_ms < (int64_t)ws.cfg->takeover_probe_timeout * 1000)
		return;
	log_info("ocpp: %s | connected link silent for %d s after a ping: "
	         "replacing it",
	         c->cp_id, ws.cfg->takeover_probe_timeout);
	c->probation = 0;
	ws.nprobation--;
	lws_rx_flow_control(c->wsi, 1);
	if (link_up(c))
		close_conn(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION,
		           "out of memory");
}

static void probation_tick(int64_t now)
{
	if (!ws.nprobation)
		return;
	for (uint32_t i = 0; i < ws.nslots; i++) {
		struct conn *c = ws.slots[i].c;
		if (c && c->live && c->probation)
			probation_step(c, now);
	}
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

	struct conn *old = strmap_get(&ws.conns, id);
	if (old && old->live && !old->closing &&
	    strcmp(ws.cfg->duplicate_identity, "replace")) {
		c->probation = 1;
		ws.nprobation++;
		/* What it sends waits in the socket until it is decided. */
		lws_rx_flow_control(wsi, 0);
		if (!strcmp(ws.cfg->duplicate_identity, "refuse")) {
			refuse_newcomer(c, "duplicate_identity = refuse");
			return 0;
		}
		char peer[64] = "";
		lws_get_peer_simple(wsi, peer, sizeof peer);
		log_info("ocpp: %s | second connection from %s: pinging the "
		         "connected link",
		         id, peer);
		probe(c, old, now);
		return 0;
	}
	return link_up(c);
}

static void on_closed(struct conn *c)
{
	if (!c->live)
		return;
	c->live = 0;
	ws.nconns--;
	char why[96];
	if (c->probation) {
		c->probation = 0;
		ws.nprobation--;
	}
	if (c->replaced)
		snprintf(why, sizeof why, "replaced by a new connection");
	else if (c->refused)
		snprintf(why, sizeof why,
		         "second connection closed, the identity is connected");
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
	calls_conn_closed(c);
	dispatch_conn_closed(c);
	if (strmap_get(&ws.conns, c->cp_id) == c) {
		strmap_del(&ws.conns, c->cp_id);
		struct job *j = job_new(JOB_DISCONNECTED, c->cp_id);
		if (j && dbq_submit(j, 0))
			job_free(j);
	}
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
	if (c->probation) {
		/* Read before its input was paused: it cannot be answered
		 * by a link that may not become the charge point's. */
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
		close_conn(c, LWS_CLOSE_STATUS_POLICY_VIOLATION,
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
		dispatch_frame(c, in, len);
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
		dispatch_frame(c, c->rx, c->rx_len);
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
		drain_replies();
		ctl_ops_run();
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

void ws_request_stop(void)
{
	ws.stop_requested = 1;
	if (ws.ctx)
		lws_cancel_service(ws.ctx);
}

void ws_request_reopen(void)
{
	ws.reopen_requested = 1;
	if (ws.ctx)
		lws_cancel_service(ws.ctx);
}

static void wake(void *arg)
{
	lws_cancel_service(arg);
}

static void close_all(void)
{
	for (uint32_t i = 0; i < ws.nslots; i++)
		if (ws.slots[i].c)
			close_conn(ws.slots[i].c, LWS_CLOSE_STATUS_GOINGAWAY,
			           "server shutting down");
}

static int all_flushed(void)
{
	for (uint32_t i = 0; i < ws.nslots; i++)
		if (ws.slots[i].c && ws.slots[i].c->out_head)
			return 0;
	return 1;
}

/* Every TICK: shutdown phases, log reopening, known-set refresh. */
static void tick(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	int64_t now = time_now_ms();
	drain_replies();
	ctl_ops_run();
	calls_tick(now);
	probation_tick(now);
	if (ws.reopen_requested) {
		ws.reopen_requested = 0;
		log_reopen();
		log_info("ocppd: log reopened");
	}
	if (ws.stop_requested && ws.phase == RUNNING) {
		log_info("ocppd: shutting down: finishing queued work");
		ws.phase = DRAINING;
		dispatch_shutdown();
		ws.deadline_ms = now + DRAIN_TIMEOUT_MS;
	}
	if (ws.phase == DRAINING &&
	    ((dbq_idle() && all_flushed()) || now > ws.deadline_ms)) {
		drain_replies();
		ws.phase = CLOSING;
		ws.deadline_ms = now + CLOSE_TIMEOUT_MS;
		close_all();
	}
	if (ws.phase == CLOSING && (!ws.nconns || now > ws.deadline_ms))
		ws.phase = DONE;
	if (ws.phase == DONE) {
		evloop_break(ws.evloop);
		return;
	}
	if (ws.phase == RUNNING && now >= ws.next_known_ms) {
		/* Charge points registered meanwhile by the dashboard, and
		 * credentials changed by another writer. */
		ws.next_known_ms = now + KNOWN_REFRESH_MS;
		struct job *j = job_new(JOB_LOAD_KNOWN, "");
		if (j && dbq_submit(j, 1))
			job_free(j);
	}
	lws_sul_schedule(ws.ctx, 0, &ws.tick, tick, TICK_US);
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
static void drop_known(void)
{
	cp_secmap_free(ws.known);
	ws.known = NULL;
}

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

int ws_run(const struct csms_config *cfg, struct strmap *known, char *err,
           size_t errlen)
{
	ws.cfg = cfg;
	ws.known = known;
	ws.phase = RUNNING;
	strmap_init(&ws.conns);
	const char *addr = cfg->ocpp_listen[0] ? cfg->ocpp_listen : "0.0.0.0";
	if (probe_listen(addr, cfg->ocpp_port, err, errlen)) {
		drop_known();
		return -1;
	}

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
	lws_retry_bo_t retry;
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
		drop_known();
		return -1;
	}
	/* The port is bound: root is given up before anything else runs. */
	if (privdrop_apply(err, errlen)) {
		lws_context_destroy(ws.ctx);
		ws.ctx = NULL;
		drop_known();
		return -1;
	}
	char derr[256];
	if (dbq_start(cfg, wake, ws.ctx, derr, sizeof derr)) {
		snprintf(err, errlen, "database workers: %s", derr);
		lws_context_destroy(ws.ctx);
		ws.ctx = NULL;
		drop_known();
		return -1;
	}
	if (control_start(cfg, wake, ws.ctx, derr, sizeof derr)) {
		snprintf(err, errlen, "%s", derr);
		dbq_stop();
		lws_context_destroy(ws.ctx);
		ws.ctx = NULL;
		drop_known();
		return -1;
	}
	log_info("ocppd: event loop: %s",
	         ws.evloop ? "epoll (libev)"
	                   : "poll (lws libev plugin not available)");
	log_info("ocppd: listening on %s://%s:%d/%s", ws.tls ? "wss" : "ws",
	         addr, cfg->ocpp_port,
	         ws.client_certs ? " (client certificates required)" : "");
	lws_sul_schedule(ws.ctx, 0, &ws.tick, tick, TICK_US);
	if (ws.stop_requested)
		lws_cancel_service(ws.ctx);

	if (ws.evloop)
		while (ws.phase != DONE)
			evloop_run(ws.evloop);
	else
		while (ws.phase != DONE)
			if (lws_service(ws.ctx, 0) < 0)
				break;

	lws_sul_cancel(&ws.tick);
	/* Connection-state jobs of the links just closed, then the rest. */
	dbq_stop();
	lws_context_destroy(ws.ctx);
	ws.ctx = NULL;
	/* Last: closing the links above answered their commands. */
	control_stop();
	evloop_destroy(ws.evloop);
	ws.evloop = NULL;
	strmap_free(&ws.conns);
	drop_known();
	cp_auth_cleanup();
	free(ws.slots);
	ws.slots = NULL;
	ws.nslots = ws.cap = 0;
	return 0;
}
