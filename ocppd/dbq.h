/*
 * dbq.h — the database queue: worker threads that own the database
 * connections, so nothing on the WebSocket service thread ever blocks on
 * MariaDB.
 *
 * Each of cfg->db_workers workers has its own connection and its own
 * bounded queue.  A job goes to worker hash(cp_id) % N, so one charge
 * point's messages are processed in order.  A worker takes everything
 * queued (up to DBQ_BATCH), runs the handlers inside ONE transaction (group
 * commit), writes the rows the handlers coalesced (coalesce.h: status
 * upserts, meter values and heartbeats as multi-row statements), commits,
 * and only then posts the replies: a reply that confirms data is never
 * sent before that data is durable.  If one handler fails
 * with an SQL error, the batch is rolled back and re-run one job per
 * transaction so one bad message cannot fail the others.  When the
 * database is down, calls are answered InternalError (the charge point
 * retries), the worker reconnects with backoff, and connection-state jobs
 * wait for it.
 *
 * Replies come back through a completion list; the wake function (for
 * ocppd: lws_cancel_service) tells the event loop to collect them.  The
 * finished jobs travel back the same way and are freed on the loop thread
 * that allocated them.
 */
#ifndef OCPPD_DBQ_H
#define OCPPD_DBQ_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "frame.h"
#include "handlers.h"
#include "rpc.h"
#include "strmap.h"

#define DBQ_BATCH 256

enum job_kind {
	JOB_CALL,         /* a CALL from a charge point: run fn, reply */
	JOB_CONNECTED,    /* connected = 1 */
	JOB_DISCONNECTED, /* connected = 0 */
	JOB_SEEN,         /* last_seen (and last_heartbeat), best effort */
	JOB_LOAD_KNOWN,   /* reload the set of registered charge points */
	JOB_COMMAND,      /* a commands-table row (cmdlog.h) */
	JOB_TAG,          /* a control-socket id-tag change (tags.h) */
	JOB_CP_SEC,       /* a charge point's credentials (cp_sec_op.h) */
};

struct cmd_record;
struct tag_op;
struct cp_sec_op;

struct job {
	struct job *next;
	enum job_kind kind;
	uint64_t conn;      /* who gets the reply (ws connection ref) */
	handler_fn fn;      /* JOB_CALL */
	const char *action; /* JOB_CALL, static */
	cJSON *payload;     /* JOB_CALL, owned */
	int64_t now_ms;
	int64_t beat_ms; /* JOB_SEEN: newest Heartbeat, or DB_NULL_TIME */
	char uid[RPC_ID_MAX + 1];
	char remote[64];        /* JOB_CONNECTED */
	struct cmd_record *rec; /* JOB_COMMAND, owned */
	struct tag_op *tag;     /* JOB_TAG, owned */
	struct cp_sec_op *sec;  /* JOB_CP_SEC, owned */
	char cp_id[];
};

/* What a worker hands back to the event loop. */
struct reply {
	struct reply *next;
	uint64_t conn;
	struct frame *frame;  /* NULL: nothing to send */
	int boot_status;      /* enum boot_status, from BootNotification */
	struct strmap *known; /* JOB_LOAD_KNOWN: id -> struct cp_sec *, owned */
	struct cp_sec_op *sec; /* JOB_CP_SEC done: apply on the loop, owned */
	struct job *jobs;      /* finished jobs to free (list), owned */
};

/* A job for cp_id with everything zeroed; NULL when out of memory. */
struct job *job_new(enum job_kind kind, const char *cp_id);
void job_free(struct job *job);

int dbq_start(const struct csms_config *cfg, void (*wake)(void *),
              void *wake_arg, char *err, size_t errlen);
/*
 * Queues a job (ownership passes on success).  -1 when that worker's queue
 * is full or the queue is stopping: the caller answers InternalError.
 * best_effort jobs are refused already at half capacity, so they never
 * crowd out real messages.
 */
int dbq_submit(struct job *job, int best_effort);
/* Every reply finished so far, oldest first; the caller frees them. */
struct reply *dbq_take_replies(void);
void reply_free(struct reply *r);
/* Workers, and the jobs waiting for worker i (the status op). */
int dbq_workers(void);
int dbq_depth(int i);
/* 1 when every queue is empty and no worker is inside a batch. */
int dbq_idle(void);
/* Stops and joins the workers (after draining what is queued). */
void dbq_stop(void);

#endif
