/*
 * load_conn.c — one simulated charge point's link in load mode: the lws
 * callback, building and sending its next call, scanning the answers in
 * place, and opening the connection from a spread source address.
 *
 * The hot path allocates nothing: frames are built with snprintf into one
 * shared buffer, replies are scanned in place (frame.c) and latencies go
 * into a fixed-size histogram.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "frame.h"
#include "load_int.h"

struct slot *load_slots_of(struct load *L, struct lconn *c)
{
	return &L->slots[(size_t)c->idx * (size_t)L->k];
}

static const char *now_ts(struct load *L)
{
	int64_t ms = clock_wall_ms();

	if (ms != L->ts_ms) {
		L->ts_ms = ms;
		clock_iso8601(ms, L->ts);
	}
	return L->ts;
}

/* ---- rate mode: a ring of charge points able to take a send credit ---- */

void load_ring_push(struct load *L, struct lconn *c)
{
	if (c->in_ring || L->ring_count == L->n)
		return;
	L->ring[(L->ring_head + L->ring_count) % L->n] = c->idx;
	L->ring_count++;
	c->in_ring = 1;
}

struct lconn *load_ring_pop(struct load *L)
{
	struct lconn *c;

	if (!L->ring_count)
		return NULL;
	c = &L->conns[L->ring[L->ring_head]];
	L->ring_head = (L->ring_head + 1) % L->n;
	L->ring_count--;
	c->in_ring = 0;
	return c;
}

static int can_send(struct load *L, struct lconn *c)
{
	if (c->state != LS_READY || L->phase != P_TRAFFIC ||
	    c->inflight >= L->k)
		return 0;
	return L->rate > 0 ? c->credits > 0 : 1;
}

static int send_next(struct load *L, struct lconn *c);

/*
 * Straight after an answer, inside that connection's receive callback:
 * send the next call at once instead of asking for a WRITEABLE callback.
 * lws 4.1 buffers whatever the socket does not take (and sends it before
 * anything else), so this is safe for ws over h1, and it saves the two
 * poll-mask changes and the extra wake-up per message that make up a
 * quarter of the cost at this rate.
 */
static int release_now(struct load *L, struct lconn *c)
{
	if (c->state == LS_READY && L->phase == P_TRAFFIC && L->rate <= 0 &&
	    !c->reply) {
		while (can_send(L, c))
			if (send_next(L, c) < 0)
				return -1;
		return 0;
	}
	load_release(L, c);
	return 0;
}

/* After an answer: give the charge point its next turn. */
void load_release(struct load *L, struct lconn *c)
{
	if (c->state != LS_READY || L->phase != P_TRAFFIC)
		return;
	if (can_send(L, c))
		lws_callback_on_writable(c->wsi);
	else if (L->rate > 0 && c->inflight + c->credits < L->k)
		load_ring_push(L, c);
}

/* ---- sending ---- */

static struct slot *free_slot(struct load *L, struct lconn *c)
{
	struct slot *s = load_slots_of(L, c);
	int i;

	for (i = 0; i < L->k; i++)
		if (!s[i].used)
			return &s[i];
	return NULL;
}

/* The next message of this charge point's cycle, keeping Start/Stop
 * consistent: a Stop names the charge point's own transaction. */
static enum lmsg next_msg(struct load *L, struct lconn *c)
{
	enum lmsg m;
	int tries;

	for (tries = 0; tries < LOAD_MIX_CYCLE; tries++) {
		m = load_mix_at(L->o->mix, c->cycle);
		if (m == LM_STOP && c->tx == TXS_STARTING)
			return LM_HEARTBEAT; /* its Start is still in flight */
		c->cycle = (uint8_t)((c->cycle + 1) % LOAD_MIX_CYCLE);
		if (m == LM_STOP && c->tx != TXS_RUNNING)
			continue; /* the Start failed: nothing to stop */
		if (m == LM_START && c->tx != TXS_NONE)
			continue;
		return m;
	}
	return LM_HEARTBEAT;
}

