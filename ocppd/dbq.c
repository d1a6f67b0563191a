/*
 * dbq.c — database worker threads, batching and group commit; see dbq.h.
 */
#include "dbq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmdlog.h"
#include "coalesce.h"
#include "control.h"
#include "cp_auth.h"
#include "cp_sec_op.h"
#include "log.h"
#include "log_frame.h"
#include "prefetch.h"
#include "tags.h"
#include "timeutil.h"
#include "conncache.h"
#include "txcache.h"

#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 2000
/* A link idle this long is checked before its next batch. */
#define IDLE_CHECK_MS 1000

struct outcome {
	enum hres r;
	cJSON *conf;
	struct hctx ctx;
};

struct worker {
	pthread_t thread;
	int index;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	int count, cap;
	int busy;
	int stopping;
	struct db db;
	struct txcache txc;
	struct conncache cc;
	struct coalesce co;
	struct prefetch pf;
	int64_t next_connect_ms;
	int64_t last_used_ms;
	int backoff_ms;
	int down_logged;
	/* Connection-state jobs that met a dead database: run first once it
	 * is back, so a charge point's rows still change in order. */
	struct job *deferred, *deferred_tail;
	int ndeferred;
	struct job *batch[DBQ_BATCH + 1];
	struct outcome out[DBQ_BATCH + 1];
};

static struct {
	const struct csms_config *cfg;
	struct worker *w;
	int n;
	void (*wake)(void *);
	void *wake_arg;
	pthread_mutex_t rlock;
	struct reply *rhead, *rtail;
} q = {.rlock = PTHREAD_MUTEX_INITIALIZER};

struct job *job_new(enum job_kind kind, const char *cp_id)
{
	size_t len = strlen(cp_id);
	struct job *j = calloc(1, sizeof *j + len + 1);
	if (!j)
		return NULL;
	j->kind = kind;
	memcpy(j->cp_id, cp_id, len + 1);
	return j;
}

void job_free(struct job *job)
{
	if (!job)
		return;
	cJSON_Delete(job->payload);
	cmd_record_free(job->rec);
	tag_op_free(job->tag);
	cp_sec_op_free(job->sec);
	free(job);
}

void reply_free(struct reply *r)
{
	if (!r)
		return;
	frame_free_list(r->frame);
	while (r->jobs) {
		struct job *next = r->jobs->next;
		job_free(r->jobs);
		r->jobs = next;
	}
	cp_secmap_free(r->known);
	cp_sec_op_free(r->sec);
	free(r);
}

static unsigned route(const char *cp_id)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)cp_id; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % (unsigned)q.n;
}

