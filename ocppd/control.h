/*
 * control.h — ocppd's control socket: the way the web tier and csmsctl
 * reach charge points and change id tags (protocol: docs/control.md).
 *
 * One JSON object per line in, one per line out.  The sockets (a Unix
 * socket, optionally a loopback TCP port) are served by their own thread,
 * so a slow or hostile control client never touches the OCPP event loop:
 * that thread reads lines, refuses what is not a request (bad_request),
 * and hands each request to the event loop (control_take_requests, after
 * the wake function ran).  Whoever finishes a request — the event loop or
 * a database worker — answers with control_ok / control_fail, from any
 * thread.  A client has one request in flight at a time; the lines it
 * sends meanwhile wait their turn, so answers come in request order.
 */
#ifndef OCPPD_CONTROL_H
#define OCPPD_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"

#define CONTROL_LINE_MAX   65536 /* a longer request line is refused */
#define CONTROL_OP_MAX     40
#define CONTROL_CP_ID_MAX  200 /* bytes: 50 characters of UTF-8 */
#define CONTROL_WHO_MAX    100 /* requested_by, as commands.requested_by */
#define CONTROL_CLIENT_MAX 256

/* One request, as the event loop gets it (control_req_free frees it). */
struct control_req {
	struct control_req *next;
	uint64_t client; /* who gets the answer */
	char op[CONTROL_OP_MAX + 1];
	char cp_id[CONTROL_CP_ID_MAX + 1]; /* "" when not given */
	char requested_by[CONTROL_WHO_MAX + 1];
	int timeout_s; /* "timeout": this command's own limit; 0: default */
	int async;     /* "async": answer once queued, not when answered */
	cJSON *params; /* always an object, owned */
};

/*
 * Binds the sockets of cfg (control_socket, control_tcp_port) and starts
 * the thread; wake(arg) tells the event loop that requests wait.  A
 * socket that cannot be set up as configured (bind, mode, group, a
 * directory the group cannot enter, another ocppd answering on it) is -1
 * with one line in err: a start-up error, never a silent "control off".
 */
int control_start(const struct csms_config *cfg, void (*wake)(void *),
                  void *wake_arg, char *err, size_t errlen);
/* Closes every socket, joins the thread, removes the socket file. */
void control_stop(void);

/* Every request received so far, oldest first (event loop thread). */
struct control_req *control_take_requests(void);
void control_req_free(struct control_req *r);

/* A client reference no answer reaches (an async command's outcome). */
#define CONTROL_NO_CLIENT UINT64_MAX

/* Answers a request; thread-safe.  result (taken, NULL: {}) becomes
 * {"ok":true,"result":...}. */
void control_ok(uint64_t client, cJSON *result);
/* {"ok":false,"error":{"code":code,"message":...}}; extra (taken, may be
 * NULL) adds its members to the error object. */
void control_fail(uint64_t client, const char *code, cJSON *extra,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Control clients connected now (for the status op). */
unsigned control_clients(void);

#endif