static int send_msg(struct load *L, struct lconn *c, enum lmsg m)
{
	unsigned char *buf = L->txbuf + LWS_PRE;
	struct lcp_view v;
	struct slot *s = free_slot(L, c);
	int len, seq;

	if (!s)
		return 0;
	if (m == LM_METER && c->tx == TXS_RUNNING)
		c->meter_wh += 31; /* about 11 kW for 10 s */
	v.idx = c->idx;
	v.tx_id = c->tx == TXS_RUNNING ? c->tx_id : -1;
	v.meter_wh = c->meter_wh;
	v.connector = c->cycle; /* storm: the connector being reported */
	seq = 0;
	if (c->v201) {
		/* The station names its transactions itself. */
		if (m == LM_START) {
			c->tx_id++;
			c->seq = 0;
			v.tx_id = c->tx_id;
		}
		if (v.tx_id >= 0 &&
		    (m == LM_START || m == LM_STOP || m == LM_METER))
			seq = c->seq++;
	}
	len = c->v201
	          ? load_mix_build201((char *)buf, LOAD_TX_BUF, m, ++c->next_id,
	                              &v, now_ts(L), L->run, seq)
	          : load_mix_build((char *)buf, LOAD_TX_BUF, m, ++c->next_id,
	                           &v, now_ts(L));
	if (len < 0)
		return 0;
	if (m == LM_START)
		c->tx = TXS_STARTING;
	else if (m == LM_STOP)
		c->tx = TXS_NONE;
	s->used = 1;
	s->id = c->next_id;
	s->kind = (uint8_t)m;
	s->counted = m != LM_BOOT && L->phase == P_TRAFFIC;
	s->sent_us = s->due_us = clock_mono_us();
	s->ts_ms = L->ts_ms;
	s->tx_id = v.tx_id;
	s->meter_wh = v.meter_wh;
	s->seq = (uint8_t)seq;
	c->inflight++;
	if (s->counted)
		L->st.sent++;
	if (lws_write(c->wsi, buf, (size_t)len, LWS_WRITE_TEXT) < len)
		return -1;
	return 0;
}

int load_send(struct load *L, struct lconn *c, enum lmsg m)
{
	return send_msg(L, c, m);
}

static int on_writeable(struct load *L, struct lconn *c)
{
	if (c->reply) {
		size_t len = strlen(c->reply + LWS_PRE);
		int r = lws_write(c->wsi, (unsigned char *)c->reply + LWS_PRE,
		                  len, LWS_WRITE_TEXT);

		free(c->reply);
		c->reply = NULL;
		if (r < (int)len)
			return -1;
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->resend && load_resend(L, c) < 0)
		return -1;
	if (c->want_close) {
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_NORMAL,
		                 (unsigned char *)"done", 4);
		return -1;
	}
	if (c->need_boot) {
		c->need_boot = 0;
		return send_msg(L, c, LM_BOOT);
	}
	if (!can_send(L, c))
		return 0;
	if (send_next(L, c) < 0)
		return -1;
	if (can_send(L, c))
		lws_callback_on_writable(c->wsi);
	return 0;
}

static int send_next(struct load *L, struct lconn *c)
{
	if (L->rate > 0)
		c->credits--;
	return send_msg(L, c, next_msg(L, c));
}

/* ---- receiving ---- */

/* Minimal answers to the central system's calls in load mode. */
static const char *load_answer(const char *a, size_t n, const char **err)
{
	static const struct {
		const char *action, *payload;
	} t[] = {
	    {"ChangeAvailability", "{\"status\":\"Rejected\"}"},
	    {"ChangeConfiguration", "{\"status\":\"Accepted\"}"},
	    {"ClearCache", "{\"status\":\"Accepted\"}"},
	    {"DataTransfer", "{\"status\":\"UnknownVendorId\"}"},
	    {"GetConfiguration", "{\"configurationKey\":[]}"},
	    {"RemoteStartTransaction", "{\"status\":\"Rejected\"}"},
	    {"RemoteStopTransaction", "{\"status\":\"Rejected\"}"},
	    {"Reset", "{\"status\":\"Rejected\"}"},
	    {"TriggerMessage", "{\"status\":\"Rejected\"}"},
	    {"UnlockConnector", "{\"status\":\"NotSupported\"}"},
	};
	size_t i;

	*err = NULL;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strlen(t[i].action) == n && !memcmp(t[i].action, a, n))
			return t[i].payload;
	*err = "NotImplemented";
	return NULL;
}

/* The same for a 2.0.1 charge point, with 2.0.1's statuses. */
static const char *load_answer201(const char *a, size_t n, const char **err)
{
	static const struct {
		const char *action, *payload;
	} t[] = {
	    {"ChangeAvailability", "{\"status\":\"Rejected\"}"},
	    {"ClearCache", "{\"status\":\"Accepted\"}"},
	    {"DataTransfer", "{\"status\":\"UnknownVendorId\"}"},
	    {"GetBaseReport", "{\"status\":\"NotSupported\"}"},
	    {"RequestStartTransaction", "{\"status\":\"Rejected\"}"},
	    {"RequestStopTransaction", "{\"status\":\"Rejected\"}"},
	    {"Reset", "{\"status\":\"Rejected\"}"},
	    {"TriggerMessage", "{\"status\":\"Rejected\"}"},
	    {"UnlockConnector", "{\"status\":\"UnlockFailed\"}"},
	};
	size_t i;

	*err = NULL;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strlen(t[i].action) == n && !memcmp(t[i].action, a, n))
			return t[i].payload;
	*err = "NotImplemented";
	return NULL;
}

