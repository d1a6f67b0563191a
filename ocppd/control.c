/*
 * control.c — the control socket server thread; see control.h.
 *
 * One poll() loop over the listening sockets, an eventfd (answers are
 * waiting, or stop) and the clients.  Clients are slots with a generation,
 * like the WebSocket links, because an answer may arrive after its client
 * left: the reference then no longer matches and the answer is dropped.
 * Every buffer is bounded: a client may have one request line of up to
 * CONTROL_LINE_MAX bytes buffered beyond the one being answered, and one
 * request in flight.
 */
#include "control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define READ_CHUNK 4096

struct client {
	int fd; /* -1: free slot */
	uint32_t gen;
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off, out_cap;
	/* busy: a request in flight; closing: close once flushed; eof: the
	 * client sent all it will (a half-close still gets its answers). */
	unsigned busy : 1, closing : 1, eof : 1;
	int64_t active_ms; /* last byte in or answer out (monotonic) */
};

struct answer {
	struct answer *next;
	uint64_t client;
	char *text; /* with the newline */
	size_t len;
};

static struct {
	const struct csms_config *cfg;
	void (*wake)(void *);
	void *wake_arg;
	int unix_fd, tcp_fd, ev_fd;
	int own_path; /* we bound control_socket: remove it at stop */
	pthread_t thread;
	int running;
	volatile int stop;
	pthread_mutex_t lock; /* reqs, answers */
	struct control_req *req_head, *req_tail;
	struct answer *ans_head, *ans_tail;
	struct client clients[CONTROL_CLIENT_MAX];
	unsigned nclients; /* written by the thread, read by anyone */
} ctl = {.unix_fd = -1,
         .tcp_fd = -1,
         .ev_fd = -1,
         .lock = PTHREAD_MUTEX_INITIALIZER};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- answers (any thread) ------------------------------------------- */

static void post_answer(uint64_t client, cJSON *obj)
{
	char *text = obj ? cJSON_PrintUnformatted(obj) : NULL;
	cJSON_Delete(obj);
	struct answer *a = text ? malloc(sizeof *a) : NULL;
	size_t len = text ? strlen(text) : 0;
	char *line = a ? realloc(text, len + 2) : NULL;
	if (!line) {
		free(a);
		free(text);
		log_error("ocppd: control: out of memory for an answer");
		/* The client would wait forever: a fixed line instead. */
		static const char oom[] =
		    "{\"ok\":false,\"error\":{\"code\":\"internal\","
		    "\"message\":\"out of memory\"}}\n";
		a = malloc(sizeof *a);
		line = a ? strdup(oom) : NULL;
		if (!line) {
			free(a);
			return;
		}
		len = sizeof oom - 2;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	a->next = NULL;
	a->client = client;
	a->text = line;
	a->len = len + 1;
	pthread_mutex_lock(&ctl.lock);
	if (ctl.ans_tail)
		ctl.ans_tail->next = a;
	else
		ctl.ans_head = a;
	ctl.ans_tail = a;
	pthread_mutex_unlock(&ctl.lock);
	uint64_t one = 1;
	if (ctl.ev_fd >= 0 && write(ctl.ev_fd, &one, sizeof one) < 0 &&
	    errno != EAGAIN)
		log_warn("ocppd: control: eventfd: %s", strerror(errno));
}

void control_ok(uint64_t client, cJSON *result)
{
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

struct control_req *control_take_requests(void)
{
	/* Called on every wake-up of the event loop: most have nothing
	 * for us, and a load is cheaper than the lock. */
	if (!__atomic_load_n(&ctl.req_head, __ATOMIC_ACQUIRE))
		return NULL;
	pthread_mutex_lock(&ctl.lock);
	struct control_req *r = ctl.req_head;
	__atomic_store_n(&ctl.req_head, NULL, __ATOMIC_RELAXED);
	ctl.req_tail = NULL;
	pthread_mutex_unlock(&ctl.lock);
	return r;
}

void control_req_free(struct control_req *r)
{
	if (!r)
		return;
	cJSON_Delete(r->params);
	free(r);
}

unsigned control_clients(void)
{
	return __atomic_load_n(&ctl.nclients, __ATOMIC_RELAXED);
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

/* One request line: a request for the loop, or an answer right here. */
static void handle_line(struct client *c, const char *line, size_t len)
{
	uint64_t ref = client_ref(c);
	char why[160];
	cJSON *root = cJSON_ParseWithLength(line, len);
	struct control_req *r = NULL;
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
	pthread_mutex_lock(&ctl.lock);
	if (ctl.req_tail)
		ctl.req_tail->next = r;
	else
		__atomic_store_n(&ctl.req_head, r, __ATOMIC_RELEASE);
	ctl.req_tail = r;
	pthread_mutex_unlock(&ctl.lock);
	r = NULL;
	if (ctl.wake)
		ctl.wake(ctl.wake_arg);
out:
	c->busy = 1; /* until its answer is written */
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
				control_fail(client_ref(c), "bad_request", NULL,
				             "request line longer than %d "
				             "bytes",
				             CONTROL_LINE_MAX);
				c->busy = 1;
				c->closing = 1; /* cannot find the next line */
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
			control_fail(client_ref(c), "bad_request", NULL,
			             "request line longer than %d bytes",
			             CONTROL_LINE_MAX);
			c->busy = 1;
		} else if (start < n) {
			handle_line(c, c->in + start, n - start);
		}
		memmove(c->in, nl + 1, rest);
		c->in_len = rest;
	}
}

/* ---- clients ---------------------------------------------------------- */

static void client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
	c->gen++;
	free(c->in);
	free(c->out);
	c->in = c->out = NULL;
	c->in_len = c->in_cap = c->out_len = c->out_off = c->out_cap = 0;
	c->busy = c->closing = c->eof = 0;
	__atomic_sub_fetch(&ctl.nclients, 1, __ATOMIC_RELAXED);
}

