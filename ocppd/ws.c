/*
 * ws.c — the libwebsockets server: the transport; see ws.h.
 *
 * Everything here runs on the one service thread.  The handshake is judged
 * in LWS_CALLBACK_HTTP_CONFIRM_UPGRADE (ws_upgrade.c).  Writes happen
 * only in LWS_CALLBACK_SERVER_WRITEABLE from a per-connection queue, or at
 * once when nothing is queued.  Work finished elsewhere (a database
 * worker) finds its link by reference — slot index plus generation —
 * because the socket may have closed meanwhile.
 */
#include "ws.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libwebsockets.h>
#include <malloc.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#ifdef CSMS_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "evloop.h"
#include "log.h"
#include "timeutil.h"
#include "ws_int.h"

/* lws's receive buffer, allocated per link for its life: a larger
 * message arrives in pieces and is put together in conn.rx. */
#define RX_CHUNK      1024
#define OUT_QUEUE_MAX 1024 /* replies a peer may leave unread */
/* struct conn, rounded up so the layer above's part is aligned. */
#define CONN_SIZE ((sizeof(struct conn) + 15) & ~(size_t)15)

struct ws_state ws_st = {.free_head = UINT32_MAX};

/* ---- connection references ------------------------------------------ */

static int slot_alloc(struct conn *c)
{
	uint32_t i;
	if (ws_st.free_head != UINT32_MAX) {
		i = ws_st.free_head;
		ws_st.free_head = ws_st.slots[i].next_free;
	} else {
		if (ws_st.nslots == ws_st.cap) {
			uint32_t cap = ws_st.cap ? ws_st.cap * 2 : 1024;
			struct slot *s = realloc(ws_st.slots, cap * sizeof *s);
			if (!s)
				return -1;
			ws_st.slots = s;
			ws_st.cap = cap;
		}
		i = ws_st.nslots++;
		ws_st.slots[i].gen = 0;
	}
	ws_st.slots[i].c = c;
	ws_st.slots[i].gen++;
	if (!ws_st.slots[i].gen)
		ws_st.slots[i].gen = 1; /* ref 0 stays "nobody" */
	c->ref = ((uint64_t)ws_st.slots[i].gen << 32) | i;
	return 0;
}

static void slot_free(struct conn *c)
{
	uint32_t i = (uint32_t)c->ref;
	if (!c->ref || i >= ws_st.nslots || ws_st.slots[i].c != c)
		return;
	ws_st.slots[i].c = NULL;
	ws_st.slots[i].gen++;
	ws_st.slots[i].next_free = ws_st.free_head;
	ws_st.free_head = i;
	c->ref = 0;
}

struct conn *ws_conn_by_ref(uint64_t ref)
{
	uint32_t i = (uint32_t)ref, gen = (uint32_t)(ref >> 32);
	if (i >= ws_st.nslots || ws_st.slots[i].gen != gen)
		return NULL;
	return ws_st.slots[i].c;
}

unsigned ws_conn_count(void)
{
	return ws_st.nconns;
}

void ws_stop_accepting(void)
{
	ws_st.refusing = 1;
}

int ws_accepting(void)
{
	return !ws_st.refusing;
}

void ws_set_draining(int on)
{
	if (on && !ws_st.draining)
		ws_st.drain_refused = 0; /* counted per drain */
	ws_st.draining = on ? 1 : 0;
}

int ws_draining(void)
{
	return ws_st.draining;
}

unsigned ws_drain_refused(void)
{
	return ws_st.drain_refused;
}

