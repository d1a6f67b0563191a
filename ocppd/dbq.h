/*
 * dbq.h — the database queue: worker threads that own the database
 * connections, so nothing on the event loop ever blocks on MariaDB.
 *
 * Each of cfg->db_workers workers has its own connection and its own
 * bounded queue.  A job goes to worker hash(route) % N (route: the charge
 * point, so one charge point's jobs run in order; NULL: worker 0).  A
 * worker takes everything queued (up to DBQ_BATCH) and runs the jobs
 * inside ONE transaction (group commit): the batch hooks (struct
 * dbq_batch_ops, batch.c) do the batch's reads up front and its coalesced
 * writes just before the COMMIT.  Only after the commit does a job's
 * outcome go back: a reply that confirms data is never sent before that
 * data is durable.  If one job fails, the batch is rolled back and re-run
 * one job per transaction so one bad message cannot fail the others.
 * When the database is down, jobs fail (their owner answers: a CALL gets
 * InternalError and the charge point retries), the worker reconnects with
 * backoff, and JOB_WAITS jobs (connection state) wait for it.
 *
 * dbq knows no kind of job: a job is a struct job at the head of its
 * owner's struct, with a struct job_ops.  Finished jobs travel back on a
 * completion list; wake(arg) tells the event loop, which calls
 * dbq_run_done(): done or fail, then free, on the thread that allocated
 * the job.
 */
#ifndef OCPPD_DBQ_H
#define OCPPD_DBQ_H

#include <stdint.h>

#include "config.h"
#include "db.h"
#include "rpc.h"

#define DBQ_BATCH 256

struct job;
struct batch; /* a worker's state for its jobs: struct dbq_batch_ops */

#define JOB_WAITS 1u /* kept while the database is down, run once back */

struct job_ops {
	unsigned flags; /* JOB_* */
	/* Worker, before the batch's reads: notes what run will read
	 * (optional). */
	void (*prefetch)(struct job *j, struct batch *b);
	/* Worker, inside the batch's transaction.  H_OK and H_BAD_VALUE
	 * commit; anything else rolls the batch back, and its jobs run again
	 * one per transaction. */
	enum hres (*run)(struct job *j, struct batch *b);
	/* Worker, after the COMMIT (optional): what must follow durability
	 * but need not wait for the loop (audit lines, a reply's text). */
	void (*committed)(struct job *j);
	/* Event loop: the outcome — run's H_OK or H_BAD_VALUE, or
	 * H_DB_ERROR when its own transaction failed too. */
	void (*done)(struct job *j, enum hres r);
	/* Event loop: the database was unreachable, the job did not run. */
	void (*fail)(struct job *j);
	void (*free)(struct job *j);
};

struct job {
	struct job *next;
	const struct job_ops *ops;
	const char *who;  /* for log lines: the charge point, or "" */
	const char *what; /* for log lines: the action, or the kind */
	enum hres r;
	unsigned unavailable : 1;
};

/* The worker's per-batch state (batch.c has ocppd's). */
struct dbq_batch_ops {
	/* At start, per worker; NULL when out of memory. */
	struct batch *(*open)(struct db *db, const struct csms_config *cfg);
	void (*begin)(struct batch *b); /* a transaction starts */
	int (*fetch)(struct batch *b);  /* the reads, after prefetch; -1 */
	int (*flush)(struct batch *b);  /* the writes, before COMMIT; -1 */
	void (*committed)(struct batch *b, int64_t now_ms);
	void (*close)(struct batch *b);
};

int dbq_start(const struct csms_config *cfg, const struct dbq_batch_ops *bops,
              void (*wake)(void *), void *wake_arg, char *err, size_t errlen);
/*
 * Queues a job (ownership passes on success).  -1 when that worker's queue
 * is full or the queue is stopping: the caller answers.  best_effort jobs
 * are refused already at half capacity, so they never crowd out real
 * messages.  route: the ordering key (not copied: it must live as long as
 * the job), NULL for worker 0.
 */
int dbq_submit(struct job *j, const char *route, int best_effort);
/* Event loop: done or fail, then free, for every job finished so far,
 * oldest first.  Returns how many. */
unsigned dbq_run_done(void);
/* Event loop: every job dbq_run_done has finished so far. */
unsigned long long dbq_done_total(void);
/* Workers, and the jobs waiting for worker i (the status op). */
int dbq_workers(void);
int dbq_depth(int i);
/*
 * Where the workers' time went since start, summed over workers: batch
 * transactions committed and the jobs in them, and the wall time of each
 * part of a committed batch (microseconds): the batch's reads, the
 * handlers with their own statements, the coalesced writes, the COMMIT.
 * Wall time, not CPU: a part waits for the database and for a core.
 */
struct dbq_stats {
	unsigned long long batches, jobs;
	unsigned long long read_us, run_us, write_us, commit_us;
};
void dbq_stats(struct dbq_stats *s);
/* 1 when every queue is empty and no worker is inside a batch. */
int dbq_idle(void);
/* Stops and joins the workers (after draining what is queued); jobs
 * finished meanwhile stay for dbq_run_done. */
void dbq_stop(void);

#endif