/* Writes what it can; -1 when the client is gone. */
static int client_flush(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n =
		    send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
		         MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n <= 0)
			return -1;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	return (c->closing || c->eof) && !c->busy ? -1 : 0;
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

static void deliver_answers(void)
{
	pthread_mutex_lock(&ctl.lock);
	struct answer *a = ctl.ans_head;
	ctl.ans_head = ctl.ans_tail = NULL;
	pthread_mutex_unlock(&ctl.lock);
	while (a) {
		struct answer *next = a->next;
		struct client *c = client_from_ref(a->client);
		if (c) {
			c->busy = 0;
			c->active_ms = mono_ms();
			if (client_queue(c, a->text, a->len))
				c->closing = 1;
			next_lines(c);
			if (client_flush(c))
				client_close(c);
		}
		free(a->text);
		free(a);
		a = next;
	}
}

static void client_read(struct client *c)
{
	for (;;) {
		if (c->in_len > CONTROL_LINE_MAX)
			return; /* bounded: wait for the line in flight */
		if (c->in_cap - c->in_len < READ_CHUNK) {
			size_t cap = c->in_cap ? c->in_cap * 2 : READ_CHUNK;
			if (cap > CONTROL_LINE_MAX + 2 * READ_CHUNK)
				cap = CONTROL_LINE_MAX + 2 * READ_CHUNK;
			if (cap - c->in_len < READ_CHUNK) {
				c->closing = 1;
				return;
			}
			char *p = realloc(c->in, cap);
			if (!p) {
				c->closing = 1;
				return;
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
		if (n < 0) {
			client_close(c);
			return;
		}
		if (n == 0) {
			/* Half-closed (or gone, which a write will show):
			 * answer what came, then close. */
			c->eof = 1;
			next_lines(c);
			break;
		}
		c->in_len += (size_t)n;
		c->active_ms = mono_ms();
		next_lines(c);
	}
	if (client_flush(c))
		client_close(c);
}

static void accept_one(int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (int i = 0; i < CONTROL_CLIENT_MAX; i++) {
		struct client *c = &ctl.clients[i];
		if (c->fd >= 0)
			continue;
		c->fd = fd;
		c->active_ms = mono_ms();
		__atomic_add_fetch(&ctl.nclients, 1, __ATOMIC_RELAXED);
		return;
	}
	static const char busy[] =
	    "{\"ok\":false,\"error\":{\"code\":\"busy\",\"message\":\"too "
	    "many control clients\"}}\n";
	if (send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("ocppd: control: %s", strerror(errno));
	close(fd);
	log_warn("ocppd: control: more than %d clients: one refused",
	         CONTROL_CLIENT_MAX);
}

/*
 * control_idle_timeout: a client with no request in flight and nothing
 * left to write that has sent nothing for that long is closed.  Slots
 * are few (CONTROL_CLIENT_MAX): clients that connect and wait — or send
 * half a line — must not keep the API's commands out.  A client waiting
 * for a charge point's answer is busy, never idle.
 */
static void close_idle(int64_t now)
{
	int64_t limit = (int64_t)ctl.cfg->control_idle_timeout * 1000;
	for (int i = 0; i < CONTROL_CLIENT_MAX; i++) {
		struct client *c = &ctl.clients[i];
		if (c->fd < 0 || c->busy || c->out_off < c->out_len ||
		    now - c->active_ms < limit)
			continue;
		log_info("ocppd: control: client idle for %d s: closed",
		         ctl.cfg->control_idle_timeout);
		client_close(c);
	}
}

static void *control_main(void *arg)
{
	(void)arg;
	struct pollfd pfd[3 + CONTROL_CLIENT_MAX];
	int who[3 + CONTROL_CLIENT_MAX];
	while (!ctl.stop) {
		int n = 0;
		pfd[n] = (struct pollfd){.fd = ctl.ev_fd, .events = POLLIN};
		who[n++] = -1;
		if (ctl.unix_fd >= 0) {
			pfd[n] = (struct pollfd){.fd = ctl.unix_fd,
			                         .events = POLLIN};
			who[n++] = -2;
		}
		if (ctl.tcp_fd >= 0) {
			pfd[n] =
			    (struct pollfd){.fd = ctl.tcp_fd, .events = POLLIN};
			who[n++] = -3;
		}
		for (int i = 0; i < CONTROL_CLIENT_MAX; i++) {
			struct client *c = &ctl.clients[i];
			if (c->fd < 0)
				continue;
			short ev = 0;
			if (c->in_len <= CONTROL_LINE_MAX && !c->closing &&
			    !c->eof)
				ev |= POLLIN | POLLRDHUP;
			if (c->out_off < c->out_len)
				ev |= POLLOUT;
			pfd[n] = (struct pollfd){.fd = c->fd, .events = ev};
			who[n++] = i;
		}
		/* With clients and an idle timeout, wake at least once a
		 * second to look for idle ones. */
		int idle =
		    ctl.cfg->control_idle_timeout > 0 && ctl.nclients > 0;
		if (poll(pfd, (nfds_t)n, idle ? 1000 : -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("ocppd: control: poll: %s", strerror(errno));
			break;
		}
		for (int k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			if (who[k] == -1) {
				uint64_t v;
				if (read(ctl.ev_fd, &v, sizeof v) < 0 &&
				    errno != EAGAIN)
					log_debug("ocppd: control: %s",
					          strerror(errno));
				deliver_answers();
				continue;
			}
			if (who[k] < 0) {
				accept_one(pfd[k].fd);
				continue;
			}
			struct client *c = &ctl.clients[who[k]];
			if (c->fd != pfd[k].fd)
				continue; /* closed by deliver_answers */
			if (pfd[k].revents & (POLLHUP | POLLERR)) {
				/* Both directions gone: an answer in flight
				 * finds no one and is dropped. */
				client_close(c);
				continue;
			}
			if (pfd[k].revents & POLLOUT && client_flush(c)) {
				client_close(c);
				continue;
			}
			if (pfd[k].revents & (POLLIN | POLLRDHUP))
				client_read(c);
		}
		if (idle)
			close_idle(mono_ms());
	}
	return NULL;
}

/* ---- sockets ---------------------------------------------------------- */

static int parse_mode(const char *s, mode_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 8);
	if (!*s || *end || errno || v < 0 || v > 0777)
		return -1;
	*out = (mode_t)v;
	return 0;
}

/* Someone answers on path: another ocppd owns it. */
static int socket_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	int rc = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
	close(fd);
	return rc == 0;
}

/* May the owner of a directory, uid, search it as a member of gid? */
static int owner_in_group(uid_t uid, const struct group *gr)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) || !res)
		return 0;
	if (res->pw_gid == gr->gr_gid)
		return 1;
	for (char **m = gr->gr_mem; m && *m; m++)
		if (!strcmp(*m, res->pw_name))
			return 1;
	return 0;
}