int dbq_submit(struct job *job, int best_effort)
{
	if (!q.w)
		return -1;
	/* Credential changes share worker 0 with the map reloads, so a
	 * reload never overtakes a change and brings back the old hash. */
	struct worker *w =
	    &q.w[job->kind == JOB_LOAD_KNOWN || job->kind == JOB_CP_SEC
	             ? 0
	             : route(job->cp_id)];
	pthread_mutex_lock(&w->lock);
	int limit = best_effort ? w->cap / 2 : w->cap;
	if (w->stopping || w->count >= limit) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	job->next = NULL;
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->count++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

struct reply *dbq_take_replies(void)
{
	pthread_mutex_lock(&q.rlock);
	struct reply *r = q.rhead;
	q.rhead = q.rtail = NULL;
	pthread_mutex_unlock(&q.rlock);
	return r;
}

int dbq_workers(void)
{
	return q.w ? q.n : 0;
}

int dbq_depth(int i)
{
	if (!q.w || i < 0 || i >= q.n)
		return 0;
	pthread_mutex_lock(&q.w[i].lock);
	int n = q.w[i].count;
	pthread_mutex_unlock(&q.w[i].lock);
	return n;
}

int dbq_idle(void)
{
	if (!q.w)
		return 1;
	for (int i = 0; i < q.n; i++) {
		struct worker *w = &q.w[i];
		pthread_mutex_lock(&w->lock);
		int idle = !w->count && !w->busy;
		pthread_mutex_unlock(&w->lock);
		if (!idle)
			return 0;
	}
	return 1;
}

/* Replies of one batch go to the loop with one lock and one wake-up. */
static void post(struct reply *head, struct reply *tail)
{
	if (!head)
		return;
	pthread_mutex_lock(&q.rlock);
	if (q.rtail)
		q.rtail->next = head;
	else
		q.rhead = head;
	q.rtail = tail;
	pthread_mutex_unlock(&q.rlock);
	if (q.wake)
		q.wake(q.wake_arg);
}

struct replies {
	struct reply *head, *tail;
	struct job *done; /* finished jobs, to be freed by the loop */
};

/*
 * A finished job goes back to the event loop thread to be freed there:
 * that thread allocated it and its parsed payload, and glibc's per-thread
 * caches only pay off when memory returns to the thread that took it
 * (freed here, every allocation of the loop would take the slow path).
 */
static void retire(struct replies *rs, struct job *j)
{
	j->next = rs->done;
	rs->done = j;
}

static void add_reply(struct replies *rs, struct reply *r)
{
	if (!r)
		return;
	if (rs->tail)
		rs->tail->next = r;
	else
		rs->head = r;
	rs->tail = r;
}

static struct reply *reply_frame(struct job *j, char *text, size_t len)
{
	struct reply *r = calloc(1, sizeof *r);
	if (!r) {
		free(text);
		return NULL;
	}
	r->conn = j->conn;
	r->frame = frame_take(text, len);
	if (r->frame)
		log_frame(j->cp_id, "->", frame_text(r->frame), r->frame->len);
	return r;
}

static struct reply *reply_error(struct job *j, enum rpc_error e,
                                 const char *desc)
{
	size_t len = 0;
	char *text = rpc_error_text(j->uid, e, desc, &len);
	return text ? reply_frame(j, text, len) : NULL;
}

static void load_known(struct worker *w, struct replies *rs)
{
	struct strmap *set = calloc(1, sizeof *set);
	struct reply *r = calloc(1, sizeof *r);
	if (!set || !r) {
		free(set);
		free(r);
		return;
	}
	strmap_init(set);
	int rc = cp_sec_load(&w->db, set);
	/* Ends the read (autocommit is off on a worker's link). */
	db_commit(&w->db);
	if (rc) {
		cp_secmap_free(set);
		free(r);
		return;
	}
	r->known = set;
	add_reply(rs, r);
}

/* Runs one job inside the open transaction. */
static enum hres run_job(struct worker *w, struct job *j, struct outcome *o)
{
	memset(&o->ctx, 0, sizeof o->ctx);
	o->conf = NULL;
	switch (j->kind) {
	case JOB_CALL:
		o->ctx.db = &w->db;
		o->ctx.txc = &w->txc;
		o->ctx.co = &w->co;
		o->ctx.pf = &w->pf;
		o->ctx.cfg = q.cfg;
		o->ctx.cp_id = j->cp_id;
		o->ctx.now_ms = j->now_ms;
		o->conf = cJSON_CreateObject();
		if (!o->conf)
			return H_INTERNAL;
		return j->fn(&o->ctx, j->payload, o->conf);
	case JOB_CONNECTED:
		return cp_state_connected(&w->db, q.cfg, j->cp_id, j->now_ms,
		                          j->remote)
		           ? H_DB_ERROR
		           : H_OK;
	case JOB_DISCONNECTED:
		return cp_state_disconnected(&w->db, j->cp_id) ? H_DB_ERROR
		                                               : H_OK;
	case JOB_SEEN:
		return coalesce_seen(&w->co, &w->db, j->cp_id, j->now_ms,
		                     j->beat_ms)
		           ? H_DB_ERROR
		           : H_OK;
	case JOB_LOAD_KNOWN:
		return H_OK; /* read-only, done after the commit */
	case JOB_COMMAND:
		return cmdlog_write(&w->db, j->rec) ? H_DB_ERROR : H_OK;
	case JOB_TAG:
		return tag_op_run(&w->db, j->tag);
	case JOB_CP_SEC:
		return cp_sec_op_run(&w->db, j->sec);
	}
	return H_INTERNAL;
}

static void discard(struct outcome *o, int n)
{
	for (int i = 0; i < n; i++) {
		cJSON_Delete(o[i].conf);
		o[i].conf = NULL;
	}
}

enum tx_result { TX_COMMITTED, TX_FAILED, TX_DB_LOST };

/*
 * Runs jobs[0..n) in one transaction.  TX_FAILED: rolled back because a
 * job failed (the caller retries them one by one), TX_DB_LOST: the
 * connection is gone.  On TX_COMMITTED out[] holds every result.
 */
static enum tx_result run_tx(struct worker *w, struct job **jobs, int n,
                             struct outcome *out)
{
	coalesce_reset(&w->co);
	prefetch_reset(&w->pf);
	if (db_begin(&w->db))
		return db_conn_lost(&w->db) ? TX_DB_LOST : TX_FAILED;
	for (int i = 0; i < n; i++)
		if (jobs[i]->kind == JOB_CALL)
			prefetch_add_call(&w->pf, jobs[i]->action,
			                  jobs[i]->cp_id, jobs[i]->payload);
	if (prefetch_fetch(&w->pf, &w->db)) {
		log_warn("ocppd: database batch read: %s", db_error(&w->db));
		int lost = db_conn_lost(&w->db);
		db_rollback(&w->db);
		return lost ? TX_DB_LOST : TX_FAILED;
	}
	for (int i = 0; i < n; i++) {
		out[i].r = run_job(w, jobs[i], &out[i]);
		if (jobs[i]->kind == JOB_TAG)
			prefetch_forget_tags(&w->pf);
		if (out[i].r == H_OK || out[i].r == H_BAD_VALUE)
			continue;
		int lost = out[i].r == H_DB_ERROR && db_conn_lost(&w->db);
		if (out[i].r == H_DB_ERROR)
			log_warn("ocpp: %s | %s | database: %s", jobs[i]->cp_id,
			         jobs[i]->action ? jobs[i]->action : "state",
			         db_error(&w->db));
		discard(out, i + 1);
		coalesce_reset(&w->co);
		db_rollback(&w->db);
		return lost || db_conn_lost(&w->db) ? TX_DB_LOST : TX_FAILED;
	}
	/* The batch's coalesced writes, then the one COMMIT. */
	if (coalesce_flush(&w->co, &w->db)) {
		log_warn("ocppd: database batch write: %s", db_error(&w->db));
		discard(out, n);
		int lost = db_conn_lost(&w->db);
		db_rollback(&w->db);
		return lost ? TX_DB_LOST : TX_FAILED;
	}
	if (db_commit(&w->db)) {
		log_warn("ocppd: database commit: %s", db_error(&w->db));
		discard(out, n);
		int lost = db_conn_lost(&w->db);
		db_rollback(&w->db);
		return lost ? TX_DB_LOST : TX_FAILED;
	}
	coalesce_committed(&w->co, time_now_ms());
	return TX_COMMITTED;
}

/* After a commit: audit lines and replies. */
static void finish(struct worker *w, struct job *j, struct outcome *o,
                   struct replies *rs)
{
	if (j->kind == JOB_LOAD_KNOWN) {
		load_known(w, rs);
		return;
	}
	if (j->kind == JOB_TAG) {
		tag_op_answer(j->tag, o->r);
		return;
	}
	if (j->kind == JOB_CP_SEC) {
		struct reply *r = o->r == H_OK ? calloc(1, sizeof *r) : NULL;
		if (!r) {
			cp_sec_op_fail(j->sec,
			               o->r == H_OK ? H_INTERNAL : o->r);
			return;
		}
		r->sec = j->sec;
		j->sec = NULL;
		add_reply(rs, r);
		return;
	}
	if (j->kind != JOB_CALL)
		return;
	struct reply *r;
	if (o->r == H_OK) {
		if (o->ctx.audit[0])
			log_info("ocpp: %s | %s | %s", j->cp_id, j->action,
			         o->ctx.audit);
		size_t len = 0;
		char *text = rpc_result_text(j->uid, o->conf, &len);
		o->conf = NULL; /* owned by rpc_result_text now */
		r = text ? reply_frame(j, text, len) : NULL;
		if (r)
			r->boot_status = o->ctx.boot_status;
		else
			r = reply_error(j, RPC_INTERNAL_ERROR, "out of memory");
	} else {
		cJSON_Delete(o->conf);
		o->conf = NULL;
		enum rpc_error e = rpc_error_for_handler(o->r);
		log_warn("ocpp: %s | %s | %s: %s", j->cp_id, j->action,
		         rpc_error_code(e), o->ctx.err);
		r = reply_error(j, e, o->ctx.err[0] ? o->ctx.err : "failed");
	}
	add_reply(rs, r);
}

/* The database is unreachable: calls get InternalError (the charge point
 * retries), state changes wait, heartbeats are dropped. */
static void fail_unavailable(struct worker *w, struct job *j,
                             struct replies *rs)
{
	switch (j->kind) {
	case JOB_CALL:
		add_reply(rs, reply_error(j, RPC_INTERNAL_ERROR,
		                          "database unavailable"));
		log_warn("ocpp: %s | %s | InternalError: database unavailable",
		         j->cp_id, j->action);
		job_free(j);
		return;
	case JOB_TAG:
		control_fail(j->tag->client, "db_unavailable", NULL,
		             "the database is unavailable");
		job_free(j);
		return;
	case JOB_CP_SEC:
		control_fail(j->sec->client, "db_unavailable", NULL,
		             "the database is unavailable");
		job_free(j);
		return;
	case JOB_COMMAND:
		log_warn("ocpp: %s | %s | database unavailable: command %s "
		         "not recorded",
		         j->cp_id, j->rec->action, j->rec->uid);
		job_free(j);
		return;
	case JOB_CONNECTED:
	case JOB_DISCONNECTED:
		if (w->ndeferred < w->cap) {
			j->next = NULL;
			if (w->deferred_tail)
				w->deferred_tail->next = j;
			else
				w->deferred = j;
			w->deferred_tail = j;
			w->ndeferred++;
			return;
		}
		/* fallthrough */
	default:
		job_free(j);
	}
}

static int connect_db(struct worker *w)
{
	int64_t now = time_now_ms();
	if (w->db.conn)
		return 0;
	if (now < w->next_connect_ms)
		return -1;
	if (db_connect(&w->db, q.cfg, 0)) {
		w->backoff_ms =
		    w->backoff_ms ? w->backoff_ms * 2 : BACKOFF_MIN_MS;
		if (w->backoff_ms > BACKOFF_MAX_MS)
			w->backoff_ms = BACKOFF_MAX_MS;
		w->next_connect_ms = now + w->backoff_ms;
		if (!w->down_logged)
			log_error("ocppd: worker %d: database: %s (retrying)",
			          w->index, db_error(&w->db));
		w->down_logged = 1;
		return -1;
	}
	if (w->down_logged)
		log_info("ocppd: worker %d: database reconnected", w->index);
	w->down_logged = 0;
	w->backoff_ms = 0;
	return 0;
}

static void process(struct worker *w, struct job *list)
{
	struct replies rs = {0};
	/* A link that sat idle may have died with a database restart: find
	 * out with one round trip now rather than fail this batch's messages
	 * (under load batches follow each other and nothing is checked). */
	int64_t now = time_now_ms();
	if (w->db.conn && now - w->last_used_ms > IDLE_CHECK_MS &&
	    db_ping(&w->db))
		w->next_connect_ms = 0;
	w->last_used_ms = now;
	if (connect_db(w)) {
		while (list) {
			struct job *next = list->next;
			fail_unavailable(w, list, &rs);
			list = next;
		}
		post(rs.head, rs.tail);
		return;
	}
	if (w->deferred) {
		w->deferred_tail->next = list;
		list = w->deferred;
		w->deferred = w->deferred_tail = NULL;
		w->ndeferred = 0;
	}
	while (list) {
		int n = 0;
		while (list && n < DBQ_BATCH) {
			w->batch[n++] = list;
			list = list->next;
		}
		enum tx_result t = run_tx(w, w->batch, n, w->out);
		if (t == TX_FAILED && n > 1) {
			/* One bad message must not fail the others. */
			for (int i = 0; i < n; i++) {
				enum tx_result t1 =
				    run_tx(w, &w->batch[i], 1, &w->out[i]);
				if (t1 == TX_COMMITTED) {
					finish(w, w->batch[i], &w->out[i], &rs);
					retire(&rs, w->batch[i]);
				} else if (t1 == TX_FAILED) {
					w->out[i].r = H_DB_ERROR;
					snprintf(w->out[i].ctx.err,
					         sizeof w->out[i].ctx.err,
					         "database error");
					finish(w, w->batch[i], &w->out[i], &rs);
					retire(&rs, w->batch[i]);
				} else {
					fail_unavailable(w, w->batch[i], &rs);
				}
			}
		} else if (t == TX_FAILED) {
			w->out[0].r = H_DB_ERROR;
			snprintf(w->out[0].ctx.err, sizeof w->out[0].ctx.err,
			         "database error");
			finish(w, w->batch[0], &w->out[0], &rs);
			retire(&rs, w->batch[0]);
		} else if (t == TX_DB_LOST) {
			for (int i = 0; i < n; i++)
				fail_unavailable(w, w->batch[i], &rs);
			while (list) {
				struct job *next = list->next;
				fail_unavailable(w, list, &rs);
				list = next;
			}
			connect_db(w); /* schedules the backoff */
		} else {
			for (int i = 0; i < n; i++) {
				finish(w, w->batch[i], &w->out[i], &rs);
				retire(&rs, w->batch[i]);
			}
		}
	}
	if (rs.done) {
		struct reply *r = calloc(1, sizeof *r);
		if (r) {
			r->jobs = rs.done;
			add_reply(&rs, r);
		} else {
			while (rs.done) {
				struct job *next = rs.done->next;
				job_free(rs.done);
				rs.done = next;
			}
		}
	}
	post(rs.head, rs.tail);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping) {
			if (w->deferred && !w->db.conn) {
				/* Wake up to retry the connection for the
				 * state changes that are waiting. */
				struct timespec ts;
				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += 200 * 1000000L;
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				pthread_cond_timedwait(&w->cond, &w->lock, &ts);
				break;
			}
			pthread_cond_wait(&w->cond, &w->lock);
		}
		if (!w->head && w->stopping) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		struct job *list = w->head;
		w->head = w->tail = NULL;
		w->count = 0;
		w->busy = 1;
		pthread_mutex_unlock(&w->lock);

		if (list || w->deferred)
			process(w, list);

		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		pthread_mutex_unlock(&w->lock);
	}
	/* Last chance for state changes that waited on the database. */
	if (w->deferred && !connect_db(w))
		process(w, NULL);
	while (w->deferred) {
		struct job *next = w->deferred->next;
		job_free(w->deferred);
		w->deferred = next;
	}
	db_close(&w->db);
	return NULL;
}

