/*
 * control.c — the control socket server; see control.h.
 *
 * The listening sockets and the clients are descriptors adopted by the
 * OCPP event loop (lws_adopt_descriptor_vhost, raw file descriptors on a
 * vhost of their own that listens on nothing), so requests, answers and
 * the ops that run them all live on one thread: no lock, no queue between
 * threads.  Clients are slots with a generation, like the WebSocket
 * links, because an answer may come after its client left: the reference
 * then no longer matches and the answer is dropped.  Every buffer is
 * bounded: a client may have one request line of up to CONTROL_LINE_MAX
 * bytes buffered beyond the one being answered, and one request in
 * flight; while it may not send more, its socket is not read.
 */
#include "control.h"

#include <errno.h>
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "control_listen.h"
#include "ctl_addr.h"
#include "log.h"
#include "timeutil.h"

#define READ_CHUNK 4096
#define PROTOCOL   "ocppd-control"
/* An unauthenticated TCP client has this long to send its auth line. */
#define AUTH_IDLE_MS 10000

struct client {
	int fd; /* -1: free slot */
	uint32_t gen;
	struct lws *wsi;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	/* busy: a request in flight; closing: close once flushed; eof: the
	 * client sent all it will (a half-close still gets its answers);
	 * kill: close at the next writable callback; reading: POLLIN on;
	 * authed: may send requests (a Unix socket client always: the
	 * socket's permissions are its check; a control_listen client once
	 * it sent the secret). */
	unsigned busy : 1, closing : 1, eof : 1, kill : 1, reading : 1,
	    authed : 1;
	int64_t active_ms; /* last byte in or answer out (monotonic) */
};

static struct {
	const struct csms_config *cfg;
	void (*on_request)(const struct control_req *r);
	struct lws_vhost *vh;
	int unix_fd, tcp_fd, addr_fd; /* until adopted */
	struct lws *unix_wsi, *tcp_wsi, *addr_wsi;
	/* control_listen's shared secret ("" none: a loopback listener
	 * without control_secret_file trusts its clients like the port) */
	char secret[CTL_SECRET_MAX + 1];
	char advertised[CTL_ADDR_MAX + 1]; /* nodes.control_addr */
	int own_path; /* we bound control_socket: remove it at stop */
	int stopping; /* control_stop ran: answers go nowhere */
	struct client clients[CONTROL_CLIENT_MAX];
	unsigned nclients;
} ctl = {.unix_fd = -1, .tcp_fd = -1, .addr_fd = -1};

unsigned control_clients(void)
{
	return ctl.nclients;
}

const char *control_advertised(void)
{
	return ctl.advertised;
}

static uint64_t client_ref(const struct client *c)
{
	return ((uint64_t)c->gen << 32) | (uint64_t)(c - ctl.clients);
}

static struct client *client_from_ref(uint64_t ref)
{
	uint32_t i = (uint32_t)ref;
	if (i >= CONTROL_CLIENT_MAX)
		return NULL;
	struct client *c = &ctl.clients[i];
	if (c->fd < 0 || c->gen != (uint32_t)(ref >> 32))
		return NULL;
	return c;
}

static void control_req_free(struct control_req *r)
{
	if (!r)
		return;
	cJSON_Delete(r->params);
	free(r);
}

static int client_queue(struct client *c, const char *text, size_t len)
{
	if (c->out_off && c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;
		while (cap < c->out_len + len)
			cap *= 2;
		char *p = realloc(c->out, cap);
		if (!p)
			return -1;
		c->out = p;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	return 0;
}

/* Writes what it can; -1 when the client is to be closed. */
static int client_flush(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n =
		    send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			lws_callback_on_writable(c->wsi);
			return 0;
		}
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return (c->closing || c->eof) && !c->busy ? -1 : 0;
}

/* Reads only while the client may send more: one line beyond the one in
 * flight, and not after it said it is done. */
static void update_flow(struct client *c)
{
	int want = c->in_len <= CONTROL_LINE_MAX && !c->closing && !c->eof;
	if (want != c->reading) {
		c->reading = want ? 1 : 0;
		lws_rx_flow_control(c->wsi, want);
	}
}

/* Closes c at its next writable callback (outside its own callbacks). */
static void client_kill(struct client *c)
{
	c->kill = 1;
	lws_callback_on_writable(c->wsi);
}