struct conn *ws_conn_next(uint32_t *cursor)
{
	while (*cursor < ws_st.nslots) {
		struct conn *c = ws_st.slots[(*cursor)++].c;
		if (c && c->live)
			return c;
	}
	return NULL;
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
	ws_st.out_bytes -= c->out_bytes;
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
	else if (c->out_bytes + len > (size_t)ws_st.cfg->send_queue_max)
		what = "bytes unread on this link";
	else if (ws_st.out_bytes + len >
	         (size_t)ws_st.cfg->send_queue_total_max)
		what = "bytes unread on all links";
	if (!what)
		return 0;
	log_warn("ocpp: %s | %u replies unread: closing (%s over the limit; "
	         "%zu bytes queued, %zu on all links)",
	         c->cp_id, c->out_count, what, c->out_bytes, ws_st.out_bytes);
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
	ws_st.out_bytes += f->len;
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
		ws_st.out_bytes -= f->len;
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

static int on_established(struct lws *wsi, struct conn *c)
{
	char path[1024], id[CP_ID_BYTES + 1];
	const char *why;
	memset(c, 0, CONN_SIZE + ws_st.ops->up_size);
	c->wsi = wsi;
	if (ws_st.ops->up_size)
		c->up = (struct session *)((char *)c + CONN_SIZE);
	if (ws_path_of(wsi, path, sizeof path) ||
	    handshake_identity(path, id, sizeof id, &why))
		return -1;
	/* lws chose the subprotocol: the first of the offer it knows. */
	const struct lws_protocols *pr = lws_get_protocol(wsi);
	c->proto = pr && pr->id == OCPP_P201 ? OCPP_P201 : OCPP_P16;
	c->cp_id = strdup(id);
	if (!c->cp_id || slot_alloc(c)) {
		free(c->cp_id);
		c->cp_id = NULL;
		return -1;
	}
	c->live = 1;
	ws_st.nconns++;
	ws_st.opened++;
	ws_st.churn++;
	int64_t now = time_now_ms();
	c->rate_ms = now;
	c->heard_ms = now;
	/* A full bucket: msg_burst <= 10^6, so at most 10^9 units. */
	c->rate_tokens = (uint32_t)ws_st.cfg->msg_burst * 1000u;
	return ws_st.ops->on_open(c);
}

void ws_gone_reason(const struct conn *c, char *why, size_t len)
{
	if (c->gone_why)
		snprintf(why, len, "%s", c->gone_why);
	else if (c->close_why)
		snprintf(why, len, "%s (code %u)", c->close_why, c->close_code);
	else if (c->peer_close_code)
		snprintf(why, len, "closed by the charge point (code %u)",
		         c->peer_close_code);
	else
		snprintf(why, len, "connection lost");
}

static void on_closed(struct conn *c)
{
	if (!c->live)
		return;
	c->live = 0;
	ws_st.nconns--;
	ws_st.churn++;
	char why[96];
	ws_gone_reason(c, why, sizeof why);
	log_info("ocpp: %s | disconnected: %s", c->cp_id, why);
	ws_st.ops->on_close(c);
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
	uint64_t cap = (uint64_t)ws_st.cfg->msg_burst * 1000;
	uint64_t t = c->rate_tokens;
	if (now > c->rate_ms) {
		t += (uint64_t)(now - c->rate_ms) *
		     (uint64_t)ws_st.cfg->msg_rate;
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
	size_t max = (size_t)ws_st.cfg->max_frame_size;
	int final = lws_is_final_fragment(wsi);
	if (final && ws_st.cfg->msg_rate > 0 && !rate_take(c)) {
		log_warn("ocpp: %s | more than %d messages/s (burst %d): "
		         "closing (1008)",
		         c->cp_id, ws_st.cfg->msg_rate, ws_st.cfg->msg_burst);
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
		ws_st.ops->on_frame(c, in, len);
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
		ws_st.ops->on_frame(c, c->rx, c->rx_len);
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
	case LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION:
		/* len is OpenSSL's preverify_ok.  lws turns our 0 into "valid"
		 * whatever OpenSSL found, so a certificate that does not
		 * chain to tls_ca must be failed here: 1 fails the TLS
		 * handshake. */
		return len ? 0 : 1;
	case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
		return ws_confirm_upgrade(wsi, in);
	case LWS_CALLBACK_HTTP:
		return ws_plain_http(wsi, in);
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		/* lws binds a handshake without Sec-WebSocket-Protocol to
		 * the default protocol; confirm_upgrade has refused it
		 * already unless allowed — this is the backstop. */
		if (!ws_st.cfg->accept_missing_subprotocol &&
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
		if (ws_st.ops)
			ws_st.ops->on_wake();
		return 0;
	default:
		return 0;
	}
}

/* per_session_data_size grows by ws_ops.up_size at ws_start.  The
 * first is the default: a handshake without a subprotocol speaks 1.6. */
static struct lws_protocols protocols[] = {
    {OCPP_SUBPROTOCOL, callback, sizeof(struct conn), RX_CHUNK, OCPP_P16, NULL,
     0},
    {OCPP_SUBPROTOCOL_201, callback, sizeof(struct conn), RX_CHUNK, OCPP_P201,
     NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/* ---- the loop -------------------------------------------------------- */

void ws_wake(void)
{
	if (ws_st.ctx)
		lws_cancel_service(ws_st.ctx);
}

static void timer_cb(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	if (ws_st.timer_fn)
		ws_st.timer_fn();
}

void ws_timer(void (*fn)(void), unsigned ms)
{
	ws_st.timer_fn = fn;
	lws_sul_schedule(ws_st.ctx, 0, &ws_st.timer, timer_cb,
	                 (lws_usec_t)ms * LWS_US_PER_MS);
}

/*
 * Silent links: ping_interval seconds without a frame or a pong from the
 * peer gets a ping; twice that plus 10 s, and the link is dropped without
 * a close handshake (the peer is gone).  One walk over the slots every
 * half interval (at most every second): a few microseconds per thousand
 * links, against lws's validity timer that costs a walk per message.
 */
static unsigned idle_every_ms(void)
{
	int p = ws_st.cfg->ping_interval;
	return p == 1 ? 500 : 1000;
}

/*
 * After a wave of handshakes (a reconnect storm) the heap holds what
 * they used and freed — a TLS handshake's buffers are tens of KB — and
 * glibc keeps it: 15,000 TLS links left ~290 MB resident after they had
 * all closed again, 3 KB per idle TLS link while they were up.  Once
 * the wave has passed (1,000 links opened or closed since, and fewer
 * than 10 new ones in the last walk) the free pages go back to the
 * system (malloc_trim, or jemalloc's purge of all arenas); it takes a
 * few milliseconds, once per wave.
 */
static void give_back(void)
{
#ifdef CSMS_JEMALLOC
	/* jemalloc returns freed pages only after dirty_decay_ms (10 s) of
	 * disuse; after a wave, at once, as glibc's trim does.  Arena 4096
	 * is MALLCTL_ARENAS_ALL. */
	mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
#else
	malloc_trim(0);
#endif
}

static void trim_after_wave(void)
{
	if (ws_st.churn >= 1000 && ws_st.opened < 10) {
		give_back();
		ws_st.churn = 0;
	}
	ws_st.opened = 0;
}

static void idle_walk(lws_sorted_usec_list_t *sul)
{
	(void)sul;
	trim_after_wave();
	if (ws_st.cfg->ping_interval > 0) {
		int64_t now = time_now_ms();
		int64_t ping = (int64_t)ws_st.cfg->ping_interval * 1000;
		int64_t hang = 2 * ping + 10000;
		for (uint32_t i = 0; i < ws_st.nslots; i++) {
			struct conn *c = ws_st.slots[i].c;
			if (!c || !c->live || c->closing)
				continue;
			int64_t idle = now - c->heard_ms;
			if (idle >= hang) {
				c->gone_why = "no answer to pings";
				lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK,
				                LWS_TO_KILL_ASYNC);
			} else if (idle >= ping && now - c->pinged_ms >= ping) {
				c->pinged_ms = now;
				ws_ping(c);
			}
		}
	}
	lws_sul_schedule(ws_st.ctx, 0, &ws_st.idle_timer, idle_walk,
	                 (lws_usec_t)idle_every_ms() * LWS_US_PER_MS);
}

void ws_close_all(void)
{
	for (uint32_t i = 0; i < ws_st.nslots; i++)
		if (ws_st.slots[i].c)
			ws_close(ws_st.slots[i].c, LWS_CLOSE_STATUS_GOINGAWAY,
			         "server shutting down");
}

int ws_all_flushed(void)
{
	for (uint32_t i = 0; i < ws_st.nslots; i++)
		if (ws_st.slots[i].c && ws_st.slots[i].c->out_head)
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
	return ws_st.ctx;
}

int ws_start(const struct csms_config *cfg, const struct ws_ops *ops, char *err,
             size_t errlen)
{
	ws_st.cfg = cfg;
	ws_st.ops = ops;
	protocols[0].per_session_data_size = CONN_SIZE + ops->up_size;
	protocols[1].per_session_data_size = CONN_SIZE + ops->up_size;
	ws_st.refusing = 0;
	ws_st.broken = 0;
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
	ws_st.tls = cfg->tls_cert[0] != '\0';
	ws_st.client_certs = ws_st.tls && cfg->tls_ca[0];
	if (ws_st.tls) {
		/* TLS only on this port (no ALLOW_NON_SSL_ON_SSL_PORT): a
		 * plain ws:// handshake never gets to the upgrade. */
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.ssl_cert_filepath = cfg->tls_cert;
		info.ssl_private_key_filepath =
		    cfg->tls_key[0] ? cfg->tls_key : cfg->tls_cert;
		info.ssl_options_set = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 |
		                       SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
		if (ws_st.client_certs) {
			info.ssl_ca_filepath = cfg->tls_ca;
			/* Requested, verified when sent, but not required by
			 * TLS: a password charge point (profile 1/2) shares
			 * the port with certificate ones; cp_auth_admit
			 * requires the certificate of profile 3. */
			info.options |=
			    LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT |
			    LWS_SERVER_OPTION_PEER_CERT_NOT_REQUIRED;
		}
	}
	info.count_threads = 1;
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY)
		info.fd_limit_per_thread = (unsigned)rl.rlim_cur;
	/* Handshake must complete quickly; idle links are policed by the
	 * ping policy below. */
	info.timeout_secs = (unsigned)cfg->handshake_timeout;
	/* No lws validity timer: lws 4.1 re-files it in a sorted list on
	 * every message received, a walk over all links — at 15,000 links
	 * the largest cost of the loop in a reconnect storm.  idle_walk
	 * below pings silent links instead. */
	static const lws_retry_bo_t no_validity = {NULL, 0, 0, 0, 0, 0};
	info.retry_and_idle_policy = &no_validity;
	/* epoll through libev; lws's poll() if its libev plugin is missing. */
	ws_st.evloop = evloop_new();
	if (ws_st.evloop) {
		void *loops[1] = {ws_st.evloop};
		info.options |= LWS_SERVER_OPTION_LIBEV;
		info.foreign_loops = loops;
		ws_st.ctx = lws_create_context(&info);
		info.foreign_loops = NULL;
		if (!ws_st.ctx) {
			evloop_destroy(ws_st.evloop);
			ws_st.evloop = NULL;
			info.options &= ~(uint64_t)LWS_SERVER_OPTION_LIBEV;
		}
	}
	if (!ws_st.ctx)
		ws_st.ctx = lws_create_context(&info);
	if (!ws_st.ctx) {
		snprintf(err, errlen, "cannot listen on %s:%d: %s", addr,
		         cfg->ocpp_port,
		         ws_st.tls ? "libwebsockets could not start (check "
		                     "tls_cert, tls_key, tls_ca)"
		                   : "libwebsockets could not start");
		return -1;
	}
	return 0;
}

void ws_run(void)
{
	lws_sul_schedule(ws_st.ctx, 0, &ws_st.idle_timer, idle_walk,
	                 (lws_usec_t)idle_every_ms() * LWS_US_PER_MS);
	const char *addr =
	    ws_st.cfg->ocpp_listen[0] ? ws_st.cfg->ocpp_listen : "0.0.0.0";
	log_info("ocppd: event loop: %s",
	         ws_st.evloop ? "epoll (libev)"
	                      : "poll (lws libev plugin not available)");
	log_info("ocppd: listening on %s://%s:%d/%s", ws_st.tls ? "wss" : "ws",
	         addr, ws_st.cfg->ocpp_port,
	         ws_st.client_certs
	             ? " (client certificates checked; required for security "
	               "profile 3)"
	             : "");
	if (ws_st.evloop)
		while (!ws_st.broken)
			evloop_run(ws_st.evloop);
	else
		while (!ws_st.broken)
			if (lws_service(ws_st.ctx, 0) < 0)
				break;
}

void ws_break(void)
{
	ws_st.broken = 1;
	evloop_break(ws_st.evloop);
}

void ws_destroy(void)
{
	if (ws_st.ctx) {
		lws_sul_cancel(&ws_st.timer);
		lws_sul_cancel(&ws_st.idle_timer);
		lws_context_destroy(ws_st.ctx);
		ws_st.ctx = NULL;
	}
	evloop_destroy(ws_st.evloop);
	ws_st.evloop = NULL;
	free(ws_st.slots);
	ws_st.slots = NULL;
	ws_st.nslots = ws_st.cap = 0;
	ws_st.free_head = UINT32_MAX;
}
