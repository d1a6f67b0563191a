/*
 * ctl_client.h — a small blocking client for ocppd's control socket
 * (docs/control.md): connect, send one JSON request line, read one answer
 * line within a timeout.  Used by csmsctl and the web tier.
 *
 * Safe in a FastCGI worker: no exit(), no signals (writes use
 * MSG_NOSIGNAL), every failure comes back as -1 with one line in err.  A
 * connection may carry several requests, one after the other.
 */
#ifndef CSMS_CTL_CLIENT_H
#define CSMS_CTL_CLIENT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "ctl_addr.h"

#define CTL_ANSWER_MAX (16 * 1024 * 1024) /* longest answer line read */
/* How long a connect to a control listener over TCP may take (ms): a
 * node that is gone must not hold a web request. */
#define CTL_CONNECT_MS 2000

struct ctl_client {
	int fd;
	char *buf; /* bytes read past the last answer */
	size_t len, cap;
};

/*
 * Connects to cfg->control_socket, or to 127.0.0.1:control_tcp_port when
 * the socket path is empty.  0 ok, -1 with err ("control socket
 * var/run/ocppd.sock: No such file or directory" means ocppd is not
 * running or has no control socket).
 */
int ctl_connect(struct ctl_client *c, const struct csms_config *cfg, char *err,
                size_t errlen);
int ctl_connect_unix(struct ctl_client *c, const char *path, char *err,
                     size_t errlen);
int ctl_connect_tcp(struct ctl_client *c, int port, char *err, size_t errlen);
/*
 * Connects to a control listener at addr ("127.0.0.2:9100", "[::1]:9100":
 * control_listen, nodes.control_addr) within timeout_ms and, with a
 * secret (not NULL/""), authenticates: {"op":"auth","secret":...} must be
 * answered ok.  0 ok; -1 with err (unreachable, no answer in time, or
 * "secret refused").  err never contains the secret.
 */
int ctl_connect_addr(struct ctl_client *c, const char *addr, const char *secret,
                     int timeout_ms, char *err, size_t errlen);
void ctl_close(struct ctl_client *c);

/*
 * One request: {"op", "cp_id" (if not NULL/""), "params" (if not NULL),
 * "requested_by" (if not NULL/"")}.  Waits up to timeout_ms for the
 * answer and returns it parsed in *answer (the caller deletes it): 0 when
 * an answer came, whatever it says; -1 with err on a transport failure or
 * timeout (then close the connection).
 */
int ctl_request(struct ctl_client *c, const char *op, const char *cp_id,
                const cJSON *params, const char *requested_by, int timeout_ms,
                cJSON **answer, char *err, size_t errlen);
/* The same for an already formatted request line (no newline needed). */
int ctl_roundtrip(struct ctl_client *c, const char *line, int timeout_ms,
                  char **answer, char *err, size_t errlen);

/* connect + request + close. */
int ctl_call(const struct csms_config *cfg, const char *op, const char *cp_id,
             const cJSON *params, const char *requested_by, int timeout_ms,
             cJSON **answer, char *err, size_t errlen);

/* How long to wait for a command's answer: ocppd gives up after
 * command_timeout, so a little more than that (ms). */
int ctl_default_timeout_ms(const struct csms_config *cfg);

/* Reading an answer: ok is true?  error.code ("cp_offline", ...) or NULL;
 * error.message or ""; result or NULL. */
int ctl_answer_ok(const cJSON *answer);
const char *ctl_answer_code(const cJSON *answer);
const char *ctl_answer_message(const cJSON *answer);
const cJSON *ctl_answer_result(const cJSON *answer);

#endif