/*
 * Members of control_socket_group must reach the socket: every directory
 * above it must let them search it.  A socket they cannot reach is the
 * classic broken install (the web tier answers "control unavailable"
 * while ocppd looks healthy), so it is a start-up error naming the
 * directory.  0, or -1 with err.
 */
static int group_can_reach(const char *path, const struct group *gr, char *err,
                           size_t errlen)
{
	char dir[sizeof((struct sockaddr_un *)0)->sun_path];
	snprintf(dir, sizeof dir, "%s", path);
	for (char *slash = strrchr(dir, '/'); slash;
	     slash = strrchr(dir, '/')) {
		*slash = '\0';
		const char *d = dir[0] ? dir : "/";
		struct stat st;
		if (stat(d, &st)) {
			snprintf(err, errlen, "control socket %s: %s: %s", path,
			         d, strerror(errno));
			return -1;
		}
		int ok =
		    (st.st_mode & S_IXOTH) ||
		    ((st.st_mode & S_IXGRP) && st.st_gid == gr->gr_gid) ||
		    ((st.st_mode & S_IXUSR) && owner_in_group(st.st_uid, gr));
		if (!ok) {
			snprintf(
			    err, errlen,
			    "control socket %s: group %s cannot enter %s "
			    "(mode %04o): the web server could not connect",
			    path, gr->gr_name, d,
			    (unsigned)(st.st_mode & 07777));
			return -1;
		}
		if (!dir[0])
			break;
	}
	return 0;
}

