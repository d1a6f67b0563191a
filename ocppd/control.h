/*
 * control.h — ocppd's control socket: the way the web tier and csmsctl
 * reach charge points and change id tags (protocol: docs/control.md).
 *
 * One JSON object per line in, one per line out.  The sockets (a Unix
 * socket, optionally a loopback TCP port, and control_listen, whose
 * clients must send the shared secret first) and their clients are served by
 * the OCPP event loop itself, never blocking it: reads and writes are
 * non-blocking and bounded, so a slow or hostile control client costs the
 * loop no more than a charge point does.  A line that is not a request is
 * refused here (bad_request); a request goes to the on_request function
 * (ctl_ops.c), and whoever finishes it — at once, or a job's done hook
 * later — answers with control_ok / control_fail.  A client has one
 * request in flight at a time; the lines it sends meanwhile wait their
 * turn (unread), so answers come in request order.
 */
#ifndef OCPPD_CONTROL_H
#define OCPPD_CONTROL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "config.h"

#define CONTROL_LINE_MAX   65536 /* a longer request line is refused */
#define CONTROL_OP_MAX     40
#define CONTROL_CP_ID_MAX  200 /* bytes: 50 characters of UTF-8 */
#define CONTROL_WHO_MAX    100 /* requested_by, as commands.requested_by */
#define CONTROL_CLIENT_MAX 256

/* One request, as on_request gets it (valid during that call only). */
struct control_req {
	uint64_t client; /* who gets the answer */
	char op[CONTROL_OP_MAX + 1];
	char cp_id[CONTROL_CP_ID_MAX + 1]; /* "" when not given */
	char requested_by[CONTROL_WHO_MAX + 1];
	int timeout_s; /* "timeout": this command's own limit; 0: default */
	int async;     /* "async": answer once queued, not when answered */
	cJSON *params; /* always an object, owned */
};

struct lws_context;

/*
 * Binds the sockets of cfg (control_socket, control_tcp_port) and serves
 * them on ctx's loop; on_request(r) gets each request.  A socket that
 * cannot be set up as configured (bind, mode, group, a directory the
 * group cannot enter, another ocppd answering on it), or that cannot join
 * the loop, is -1 with one line in err: a start-up error, never a silent
 * "control off".
 */
int control_start(const struct csms_config *cfg, struct lws_context *ctx,
                  void (*on_request)(const struct control_req *r), char *err,
                  size_t errlen);
/* Closes idle clients (control_idle_timeout); every tick. */
void control_tick(void);
/* Removes the socket file (the descriptors close with the loop). */
void control_stop(void);

/* A client reference no answer reaches (an async command's outcome). */
#define CONTROL_NO_CLIENT UINT64_MAX

/* Answers a request (event loop only).  result (taken, NULL: {}) becomes
 * {"ok":true,"result":...}. */
void control_ok(uint64_t client, cJSON *result);
/* {"ok":false,"error":{"code":code,"message":...}}; extra (taken, may be
 * NULL) adds its members to the error object. */
void control_fail(uint64_t client, const char *code, cJSON *extra,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* An error's extra members for a message that names its field first
 * ("idTag: ..."): {"field": "idTag"}, or {} when it names none; NULL when
 * out of memory (control_fail takes either).  Inline: the unit tests
 * replace control.c but keep this. */
static inline cJSON *control_field_of(const char *why)
{
	cJSON *extra = cJSON_CreateObject();
	const char *colon = strstr(why, ": ");
	if (extra && colon && colon > why) {
		char field[200];
		snprintf(field, sizeof field, "%.*s", (int)(colon - why), why);
		cJSON_AddStringToObject(extra, "field", field);
	}
	return extra;
}

/* fn(client, ok) runs as each request is answered, before the answer
 * goes out (audit.c records the changes answered ok); NULL: none. */
void control_set_answer_hook(void (*fn)(uint64_t client, int ok));

/* Control clients connected now (for the status op). */
unsigned control_clients(void);

/* The ADDRESS:PORT this node's control listener is reached at
 * (control_advertise, else control_listen; "" none): nodes.control_addr. */
const char *control_advertised(void);

#endif
