/*
 * rpc.h — the charge point's side of OCPP-J RPC over a link: outgoing
 * CALLs queued and sent one at a time (the OCPP-J rule), each matched to
 * its CALLRESULT or CALLERROR by id or timed out; the server's CALLs
 * handed up for answering.
 */
#ifndef CPSIM_RPC_H
#define CPSIM_RPC_H

#include <stddef.h>
#include <stdint.h>

struct link;
struct cJSON;

enum rpc_outcome {
	RPC_RESULT = 3,
	RPC_ERROR = 4,
	RPC_TIMEOUT = -1,
	RPC_CLOSED = -2, /* the link went down (when not requeueing) */
};

struct rpc_call {
	struct rpc_call *next;
	char id[40];
	char action[48]; /* "" for raw text */
	int tag;         /* the owner's meaning */
	int connector;
	int arg;
	int any_reply; /* raw text without a usable id: take any reply */
	int timeout_ms;
	int64_t sent_ms;     /* monotonic, 0 until sent */
	int attempts;        /* transmissions answered with InternalError */
	int64_t retry_at_ms; /* monotonic: not sent again before; 0: now */
	size_t len;
	char *text; /* the whole frame */
};

struct rpc_reply {
	enum rpc_outcome outcome;
	struct cJSON
	    *payload; /* RESULT payload or ERROR details; may be NULL */
	char err_code[64];
	char err_desc[256];
};

struct rpc_ops {
	/* A call finished; the call is freed after this returns. */
	void (*reply)(void *ud, struct rpc_call *c, const struct rpc_reply *r);
	/* The server sent a CALL; answer it with rpc_answer_*. id is raw. */
	void (*server_call)(void *ud, const char *id, size_t id_len,
	                    const char *action, const struct cJSON *payload);
	/* May this queued call go out now?  NULL: always. */
	int (*may_send)(void *ud, const struct rpc_call *c);
};

struct rpc {
	struct link *link;
	struct rpc_ops ops;
	void *ud;
	struct rpc_call *head, *tail; /* not yet sent */
	struct rpc_call *out;         /* awaiting its reply */
	unsigned next_id;
	int timeout_ms;
	int requeue_on_close; /* resend the outstanding call after reconnect */
	/*
	 * OCPP 1.6 TransactionMessageAttempts / RetryInterval: a transaction
	 * message (rpc_is_tx_message) answered with CALLERROR InternalError
	 * is sent again, same payload, a new id (the old one was answered),
	 * after retry_ms times the attempts so far, until tx_attempts
	 * transmissions; only the last answer reaches ops.reply.  1: never.
	 */
	int tx_attempts;
	int tx_retry_ms;
	const char *tag; /* identity, for warnings */
	/* counters */
	unsigned calls, results, errors, timeouts, answered, stray;
	unsigned tx_retries;   /* transaction messages sent again */
	unsigned tx_recovered; /* ... and then answered with a CALLRESULT */
};

void rpc_init(struct rpc *r, struct link *link, const struct rpc_ops *ops,
              void *ud, const char *tag);
void rpc_reset(struct rpc *r); /* drop everything queued */

/* Queue a CALL (payload copied).  Returns the call, or NULL. */
struct rpc_call *rpc_call(struct rpc *r, const char *action,
                          const char *payload, int tag, int connector, int arg);
/* Queue raw text; id is what to match replies on (NULL: any reply). */
struct rpc_call *rpc_raw(struct rpc *r, const char *text, const char *id,
                         size_t id_len, int timeout_ms);

/* Send what may be sent.  Call after anything that could unblock it. */
void rpc_pump(struct rpc *r);
/* Feed one received message. */
void rpc_on_message(struct rpc *r, const char *text, size_t len);
/* Check the outstanding call's deadline. */
void rpc_tick(struct rpc *r);
/* The link went down. */
void rpc_on_closed(struct rpc *r);

int rpc_idle(const struct rpc *r); /* nothing queued, nothing outstanding */

/* 1 for the messages OCPP 1.6 retries (§4.2, §4.7, §4.8):
 * StartTransaction, StopTransaction, and MeterValues carrying a
 * transactionId (frame is the whole CALL). */
int rpc_is_tx_message(const char *action, const char *frame, size_t len);

void rpc_answer_result(struct rpc *r, const char *id, size_t id_len,
                       const char *payload);
void rpc_answer_error(struct rpc *r, const char *id, size_t id_len,
                      const char *code, const char *desc);

#endif