/* ---- answers (event loop) -------------------------------------------- */

static void post_answer(uint64_t client, cJSON *obj)
{
	char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
	cJSON_Delete(obj);
	struct client *c = ctl.stopping ? NULL : client_from_ref(client);
	if (!c) {
		free(text); /* its client left */
		return;
	}
	if (!text) {
		log_error("ocppd: control: out of memory for an answer");
		/* The client would wait forever: a fixed line instead. */
		static const char oom[] =
		    "{\"ok\":false,\"error\":{\"code\":\"internal\","
		    "\"message\":\"out of memory\"}}";
		text = strdup(oom);
	}
	c->busy = 0;
	c->active_ms = time_mono_ms();
	if (!text || client_queue(c, text, strlen(text)) ||
	    client_queue(c, "\n", 1))
		c->closing = 1;
	free(text);
	/* The next request waits for the writable callback (no recursion
	 * from an op answering at once into the next one). */
	lws_callback_on_writable(c->wsi);
}

static void (*answer_hook)(uint64_t client, int ok);

void control_set_answer_hook(void (*fn)(uint64_t client, int ok))
{
	answer_hook = fn;
}

void control_ok(uint64_t client, cJSON *result)
{
	if (answer_hook && client != CONTROL_NO_CLIENT)
		answer_hook(client, 1);
	cJSON *o = cJSON_CreateObject();
	if (!result)
		result = cJSON_CreateObject();
	if (!o || !result || !cJSON_AddTrueToObject(o, "ok")) {
		cJSON_Delete(o);
		cJSON_Delete(result);
		post_answer(client, NULL);
		return;
	}
	cJSON_AddItemToObject(o, "result", result);
	post_answer(client, o);
}

void control_fail(uint64_t client, const char *code, cJSON *extra,
                  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (answer_hook && client != CONTROL_NO_CLIENT)
		answer_hook(client, 0);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cJSON *o = cJSON_CreateObject();
	cJSON *e = cJSON_CreateObject();
	if (!o || !e || !cJSON_AddFalseToObject(o, "ok") ||
	    !cJSON_AddStringToObject(e, "code", code) ||
	    !cJSON_AddStringToObject(e, "message", msg)) {
		cJSON_Delete(o);
		cJSON_Delete(e);
		cJSON_Delete(extra);
		post_answer(client, NULL);
		return;
	}
	if (extra) {
		cJSON *m;
		while ((m = extra->child) != NULL)
			cJSON_AddItemToObject(
			    e, m->string, cJSON_DetachItemViaPointer(extra, m));
		cJSON_Delete(extra);
	}
	cJSON_AddItemToObject(o, "error", e);
	post_answer(client, o);
}

/* ---- requests --------------------------------------------------------- */

/* A string member of at most max bytes, or "" when absent; -1 with why. */
static int req_string(const cJSON *o, const char *name, char *out, size_t max,
                      int required, char *why, size_t whylen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	out[0] = '\0';
	if (!v || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		snprintf(why, whylen, "%s: required", name);
		return -1;
	}
	if (!cJSON_IsString(v) || !v->valuestring) {
		snprintf(why, whylen, "%s: must be a string", name);
		return -1;
	}
	if (strlen(v->valuestring) > max) {
		snprintf(why, whylen, "%s: longer than %zu bytes", name, max);
		return -1;
	}
	snprintf(out, max + 1, "%s", v->valuestring);
	return 0;
}

/* "ADDRESS:PORT" of c's peer, for the log. */
static void peer_name(const struct client *c, char *out, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	snprintf(out, len, "unix socket");
	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl))
		return;
	if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof host);
		port = ntohs(s4->sin_port);
	} else if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof host);
		port = ntohs(s6->sin6_port);
	} else {
		return;
	}
	snprintf(out, len, "%s:%u", host, port);
}

/*
 * The first line of a control_listen client: {"op":"auth","secret":...}
 * with the shared secret (compared in constant time) lets it send
 * requests; anything else is "unauthorized" and the connection is closed,
 * so a client cannot try a second secret on it.  The log names the peer,
 * never what it sent.
 */