/* Binds control_socket as configured (mode, group, reachable by the
 * group); -1 with err when any of that cannot be had. */
static int open_unix(const struct csms_config *cfg, char *err, size_t errlen)
{
	const char *path = cfg->control_socket;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	mode_t mode;
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen,
		         "control socket %s: path longer than %zu bytes", path,
		         sizeof sa.sun_path - 1);
		return -1;
	}
	if (parse_mode(cfg->control_socket_mode, &mode)) {
		snprintf(err, errlen,
		         "control_socket_mode \"%s\" is not an octal mode",
		         cfg->control_socket_mode);
		return -1;
	}
	gid_t gid = (gid_t)-1;
	if (cfg->control_socket_group[0]) {
		struct group gr, *res = NULL;
		char buf[4096];
		if (getgrnam_r(cfg->control_socket_group, &gr, buf, sizeof buf,
		               &res) ||
		    !res) {
			snprintf(err, errlen,
			         "control_socket_group \"%s\": no such group",
			         cfg->control_socket_group);
			return -1;
		}
		if (group_can_reach(path, res, err, errlen))
			return -1;
		gid = res->gr_gid;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	struct stat st;
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen,
			         "control socket %s exists and is not a socket",
			         path);
			return -1;
		}
		if (socket_in_use(&sa)) {
			snprintf(err, errlen,
			         "control socket %s is in use by another "
			         "process (another ocppd?)",
			         path);
			return -1;
		}
		unlink(path); /* left behind by a daemon that died */
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		return -1;
	}
	/* Nobody may connect between bind and chmod. */
	mode_t old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
	int e = errno;
	umask(old);
	if (rc) {
		snprintf(err, errlen, "control socket %s: %s", path,
		         strerror(e));
		close(fd);
		return -1;
	}
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid)) {
		/* Only root or a member of the group may give it the group:
		 * under systemd that is the unit's SupplementaryGroups=. */
		snprintf(err, errlen,
		         "control socket %s: cannot give it group %s (%s): "
		         "ocppd's user must be a member of that group",
		         path, cfg->control_socket_group, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	if (chmod(path, mode) || listen(fd, 64)) {
		snprintf(err, errlen, "control socket %s: %s", path,
		         strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	ctl.own_path = 1;
	log_info("ocppd: control socket %s (mode %04o%s%s)", path,
	         (unsigned)mode, gid != (gid_t)-1 ? ", group " : "",
	         gid != (gid_t)-1 ? cfg->control_socket_group : "");
	return fd;
}

static int open_tcp(int port, char *err, size_t errlen)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control port: %s", strerror(errno));
		return -1;
	}
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 64)) {
		snprintf(err, errlen, "control port 127.0.0.1:%d: %s", port,
		         strerror(errno));
		close(fd);
		return -1;
	}
	log_info("ocppd: control port 127.0.0.1:%d", port);
	return fd;
}

