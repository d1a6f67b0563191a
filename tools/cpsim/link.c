/*
 * link.c — the single-connection lws client.  The callback switch turns
 * lws events into the four link_ops calls; writes happen only in
 * LWS_CALLBACK_CLIENT_WRITEABLE, one frame per callback, with LWS_PRE
 * headroom as lws requires.
 */
#include "link.h"

#include <libwebsockets.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define LINK_MAX_MSG (4 * 1024 * 1024)
#define LINK_TICK_US (100 * LWS_US_PER_MS)

struct out_msg {
	struct out_msg *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE + len */
};

struct link {
	struct link_opts o;
	struct link_ops ops;
	void *ud;
	struct lws_context *ctx;
	struct lws *wsi;
	lws_sorted_usec_list_t tick_sul;
	int open;
	int stop;
	int destroying;
	int close_code; /* > 0: close requested */
	int peer_close; /* the server's close code, if it sent one */
	char peer_reason[64];
	struct out_msg *head, *tail;
	char *rx;
	size_t rx_len, rx_cap;
	char auth_hdr[512]; /* "Basic ..." */
	char host_hdr[300];
	char proto[64]; /* the subprotocol the server chose */
};

static void drop_queue(struct link *l)
{
	while (l->head) {
		struct out_msg *m = l->head;

		l->head = m->next;
		free(m);
	}
	l->tail = NULL;
}

static void report_closed(struct link *l, struct lws *wsi, int was_open,
                          const char *why)
{
	char buf[160];
	int status = 0;

	if (!was_open && wsi)
		status = (int)lws_http_client_http_response(wsi);
	if (was_open && l->peer_close) {
		snprintf(buf, sizeof buf, "server closed the link (%d%s%s)",
		         l->peer_close, l->peer_reason[0] ? " " : "",
		         l->peer_reason);
		why = buf;
	} else if (was_open && !l->close_code) {
		why = "link lost (no close frame)";
	}
	l->wsi = NULL;
	l->open = 0;
	l->close_code = 0;
	l->peer_close = 0;
	l->peer_reason[0] = '\0';
	l->rx_len = 0;
	drop_queue(l);
	if (!l->destroying)
		l->ops.closed(l->ud, was_open, status, why);
}

static int on_receive(struct link *l, struct lws *wsi, const void *in,
                      size_t len)
{
	if (l->rx_len + len + 1 > l->rx_cap) {
		size_t cap = l->rx_cap ? l->rx_cap : 4096;
		char *n;

		while (cap < l->rx_len + len + 1)
			cap *= 2;
		if (cap > LINK_MAX_MSG)
			return -1;
		n = realloc(l->rx, cap);
		if (!n)
			return -1;
		l->rx = n;
		l->rx_cap = cap;
	}
	memcpy(l->rx + l->rx_len, in, len);
	l->rx_len += len;
	if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi))
		return 0;
	l->rx[l->rx_len] = '\0';
	if (l->o.verbose)
		fprintf(stderr, "%s < %s\n", l->o.tag, l->rx);
	len = l->rx_len;
	l->rx_len = 0;
	l->ops.message(l->ud, l->rx, len);
	return 0;
}

