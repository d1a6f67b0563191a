/*
 * calls.h — Central System -> Charge Point calls: the control socket's
 * commands on their way to a charge point and back.
 *
 * OCPP-J allows one outstanding CALL per direction and link, so each link
 * has a queue: the head is the call on the wire, the rest wait in order.
 * A call is answered to its control client with the charge point's
 * CALLRESULT payload, its CALLERROR code, `timeout` (command_timeout
 * seconds after ocppd accepted it, waiting in the queue included) or
 * `cp_offline` (not connected, or the link dropped before the answer).
 * Every command and its outcome goes to the commands table (cmdlog.h).
 * All of it runs on the event loop thread; the only cost on the OCPP
 * path is dispatch handing over CALLRESULT/CALLERROR frames.
 */
#ifndef OCPPD_CALLS_H
#define OCPPD_CALLS_H

#include <stdint.h>

#include "config.h"
#include "control.h"
#include "ocpp_schema.h"
#include "rpc.h"

#define CALLS_QUEUE_MAX 32 /* commands waiting for one charge point */

struct conn;

int calls_init(const struct csms_config *cfg, const ocpp_schemas *schemas,
               char *err, size_t errlen);
/* The 2.0.1 commands' schemas (send_ocpp201.c); after calls_init. */
int calls_init201(const ocpp_schemas *schemas201, char *err, size_t errlen);
/* 1 when op is an OCPP action ocppd sends to charge points. */
int calls_is_action(const char *op);
/* A command for r->cp_id, whose link is c (NULL: not connected).
 * Answers r->client itself, now or later. */
void calls_submit(struct conn *c, const struct control_req *r);

/* A CALLRESULT or CALLERROR from c. */
void calls_reply(struct conn *c, const struct rpc_msg *m);
/* The action of the call a CALLRESULT/CALLERROR answers (the message
 * log), NULL when it answers none of ours; m unchanged. */
const char *calls_answered(const struct conn *c, const struct rpc_msg *m);
/* c closes: its calls fail with cp_offline. */
void calls_conn_closed(struct conn *c);
/* Fails the calls whose time is up (called every tick). */
void calls_tick(int64_t now_ms);
/* Calls queued or outstanding, over all links / on one link. */
unsigned calls_pending(void);
unsigned calls_pending_on(const struct conn *c);
/* Checks params of op as calls_submit would (the op's build, then the
 * .req schema) without sending anything: 0, or -1 with why (the field
 * first, as in invalid_params) and *ocpp_error (the CALLERROR code the
 * schema gives, NULL when the build refused). */
int calls_check(const char *op, const cJSON *params, char *why, size_t whylen,
                const char **ocpp_error);
/* A fresh uniqueId for a call or a recorded refusal. */
void calls_new_uid(char out[RPC_ID_MAX + 1]);

#endif
