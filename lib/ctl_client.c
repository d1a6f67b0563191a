/*
 * ctl_client.c — see ctl_client.h.
 */
#include "ctl_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "timeutil.h"

static void init(struct ctl_client *c)
{
	c->fd = -1;
	c->buf = NULL;
	c->len = c->cap = 0;
}

/* Connects a new stream socket to sa; errno tells why when it fails. */
static int open_fd(struct ctl_client *c, int family, const struct sockaddr *sa,
                   socklen_t salen)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, sa, salen)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	c->fd = fd;
	return 0;
}

int ctl_connect_unix(struct ctl_client *c, const char *path, char *err,
                     size_t errlen)
{
	init(c);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof sa.sun_path) {
		snprintf(err, errlen, "control socket %s: path too long", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (open_fd(c, AF_UNIX, (struct sockaddr *)&sa, sizeof sa)) {
		snprintf(err, errlen, "control socket %s: %s", path,
		         strerror(errno));
		return -1;
	}
	return 0;
}

int ctl_connect_tcp(struct ctl_client *c, int port, char *err, size_t errlen)
{
	init(c);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons((uint16_t)port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (open_fd(c, AF_INET, (struct sockaddr *)&sa, sizeof sa)) {
		snprintf(err, errlen, "control port 127.0.0.1:%d: %s", port,
		         strerror(errno));
		return -1;
	}
	return 0;
}

int ctl_connect(struct ctl_client *c, const struct csms_config *cfg, char *err,
                size_t errlen)
{
	if (cfg->control_socket[0])
		return ctl_connect_unix(c, cfg->control_socket, err, errlen);
	if (cfg->control_tcp_port > 0)
		return ctl_connect_tcp(c, cfg->control_tcp_port, err, errlen);
	init(c);
	snprintf(err, errlen,
	         "no control socket configured (control_socket, "
	         "control_tcp_port)");
	return -1;
}

int ctl_connect_addr(struct ctl_client *c, const char *addr, const char *secret,
                     int timeout_ms, char *err, size_t errlen)
{
	struct ctl_addr a;
	init(c);
	if (ctl_addr_parse(addr, &a, err, errlen))
		return -1;
	int fd = socket(a.sa.ss_family,
	                SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control %s: %s", addr, strerror(errno));
		return -1;
	}
	/* Non-blocking, so a host that drops the SYN costs timeout_ms, not
	 * the kernel's minutes. */
	int rc = connect(fd, (struct sockaddr *)&a.sa, a.len);
	if (rc && errno == EINPROGRESS) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int n;
		do
			n = poll(&p, 1, timeout_ms);
		while (n < 0 && errno == EINTR);
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		if (n == 0)
			soerr = ETIMEDOUT;
		else if (n < 0)
			soerr = errno;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl))
			soerr = errno;
		rc = soerr ? -1 : 0;
		errno = soerr;
	}
	if (rc) {
		snprintf(err, errlen, "control %s: %s", addr, strerror(errno));
		close(fd);
		return -1;
	}
	c->fd = fd;
	if (!secret || !*secret)
		return 0;
	cJSON *req = cJSON_CreateObject();
	cJSON_AddStringToObject(req, "op", "auth");
	cJSON_AddStringToObject(req, "secret", secret);
	char *line = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	char *text = NULL;
	char why[200];
	rc = line ? ctl_roundtrip(c, line, timeout_ms, &text, why, sizeof why)
	          : (snprintf(why, sizeof why, "out of memory"), -1);
	if (line) {
		memset(line, 0, strlen(line));
		free(line);
	}
	cJSON *answer = rc ? NULL : cJSON_Parse(text);
	free(text);
	if (rc || !ctl_answer_ok(answer)) {
		const char *code = answer ? ctl_answer_code(answer) : NULL;
		snprintf(err, errlen, "control %s: %s", addr,
		         rc ? why
		         : code && !strcmp(code, "unauthorized")
		             ? "secret refused"
		             : "auth failed");
		cJSON_Delete(answer);
		ctl_close(c);
		return -1;
	}
	cJSON_Delete(answer);
	return 0;
}

void ctl_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	init(c);
}

static int wait_fd(int fd, short ev, long long deadline, char *err,
                   size_t errlen)
{
	for (;;) {
		long long left = deadline - time_mono_ms();
		if (left <= 0) {
			snprintf(err, errlen,
			         "no answer from ocppd in time (timeout)");
			return -1;
		}
		struct pollfd p = {.fd = fd, .events = ev};
		int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR) {
			snprintf(err, errlen, "control socket: %s",
			         strerror(errno));
			return -1;
		}
	}
}