static void handle_auth(struct client *c, const cJSON *root)
{
	uint64_t ref = client_ref(c);
	const char *op =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "op"));
	const char *given = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(root, "secret"));
	int is_auth = op && !strcmp(op, "auth");
	if (is_auth && ctl_secret_equal(ctl.secret, given)) {
		c->authed = 1;
		cJSON *res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "node_id", ctl.cfg->node_id);
		control_ok(ref, res);
		return;
	}
	char peer[80];
	peer_name(c, peer, sizeof peer);
	log_warn("ocppd: control: %s: %s: connection closed", peer,
	         !is_auth ? "a request before authenticating"
	         : given  ? "wrong secret"
	                  : "auth without a secret");
	c->closing = 1;
	control_fail(ref, "unauthorized", NULL,
	             !is_auth ? "authenticate first: "
	                        "{\"op\":\"auth\",\"secret\":...}"
	                      : "wrong secret");
}

/* One request line: a request for the loop, or an answer right here. */
static void handle_line(struct client *c, const char *line, size_t len)
{
	uint64_t ref = client_ref(c);
	char why[160];
	c->busy = 1; /* until its answer is queued */
	cJSON *root = cJSON_ParseWithLength(line, len);
	struct control_req *r = NULL;
	if (!c->authed) {
		handle_auth(c, root);
		goto out;
	}
	if (!root || !cJSON_IsObject(root)) {
		control_fail(ref, "bad_request", NULL,
		             root ? "a request is one JSON object per line"
		                  : "not valid JSON");
		goto out;
	}
	r = calloc(1, sizeof *r);
	if (!r) {
		control_fail(ref, "internal", NULL, "out of memory");
		goto out;
	}
	r->client = ref;
	if (req_string(root, "op", r->op, CONTROL_OP_MAX, 1, why, sizeof why) ||
	    req_string(root, "cp_id", r->cp_id, CONTROL_CP_ID_MAX, 0, why,
	               sizeof why) ||
	    req_string(root, "requested_by", r->requested_by, CONTROL_WHO_MAX,
	               0, why, sizeof why)) {
		control_fail(ref, "bad_request", NULL, "%s", why);
		goto out;
	}
	if (!strcmp(r->op, "auth")) {
		/* Already trusted (a Unix socket client, or authenticated):
		 * a client may always send it first. */
		cJSON *res = cJSON_CreateObject();
		cJSON_AddStringToObject(res, "node_id", ctl.cfg->node_id);
		control_ok(ref, res);
		goto out;
	}
	const cJSON *to = cJSON_GetObjectItemCaseSensitive(root, "timeout");
	if (to && (!cJSON_IsNumber(to) || to->valuedouble < 1 ||
	           to->valuedouble > 3600 ||
	           to->valuedouble != (int)to->valuedouble)) {
		control_fail(ref, "bad_request", NULL,
		             "timeout: whole seconds, 1..3600");
		goto out;
	}
	r->timeout_s = to ? (int)to->valuedouble : 0;
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(root, "async");
	if (as && !cJSON_IsBool(as)) {
		control_fail(ref, "bad_request", NULL, "async: true or false");
		goto out;
	}
	r->async = cJSON_IsTrue(as);
	cJSON *params = cJSON_DetachItemFromObjectCaseSensitive(root, "params");
	if (params && cJSON_IsNull(params)) {
		cJSON_Delete(params);
		params = NULL;
	}
	if (params && !cJSON_IsObject(params)) {
		cJSON_Delete(params);
		control_fail(ref, "bad_request", NULL,
		             "params: must be a JSON object");
		goto out;
	}
	r->params = params ? params : cJSON_CreateObject();
	if (!r->params) {
		control_fail(ref, "internal", NULL, "out of memory");
		goto out;
	}
	/* Answered by whoever finishes it, maybe right here. */
	ctl.on_request(r);
out:
	control_req_free(r);
	cJSON_Delete(root);
}