int dbq_start(const struct csms_config *cfg, void (*wake)(void *),
              void *wake_arg, char *err, size_t errlen)
{
	q.cfg = cfg;
	q.wake = wake;
	q.wake_arg = wake_arg;
	q.n = cfg->db_workers > 0 ? cfg->db_workers : 1;
	if (coalesce_init() || prefetch_init()) {
		coalesce_cleanup();
		prefetch_cleanup();
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	q.w = calloc((size_t)q.n, sizeof *q.w);
	if (!q.w) {
		coalesce_cleanup();
		prefetch_cleanup();
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int cap = cfg->db_queue_size / q.n;
	if (cap < 16)
		cap = 16;
	for (int i = 0; i < q.n; i++) {
		struct worker *w = &q.w[i];
		w->index = i;
		w->cap = cap;
		pthread_mutex_init(&w->lock, NULL);
		pthread_cond_init(&w->cond, NULL);
		w->db.cfg = cfg;
		w->db.batch_session = 1;
		w->co.known = &w->cc;
		/* A failure here is not fatal: the worker retries. */
		connect_db(w);
		if (pthread_create(&w->thread, NULL, worker_main, w)) {
			snprintf(err, errlen, "cannot start worker thread");
			q.n = i;
			dbq_stop();
			return -1;
		}
	}
	return 0;
}

void dbq_stop(void)
{
	if (!q.w)
		return;
	for (int i = 0; i < q.n; i++) {
		pthread_mutex_lock(&q.w[i].lock);
		q.w[i].stopping = 1;
		pthread_cond_broadcast(&q.w[i].cond);
		pthread_mutex_unlock(&q.w[i].lock);
	}
	for (int i = 0; i < q.n; i++) {
		pthread_join(q.w[i].thread, NULL);
		pthread_mutex_destroy(&q.w[i].lock);
		pthread_cond_destroy(&q.w[i].cond);
	}
	free(q.w);
	q.w = NULL;
	coalesce_cleanup();
	prefetch_cleanup();
	struct reply *r = dbq_take_replies();
	while (r) {
		struct reply *next = r->next;
		reply_free(r);
		r = next;
	}
}