int ctl_roundtrip(struct ctl_client *c, const char *line, int timeout_ms,
                  char **answer, char *err, size_t errlen)
{
	*answer = NULL;
	if (c->fd < 0) {
		snprintf(err, errlen, "control socket: not connected");
		return -1;
	}
	if (strchr(line, '\n')) {
		snprintf(err, errlen, "a request is one line");
		return -1;
	}
	long long deadline = time_mono_ms() + timeout_ms;
	size_t len = strlen(line), off = 0;
	const char nl = '\n';
	while (off <= len) {
		const char *p = off < len ? line + off : &nl;
		size_t n = off < len ? len - off : 1;
		if (wait_fd(c->fd, POLLOUT, deadline, err, errlen))
			return -1;
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0) {
			snprintf(err, errlen, "control socket: %s",
			         w < 0 ? strerror(errno) : "closed");
			return -1;
		}
		off += (size_t)w;
	}
	for (;;) {
		char *end = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		if (end) {
			size_t n = (size_t)(end - c->buf);
			char *out = malloc(n + 1);
			if (!out) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			memcpy(out, c->buf, n);
			out[n] = '\0';
			memmove(c->buf, end + 1, c->len - n - 1);
			c->len -= n + 1;
			*answer = out;
			return 0;
		}
		if (c->len >= CTL_ANSWER_MAX) {
			snprintf(err, errlen, "answer longer than %d bytes",
			         CTL_ANSWER_MAX);
			return -1;
		}
		if (c->cap - c->len < 4096) {
			size_t cap = c->cap ? c->cap * 2 : 8192;
			char *b = realloc(c->buf, cap);
			if (!b) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			c->buf = b;
			c->cap = cap;
		}
		if (wait_fd(c->fd, POLLIN, deadline, err, errlen))
			return -1;
		ssize_t r =
		    recv(c->fd, c->buf + c->len, c->cap - c->len, MSG_DONTWAIT);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0) {
			snprintf(err, errlen,
			         "control socket: %s before the answer",
			         r < 0 ? strerror(errno) : "closed by ocppd");
			return -1;
		}
		c->len += (size_t)r;
	}
}

int ctl_request(struct ctl_client *c, const char *op, const char *cp_id,
                const cJSON *params, const char *requested_by, int timeout_ms,
                cJSON **answer, char *err, size_t errlen)
{
	*answer = NULL;
	cJSON *req = cJSON_CreateObject();
	if (!req || !cJSON_AddStringToObject(req, "op", op) ||
	    (cp_id && *cp_id &&
	     !cJSON_AddStringToObject(req, "cp_id", cp_id)) ||
	    (params && !cJSON_AddItemToObject(req, "params",
	                                      cJSON_Duplicate(params, 1))) ||
	    (requested_by && *requested_by &&
	     !cJSON_AddStringToObject(req, "requested_by", requested_by))) {
		cJSON_Delete(req);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char *line = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	if (!line) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	char *text = NULL;
	int rc = ctl_roundtrip(c, line, timeout_ms, &text, err, errlen);
	free(line);
	if (rc)
		return -1;
	*answer = cJSON_Parse(text);
	if (!*answer || !cJSON_IsObject(*answer)) {
		snprintf(err, errlen,
		         "ocppd answered something not JSON: %.80s", text);
		cJSON_Delete(*answer);
		*answer = NULL;
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int ctl_call(const struct csms_config *cfg, const char *op, const char *cp_id,
             const cJSON *params, const char *requested_by, int timeout_ms,
             cJSON **answer, char *err, size_t errlen)
{
	struct ctl_client c;
	*answer = NULL;
	if (ctl_connect(&c, cfg, err, errlen))
		return -1;
	int rc = ctl_request(&c, op, cp_id, params, requested_by, timeout_ms,
	                     answer, err, errlen);
	ctl_close(&c);
	return rc;
}

int ctl_default_timeout_ms(const struct csms_config *cfg)
{
	return (cfg->command_timeout + 5) * 1000;
}

int ctl_answer_ok(const cJSON *answer)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(answer, "ok"));
}

const char *ctl_answer_code(const cJSON *answer)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(answer, "error");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");
	return cJSON_IsString(code) ? code->valuestring : NULL;
}

const char *ctl_answer_message(const cJSON *answer)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(answer, "error");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
	return cJSON_IsString(m) ? m->valuestring : "";
}

const cJSON *ctl_answer_result(const cJSON *answer)
{
	return cJSON_GetObjectItemCaseSensitive(answer, "result");
}