/* Takes the next complete line while no request is in flight. */
static void next_lines(struct client *c)
{
	while (!c->busy && !c->closing && c->in_len) {
		char *nl = memchr(c->in, '\n', c->in_len);
		if (!nl && c->eof && c->in_len <= CONTROL_LINE_MAX) {
			/* The last line may lack its newline. */
			char *p = realloc(c->in, c->in_len + 1);
			if (!p) {
				c->closing = 1;
				return;
			}
			c->in = p;
			c->in_cap = c->in_len + 1;
			nl = c->in + c->in_len;
			*nl = '\n';
			c->in_len++;
		}
		if (!nl) {
			if (c->in_len > CONTROL_LINE_MAX) {
				c->busy = 1;
				c->closing = 1; /* cannot find the next line */
				control_fail(client_ref(c), "bad_request", NULL,
				             "request line longer than %d "
				             "bytes",
				             CONTROL_LINE_MAX);
			}
			return;
		}
		size_t len = (size_t)(nl - c->in), rest = c->in_len - len - 1;
		size_t n = len;
		while (n && (c->in[n - 1] == '\r' || c->in[n - 1] == ' ' ||
		             c->in[n - 1] == '\t'))
			n--;
		size_t start = 0;
		while (start < n &&
		       (c->in[start] == ' ' || c->in[start] == '\t'))
			start++;
		if (len > CONTROL_LINE_MAX) {
			c->busy = 1;
			control_fail(client_ref(c), "bad_request", NULL,
			             "request line longer than %d bytes",
			             CONTROL_LINE_MAX);
		} else if (start < n) {
			handle_line(c, c->in + start, n - start);
		}
		memmove(c->in, nl + 1, rest);
		c->in_len = rest;
	}
}

/* ---- clients ---------------------------------------------------------- */

/* The descriptor is gone (lws closed it): the slot is free. */
static void client_release(struct client *c)
{
	c->fd = -1;
	c->wsi = NULL;
	c->gen++;
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	c->in_len = c->in_cap = c->out_len = c->out_off = c->out_cap = 0;
	c->busy = c->closing = c->eof = c->kill = c->reading = c->authed = 0;
	ctl.nclients--;
}

/* Reads what is there; -1 when the client is to be closed. */
static int client_read(struct client *c)
{
	for (;;) {
		if (c->in_len > CONTROL_LINE_MAX)
			break; /* bounded: wait for the line in flight */
		if (c->in_cap - c->in_len < READ_CHUNK) {
			size_t cap = c->in_cap ? c->in_cap * 2 : READ_CHUNK;
			if (cap > CONTROL_LINE_MAX + 2 * READ_CHUNK)
				cap = CONTROL_LINE_MAX + 2 * READ_CHUNK;
			if (cap - c->in_len < READ_CHUNK) {
				c->closing = 1;
				break;
			}
			char *p = realloc(c->in, cap);
			if (!p) {
				c->closing = 1;
				break;
			}
			c->in = p;
			c->in_cap = cap;
		}
		ssize_t n =
		    recv(c->fd, c->in + c->in_len, READ_CHUNK, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return -1;
		if (n == 0) {
			/* Half-closed (or gone, which a write will show):
			 * answer what came, then close. */
			c->eof = 1;
			next_lines(c);
			break;
		}
		c->in_len += (size_t)n;
		c->active_ms = time_mono_ms();
		next_lines(c);
	}
	if (client_flush(c))
		return -1;
	update_flow(c);
	return 0;
}

static int client_writeable(struct client *c)
{
	if (c->kill || client_flush(c))
		return -1;
	next_lines(c);
	if (client_flush(c))
		return -1;
	update_flow(c);
	return 0;
}

static void accept_all(int lfd, int need_auth)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		struct client *c = NULL;
		for (int i = 0; i < CONTROL_CLIENT_MAX && !c; i++)
			if (ctl.clients[i].fd < 0)
				c = &ctl.clients[i];
		if (!c) {
			static const char busy[] =
			    "{\"ok\":false,\"error\":{\"code\":\"busy\","
			    "\"message\":\"too many control clients\"}}\n";
			if (send(fd, busy, sizeof busy - 1,
			         MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
				log_debug("ocppd: control: %s",
				          strerror(errno));
			close(fd);
			log_warn("ocppd: control: more than %d clients: one "
			         "refused",
			         CONTROL_CLIENT_MAX);
			continue;
		}
		lws_sock_file_fd_type d;
		d.filefd = fd;
		c->fd = fd;
		c->active_ms = time_mono_ms();
		c->reading = 1;
		c->authed = !need_auth;
		ctl.nclients++;
		c->wsi = lws_adopt_descriptor_vhost(
		    ctl.vh, LWS_ADOPT_RAW_FILE_DESC, d, PROTOCOL, NULL);
		if (!c->wsi) {
			/* lws closed nothing it did not adopt. */
			close(fd);
			c->fd = -1;
			c->gen++;
			ctl.nclients--;
			log_warn("ocppd: control: cannot adopt a client");
			return;
		}
		lws_set_opaque_user_data(c->wsi, c);
	}
}

/* A listening socket's wsi carries one of these as its opaque data:
 * its clients are trusted, or must authenticate first. */
static char listener, listener_auth;

static int callback(struct lws *wsi, enum lws_callback_reasons reason,
                    void *user, void *in, size_t len)
{
	(void)user;
	(void)in;
	(void)len;
	void *p = lws_get_opaque_user_data(wsi);
	struct client *c =
	    p && p != &listener && p != &listener_auth ? p : NULL;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE:
		if (p == &listener || p == &listener_auth) {
			accept_all(lws_get_socket_fd(wsi),
			           p == &listener_auth && ctl.secret[0]);
			return 0;
		}
		return c ? client_read(c) : -1;
	case LWS_CALLBACK_RAW_WRITEABLE_FILE:
		return c ? client_writeable(c) : 0;
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (c) {
			lws_set_opaque_user_data(wsi, NULL);
			client_release(c);
		}
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return 1; /* never a WebSocket */
	default:
		return 0;
	}
}