int control_start(const struct csms_config *cfg, void (*wake)(void *),
                  void *wake_arg, char *err, size_t errlen)
{
	ctl.cfg = cfg;
	ctl.wake = wake;
	ctl.wake_arg = wake_arg;
	ctl.stop = 0;
	for (int i = 0; i < CONTROL_CLIENT_MAX; i++)
		ctl.clients[i].fd = -1;
	/* A control channel that is configured but cannot be had is a
	 * start-up error: the web tier would fail later, far from the cause. */
	if (cfg->control_socket[0] &&
	    (ctl.unix_fd = open_unix(cfg, err, errlen)) < 0)
		return -1;
	if (cfg->control_tcp_port > 0 &&
	    (ctl.tcp_fd = open_tcp(cfg->control_tcp_port, err, errlen)) < 0) {
		control_stop();
		return -1;
	}
	if (ctl.unix_fd < 0 && ctl.tcp_fd < 0)
		return 0; /* nothing to serve */
	ctl.ev_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (ctl.ev_fd < 0 ||
	    pthread_create(&ctl.thread, NULL, control_main, NULL)) {
		snprintf(err, errlen,
		         "control socket: cannot start its thread");
		control_stop();
		return -1;
	}
	ctl.running = 1;
	return 0;
}

void control_stop(void)
{
	if (ctl.running) {
		ctl.stop = 1;
		uint64_t one = 1;
		if (write(ctl.ev_fd, &one, sizeof one) < 0)
			log_debug("ocppd: control: %s", strerror(errno));
		pthread_join(ctl.thread, NULL);
		ctl.running = 0;
	}
	for (int i = 0; i < CONTROL_CLIENT_MAX; i++)
		if (ctl.clients[i].fd >= 0)
			client_close(&ctl.clients[i]);
	if (ctl.unix_fd >= 0) {
		close(ctl.unix_fd);
		ctl.unix_fd = -1;
	}
	if (ctl.own_path && ctl.cfg)
		unlink(ctl.cfg->control_socket);
	ctl.own_path = 0;
	if (ctl.tcp_fd >= 0) {
		close(ctl.tcp_fd);
		ctl.tcp_fd = -1;
	}
	if (ctl.ev_fd >= 0) {
		close(ctl.ev_fd);
		ctl.ev_fd = -1;
	}
	struct control_req *r = control_take_requests();
	while (r) {
		struct control_req *next = r->next;
		control_req_free(r);
		r = next;
	}
	pthread_mutex_lock(&ctl.lock);
	struct answer *a = ctl.ans_head;
	ctl.ans_head = ctl.ans_tail = NULL;
	pthread_mutex_unlock(&ctl.lock);
	while (a) {
		struct answer *next = a->next;
		free(a->text);
		free(a);
		a = next;
	}
}