static void answer_server_call(struct load *L, struct lconn *c,
                               const struct frame *f)
{
	const char *err, *payload;
	size_t cap = LWS_PRE + f->id_len + 128;

	L->st.server_calls++;
	if (c->reply)
		return; /* one pending answer is plenty for a benchmark */
	payload = c->v201 ? load_answer201(f->action, f->action_len, &err)
	                  : load_answer(f->action, f->action_len, &err);
	c->reply = malloc(cap);
	if (!c->reply)
		return;
	if ((err ? frame_error(c->reply + LWS_PRE, cap - LWS_PRE, f->id,
	                       f->id_len, err, "cpsim load mode")
	         : frame_result(c->reply + LWS_PRE, cap - LWS_PRE, f->id,
	                        f->id_len, payload)) < 0) {
		free(c->reply);
		c->reply = NULL;
		return;
	}
	lws_callback_on_writable(c->wsi);
}

static struct slot *find_slot(struct load *L, struct lconn *c,
                              const struct frame *f)
{
	struct slot *s = load_slots_of(L, c);
	uint32_t id = 0;
	size_t i;

	if (!f->id_len || f->id_len > 10)
		return NULL;
	for (i = 0; i < f->id_len; i++) {
		if (f->id[i] < '0' || f->id[i] > '9')
			return NULL;
		id = id * 10 + (uint32_t)(f->id[i] - '0');
	}
	for (i = 0; i < (size_t)L->k; i++)
		if (s[i].used && s[i].id == id)
			return &s[i];
	return NULL;
}

void load_boot_done(struct load *L, struct lconn *c, int accepted)
{
	if (c->state != LS_BOOTING)
		return;
	L->settled++;
	if (accepted) {
		c->state = LS_READY;
		L->st.booted++;
		if (L->phase == P_TRAFFIC)
			load_release(L, c);
	} else {
		c->state = LS_REJECTED;
		L->st.boot_rejected++;
	}
}

static int on_message(struct load *L, struct lconn *c, const char *text,
                      size_t len)
{
	struct frame f;
	struct slot *s;
	const char *v;
	size_t vn;
	long long tx;

	if (frame_scan(text, len, &f) < 0) {
		L->st.protocol++;
		return 0;
	}
	if (f.type == FRAME_CALL) {
		answer_server_call(L, c, &f);
		return 0;
	}
	if (f.type != FRAME_RESULT && f.type != FRAME_ERROR)
		return 0;
	s = find_slot(L, c, &f);
	if (!s) {
		L->st.protocol++;
		return 0;
	}
	if (s->counted) {
		L->st.answered++;
		hist_add(&L->st.lat, (uint64_t)(clock_mono_us() - s->sent_us));
	}
	if (f.type == FRAME_ERROR) {
		if (s->counted || s->kind == LM_BOOT) {
			L->st.callerrors++;
			load_stats_callerror(&L->st, f.err_code,
			                     f.err_code_len);
		}
	} else if (s->counted) {
		L->st.results++;
	}
	s->used = 0;
	c->inflight--;
	switch (s->kind) {
	case LM_BOOT:
		if (L->o->mix == MIX_STORM)
			return load_storm_boot(L, c, &f);
		load_boot_done(L, c,
		               f.type == FRAME_RESULT &&
		                   !frame_obj_get(f.payload, f.payload_len,
		                                  "status", &v, &vn) &&
		                   vn == 8 && !memcmp(v, "Accepted", 8));
		return 0;
	case LM_START:
		if (c->v201) {
			/* Its own transactionId: running once answered. */
			c->tx = f.type == FRAME_RESULT ? TXS_RUNNING : TXS_NONE;
			break;
		}
		if (f.type == FRAME_RESULT &&
		    !frame_obj_int(f.payload, f.payload_len, "transactionId",
		                   &tx)) {
			c->tx = TXS_RUNNING;
			c->tx_id = (int32_t)tx;
			load_journal(L, c, s, tx);
		} else {
			c->tx = TXS_NONE;
		}
		break;
	case LM_STOP:
		if (f.type == FRAME_RESULT && !c->v201)
			load_journal(L, c, s, s->tx_id);
		break;
	case LM_STATUS_CONNECTOR:
		return load_storm_status(L, c, &f);
	default:
		break;
	}
	return release_now(L, c);
}

static int on_receive(struct load *L, struct lconn *c, struct lws *wsi,
                      const char *in, size_t len)
{
	int whole =
	    lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi);
	char *n;

	if (!c->rx && whole)
		return on_message(L, c, in, len);
	if (c->rx_len + len > 1024 * 1024)
		return -1;
	n = realloc(c->rx, c->rx_len + len + 1);
	if (!n)
		return -1;
	c->rx = n;
	memcpy(c->rx + c->rx_len, in, len);
	c->rx_len += (uint32_t)len;
	if (whole) {
		int r = on_message(L, c, c->rx, c->rx_len);

		free(c->rx);
		c->rx = NULL;
		c->rx_len = 0;
		return r;
	}
	return 0;
}