static int on_writeable(struct link *l, struct lws *wsi)
{
	struct out_msg *m = l->head;

	/* Whatever was queued before the close goes out first. */
	if (!m && l->close_code) {
		lws_close_reason(wsi, (enum lws_close_status)l->close_code,
		                 (unsigned char *)"bye", 3);
		return -1;
	}
	if (!m)
		return 0;
	l->head = m->next;
	if (!l->head)
		l->tail = NULL;
	if (lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) <
	    (int)m->len) {
		free(m);
		return -1;
	}
	free(m);
	if (l->head || l->close_code)
		lws_callback_on_writable(wsi);
	return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
                    void *user, void *in, size_t len)
{
	struct lws_context *ctx = lws_get_context(wsi);
	struct link *l = ctx ? lws_context_user(ctx) : NULL;
	unsigned char **p, *end;

	(void)user;
	if (!l)
		return 0;
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
		if (!l->auth_hdr[0] || wsi != l->wsi)
			break;
		p = (unsigned char **)in;
		end = *p + len;
		if (lws_add_http_header_by_token(
		        wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
		        (unsigned char *)l->auth_hdr, (int)strlen(l->auth_hdr),
		        p, end))
			return -1;
		break;
	case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH:
		/* The response headers are gone by CLIENT_ESTABLISHED. */
		if (lws_hdr_copy(wsi, l->proto, sizeof l->proto,
		                 WSI_TOKEN_PROTOCOL) < 0)
			l->proto[0] = '\0';
		break;
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		l->open = 1;
		l->ops.connected(l->ud, l->proto);
		if (l->head || l->close_code)
			lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		if (wsi == l->wsi || !l->wsi)
			report_closed(l, wsi, 0,
			              in && len ? (const char *)in
			                        : "connection failed");
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (lws_frame_is_binary(wsi))
			break; /* OCPP-J is text only */
		return on_receive(l, wsi, in, len);
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return on_writeable(l, wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len >= 2) {
			const unsigned char *b = in;
			size_t rl = len - 2;

			l->peer_close = b[0] << 8 | b[1];
			if (rl >= sizeof l->peer_reason)
				rl = sizeof l->peer_reason - 1;
			memcpy(l->peer_reason, b + 2, rl);
			l->peer_reason[rl] = '\0';
		}
		break;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (wsi == l->wsi)
			report_closed(l, wsi, 1, "closed");
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
    {"cpsim-link", callback, 0, 8192, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void tick_cb(lws_sorted_usec_list_t *sul)
{
	struct link *l = lws_container_of(sul, struct link, tick_sul);

	l->ops.tick(l->ud);
	if (!l->stop)
		lws_sul_schedule(l->ctx, 0, &l->tick_sul, tick_cb,
		                 LINK_TICK_US);
}

struct link *link_new(const struct link_opts *o, const struct link_ops *ops,
                      void *ud, char *err, size_t errlen)
{
	struct lws_context_creation_info info;
	struct link *l = calloc(1, sizeof *l);

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->o = *o;
	l->ops = *ops;
	l->ud = ud;
	if (o->basic_auth) {
		char b64[400];

		if (lws_b64_encode_string(o->basic_auth,
		                          (int)strlen(o->basic_auth), b64,
		                          sizeof b64) < 0) {
			snprintf(err, errlen, "--basic-auth value too long");
			free(l);
			return NULL;
		}
		snprintf(l->auth_hdr, sizeof l->auth_hdr, "Basic %s", b64);
	}
	if (strchr(o->url->host, ':'))
		snprintf(l->host_hdr, sizeof l->host_hdr, "[%s]:%d",
		         o->url->host, o->url->port);
	else
		snprintf(l->host_hdr, sizeof l->host_hdr, "%s:%d", o->url->host,
		         o->url->port);

	lws_set_log_level(o->verbose ? LLL_ERR | LLL_WARN : LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = l;
	info.gid = -1;
	info.uid = -1;
	if (o->url->tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath = o->ca_file;
		info.client_ssl_cert_filepath = o->cert_file;
		info.client_ssl_private_key_filepath = o->key_file;
	}
	l->ctx = lws_create_context(&info);
	if (!l->ctx) {
		snprintf(err, errlen, "cannot create the lws context");
		free(l);
		return NULL;
	}
	lws_sul_schedule(l->ctx, 0, &l->tick_sul, tick_cb, LINK_TICK_US);
	return l;
}

void link_free(struct link *l)
{
	if (!l)
		return;
	lws_sul_cancel(&l->tick_sul);
	l->destroying = 1;
	lws_context_destroy(l->ctx);
	drop_queue(l);
	free(l->rx);
	free(l);
}

int link_connect(struct link *l)
{
	struct lws_client_connect_info ci;

	if (l->wsi)
		return 0;
	memset(&ci, 0, sizeof ci);
	ci.context = l->ctx;
	ci.address = l->o.url->host;
	ci.port = l->o.url->port;
	ci.path = l->o.path;
	ci.host = l->host_hdr;
	ci.origin = l->host_hdr;
	ci.protocol = l->o.subprotocols;
	ci.local_protocol_name = protocols[0].name;
	ci.pwsi = &l->wsi;
	if (l->o.url->tls) {
		ci.ssl_connection = LCCSCF_USE_SSL;
		if (l->o.insecure)
			ci.ssl_connection |=
			    LCCSCF_ALLOW_SELFSIGNED |
			    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
			    LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
	}
	l->open = 0;
	l->proto[0] = '\0';
	if (!lws_client_connect_via_info(&ci)) {
		/* lws may already have reported the failure through the
		 * callback; if not, report it now. */
		if (l->wsi) {
			l->wsi = NULL;
			l->ops.closed(l->ud, 0, 0, "connection failed");
		}
		return -1;
	}
	return 0;
}

int link_is_open(const struct link *l)
{
	return l->open;
}

int link_is_busy(const struct link *l)
{
	return l->wsi != NULL;
}

int link_send(struct link *l, const char *text, size_t len)
{
	struct out_msg *m;

	if (!l->open || !l->wsi)
		return -1;
	m = malloc(sizeof *m + LWS_PRE + len);
	if (!m)
		return -1;
	m->next = NULL;
	m->len = len;
	memcpy(m->buf + LWS_PRE, text, len);
	if (l->tail)
		l->tail->next = m;
	else
		l->head = m;
	l->tail = m;
	if (l->o.verbose)
		fprintf(stderr, "%s > %.*s\n", l->o.tag, (int)len, text);
	lws_callback_on_writable(l->wsi);
	return 0;
}

void link_close(struct link *l, int code)
{
	if (!l->wsi)
		return;
	if (!l->open) {
		link_drop(l);
		return;
	}
	l->close_code = code;
	lws_callback_on_writable(l->wsi);
}

void link_drop(struct link *l)
{
	int fd;

	if (!l->wsi)
		return;
	fd = (int)lws_get_socket_fd(l->wsi);
	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	/* lws sees the hang-up on its next poll and reports the close. */
	lws_set_timeout(l->wsi, PENDING_TIMEOUT_CLOSE_ACK, LWS_TO_KILL_ASYNC);
}

int link_run(struct link *l)
{
	while (!l->stop)
		if (lws_service(l->ctx, 0) < 0)
			return -1;
	return 0;
}

void link_stop(struct link *l)
{
	l->stop = 1;
	lws_cancel_service(l->ctx);
}