static const struct lws_protocols protocols[] = {
    {PROTOCOL, callback, 0, 0, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

/*
 * control_idle_timeout: a client with no request in flight and nothing
 * left to write that has sent nothing for that long is closed.  Slots
 * are few (CONTROL_CLIENT_MAX): clients that connect and wait — or send
 * half a line — must not keep the API's commands out.  A client waiting
 * for a charge point's answer is busy, never idle.
 */
void control_tick(void)
{
	if (!ctl.nclients)
		return;
	int64_t now = time_mono_ms();
	int64_t limit = ctl.cfg->control_idle_timeout > 0
	                    ? (int64_t)ctl.cfg->control_idle_timeout * 1000
	                    : 0;
	for (int i = 0; i < CONTROL_CLIENT_MAX; i++) {
		struct client *c = &ctl.clients[i];
		/* A TCP client that has not authenticated holds a slot for
		 * nothing: a short limit. */
		int64_t lim = limit;
		if (!c->authed && (lim <= 0 || lim > AUTH_IDLE_MS))
			lim = AUTH_IDLE_MS;
		if (lim <= 0 || c->fd < 0 || c->kill || c->busy ||
		    c->out_off < c->out_len || now - c->active_ms < lim)
			continue;
		log_info("ocppd: control: client idle for %d s: closed",
		         (int)(lim / 1000));
		client_kill(c);
	}
}

/* ---- sockets (bound in control_listen.c) ------------------------------ */

/*
 * control_listen's settings, checked before anything is bound: the
 * address, the secret (required unless the address is loopback: a
 * listener other hosts reach never trusts its clients), and what the node
 * advertises in nodes.control_addr (a wildcard address reaches nobody in
 * particular, so a cluster node listening on one must say which).  0, or
 * -1 with one line in err.
 */
static int check_listen(const struct csms_config *cfg, struct ctl_addr *a,
                        char *err, size_t errlen)
{
	if (ctl_addr_parse(cfg->control_listen, a, err, errlen))
		return -1;
	int rc = ctl_secret_load(cfg->control_secret_file, ctl.secret,
	                         sizeof ctl.secret, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 0 && !ctl_addr_is_loopback(a)) {
		snprintf(err, errlen,
		         "control_listen %s is not a loopback address and "
		         "control_secret_file %s does not exist: a control "
		         "listener other hosts reach needs the shared secret",
		         cfg->control_listen, cfg->control_secret_file);
		return -1;
	}
	const char *adv = cfg->control_advertise[0] ? cfg->control_advertise
	                                            : cfg->control_listen;
	struct ctl_addr b;
	if (ctl_addr_parse(adv, &b, err, errlen))
		return -1;
	if (ctl_addr_is_wildcard(&b)) {
		if (cfg->node_id[0]) {
			snprintf(
			    err, errlen,
			    "control_listen %s is a wildcard address: set "
			    "control_advertise to the ADDRESS:PORT the web "
			    "tier reaches this node at",
			    adv);
			return -1;
		}
		adv = "";
	}
	snprintf(ctl.advertised, sizeof ctl.advertised, "%s", adv);
	return 0;
}

/* The sockets of cfg (control_socket, control_tcp_port, control_listen),
 * bound and listening.  A control channel that is configured but cannot
 * be had is a start-up error (-1 with err): the web tier would fail
 * later, far from the cause. */
static int open_sockets(const struct csms_config *cfg, char *err, size_t errlen)
{
	struct ctl_addr a;
	if (cfg->control_listen[0] && check_listen(cfg, &a, err, errlen))
		return -1;
	if (cfg->control_socket[0]) {
		if ((ctl.unix_fd = control_listen_unix(cfg, err, errlen)) < 0)
			return -1;
		ctl.own_path = 1;
	}
	if ((cfg->control_tcp_port > 0 &&
	     (ctl.tcp_fd = control_listen_tcp(cfg->control_tcp_port, err,
	                                      errlen)) < 0) ||
	    (cfg->control_listen[0] &&
	     (ctl.addr_fd = control_listen_addr(cfg->control_listen, &a, err,
	                                        errlen)) < 0)) {
		if (ctl.tcp_fd >= 0) {
			close(ctl.tcp_fd);
			ctl.tcp_fd = -1;
		}
		if (ctl.unix_fd >= 0) {
			close(ctl.unix_fd);
			ctl.unix_fd = -1;
			unlink(cfg->control_socket);
			ctl.own_path = 0;
		}
		return -1;
	}
	if (ctl.addr_fd >= 0)
		log_info("ocppd: control listener %s (%s)%s%s",
		         cfg->control_listen,
		         ctl.secret[0] ? "clients send the shared secret"
		                       : "loopback, no secret",
		         ctl.advertised[0] ? ", advertised as " : "",
		         ctl.advertised);
	return 0;
}

/* A listening socket joins the loop; NULL (and fd closed) on failure. */
static struct lws *adopt_listener(int *fd, char *kind)
{
	lws_sock_file_fd_type d;
	d.filefd = *fd;
	struct lws *wsi = lws_adopt_descriptor_vhost(
	    ctl.vh, LWS_ADOPT_RAW_FILE_DESC, d, PROTOCOL, NULL);
	if (!wsi) {
		close(*fd);
		*fd = -1;
		return NULL;
	}
	lws_set_opaque_user_data(wsi, kind);
	return wsi;
}

int control_start(const struct csms_config *cfg, struct lws_context *ctx,
                  void (*on_request)(const struct control_req *r), char *err,
                  size_t errlen)
{
	ctl.cfg = cfg;
	ctl.on_request = on_request;
	for (int i = 0; i < CONTROL_CLIENT_MAX; i++)
		ctl.clients[i].fd = -1;
	if (open_sockets(cfg, err, errlen))
		return -1;
	if (ctl.unix_fd < 0 && ctl.tcp_fd < 0 && ctl.addr_fd < 0)
		return 0; /* nothing to serve */
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.vhost_name = "control";
	ctl.vh = lws_create_vhost(ctx, &info);
	if (ctl.vh && ctl.unix_fd >= 0)
		ctl.unix_wsi = adopt_listener(&ctl.unix_fd, &listener);
	if (ctl.vh && ctl.tcp_fd >= 0)
		ctl.tcp_wsi = adopt_listener(&ctl.tcp_fd, &listener);
	if (ctl.vh && ctl.addr_fd >= 0)
		ctl.addr_wsi = adopt_listener(&ctl.addr_fd, &listener_auth);
	if (!ctl.vh ||
	    (cfg->control_socket[0] && ctl.own_path && !ctl.unix_wsi) ||
	    (cfg->control_listen[0] && !ctl.addr_wsi)) {
		snprintf(err, errlen,
		         "control socket: cannot join the event loop");
		control_stop();
		return -1;
	}
	return 0;
}

void control_stop(void)
{
	ctl.stopping = 1;
	/* The descriptors lws adopted close with it (lws_context_destroy);
	 * what is left here is the socket file. */
	if (ctl.unix_fd >= 0) {
		close(ctl.unix_fd);
		ctl.unix_fd = -1;
	}
	if (ctl.tcp_fd >= 0) {
		close(ctl.tcp_fd);
		ctl.tcp_fd = -1;
	}
	if (ctl.addr_fd >= 0) {
		close(ctl.addr_fd);
		ctl.addr_fd = -1;
	}
	if (ctl.own_path && ctl.cfg)
		unlink(ctl.cfg->control_socket);
	ctl.own_path = 0;
}