static void conn_gone(struct load *L, struct lconn *c)
{
	struct slot *s = load_slots_of(L, c);
	int i;

	free(c->reply);
	c->reply = NULL;
	free(c->rx);
	c->rx = NULL;
	c->rx_len = 0;
	if (load_reconnect_drop(L, c))
		return; /* its calls stay in flight, to be sent again */
	if (c->state == LS_BOOTING)
		L->settled++;
	if (c->state == LS_READY || c->state == LS_BOOTING) {
		if (L->phase < P_CLOSE)
			L->st.closed_early++;
	}
	c->state = LS_CLOSED;
	c->wsi = NULL;
	c->inflight = 0;
	for (i = 0; i < L->k; i++)
		s[i].used = 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
                    void *user, void *in, size_t len)
{
	struct lws_context *ctx = lws_get_context(wsi);
	struct load *L = ctx ? lws_context_user(ctx) : NULL;
	struct lconn *c = lws_get_opaque_user_data(wsi);
	unsigned char **p, *end;
	int status;

	(void)user;
	if (!L || !c)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (!L->auth_hdr[0])
			break;
		p = (unsigned char **)in;
		end = *p + len;
		if (lws_add_http_header_by_token(
		        wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
		        (unsigned char *)L->auth_hdr, (int)strlen(L->auth_hdr),
		        p, end))
			return -1;
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (c->state != LS_CONNECTING)
			break;
		if (c->down_us) {
			load_reconnect_failed(L, c);
			break;
		}
		status = (int)lws_http_client_http_response(wsi);
		if (status)
			load_stats_http(&L->st, status);
		if (L->o->verbose)
			fprintf(stderr, "cpsim load: CP %u: %s\n", c->idx + 1,
			        in ? (const char *)in : "connect failed");
		L->st.connect_failed++;
		L->connecting--;
		L->settled++;
		c->state = LS_FAILED;
		c->wsi = NULL;
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (c->down_us) {
			load_reconnect_up(L, c);
			break;
		}
		L->connecting--;
		L->st.connected++;
		c->state = LS_BOOTING;
		c->need_boot = 1;
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(L, c);
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return on_receive(L, c, wsi, in, len);
	case LWS_CALLBACK_CLIENT_CLOSED:
		conn_gone(L, c);
		break;
	default:
		break;
	}
	return 0;
}

/*
 * No lws validity (idle ping) timer: lws 4.1 re-files it in a sorted list
 * on every received message, a walk over all N connections each time.
 * OCPP traffic itself shows the links are alive.
 */
const lws_retry_bo_t load_no_validity = {NULL, 0, 0, 0, 0, 0};

const struct lws_protocols load_protocols[] = {
    {"cpsim-load", callback, 0, LOAD_RX_BUF, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

void load_open(struct load *L, struct lconn *c)
{
	struct lws_client_connect_info ci;
	char ident[300], path[2048];

	load_ident(L, c, ident, sizeof ident);
	if (url_path(L->u, ident, path, sizeof path) < 0) {
		c->state = LS_FAILED;
		L->st.connect_failed++;
		L->settled++;
		return;
	}
	memset(&ci, 0, sizeof ci);
	ci.context = L->ctx;
	ci.address = L->address;
	ci.port = L->u->port;
	ci.path = path;
	ci.host = L->host_hdr;
	ci.origin = L->host_hdr;
	/* A 2.0.1 charge point of a mixed fleet offers 2.0.1. */
	ci.protocol =
	    c->v201 && !L->o->ocpp201 ? "ocpp2.0.1" : L->o->subprotocol;
	ci.local_protocol_name = load_protocols[0].name;
	ci.opaque_user_data = c;
	ci.pwsi = &c->wsi;
	ci.retry_and_idle_policy = &load_no_validity;
	if (L->bind_src)
		ci.iface = L->src[c->idx % LOAD_SRC_ADDRS];
	if (L->u->tls) {
		ci.ssl_connection = LCCSCF_USE_SSL;
		if (L->o->insecure)
			ci.ssl_connection |=
			    LCCSCF_ALLOW_SELFSIGNED |
			    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
			    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	}
	c->state = LS_CONNECTING;
	L->connecting++;
	if (!lws_client_connect_via_info(&ci) && c->state == LS_CONNECTING) {
		if (c->down_us) {
			load_reconnect_failed(L, c);
			return;
		}
		/* Failed before lws could call back. */
		c->state = LS_FAILED;
		c->wsi = NULL;
		L->connecting--;
		L->st.connect_failed++;
		L->settled++;
	}
}
