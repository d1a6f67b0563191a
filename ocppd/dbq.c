/*
 * dbq.c — database worker threads, batching and group commit; see dbq.h.
 *
 * Nothing here knows what a job does: its ops run it, and the batch hooks
 * bracket a batch's transaction.  What this file owns is the order (one
 * route, one worker, one queue), the transaction shape (one BEGIN, the
 * jobs, one COMMIT; one job per transaction after a failure), the
 * reconnect backoff, and the way back to the loop.
 */
#include "dbq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "nodetag.h"
#include "timeutil.h"

#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 2000
/* A link idle this long is checked before its next batch. */
#define IDLE_CHECK_MS 1000

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
	struct batch *b;
	int64_t next_connect_ms;
	int64_t last_used_ms;
	int backoff_ms;
	int down_logged;
	/* JOB_WAITS jobs that met a dead database: run first once it is
	 * back, so a charge point's rows still change in order. */
	struct job *deferred, *deferred_tail;
	int ndeferred;
	struct job *batch[DBQ_BATCH + 1];
	int transient;       /* the last rollback's cause: db_errno_transient */
	int commit_sent;     /* the last run_tx got as far as its COMMIT */
	struct dbq_stats st; /* written by the worker, under lock */
};

/* A batch rolled back by a deadlock or a certification failure runs again
 * as it was, this many times, before it is split into single jobs. */
#define DBQ_TRANSIENT_RETRIES 3

static struct {
	const struct csms_config *cfg;
	const struct dbq_batch_ops *bops;
	struct worker *w;
	int n;
	void (*wake)(void *);
	void *wake_arg;
	pthread_mutex_t dlock;
	struct job *dhead, *dtail; /* finished, for the loop */
} q = {.dlock = PTHREAD_MUTEX_INITIALIZER};

/* A worker's finished jobs, posted to the loop together. */
struct finished {
	struct job *head, *tail;
};

static unsigned route(const char *key)
{
	unsigned h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % (unsigned)q.n;
}

int dbq_submit(struct job *j, const char *key, int best_effort)
{
	if (!q.w)
		return -1;
	struct worker *w = &q.w[key ? route(key) : 0];
	pthread_mutex_lock(&w->lock);
	int limit = best_effort ? w->cap / 2 : w->cap;
	if (w->stopping || w->count >= limit) {
		pthread_mutex_unlock(&w->lock);
		return -1;
	}
	j->next = NULL;
	j->unavailable = 0;
	if (w->tail)
		w->tail->next = j;
	else
		w->head = j;
	w->tail = j;
	w->count++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* Jobs handed back to the loop since start: the drain rate the
 * BootNotification shaping estimates from (loop thread only). */
static unsigned long long done_total;

unsigned long long dbq_done_total(void)
{
	return done_total;
}

unsigned dbq_run_done(void)
{
	/* Called on every wake-up of the loop: most have nothing for us,
	 * and a load is cheaper than the lock. */
	if (!__atomic_load_n(&q.dhead, __ATOMIC_ACQUIRE))
		return 0;
	pthread_mutex_lock(&q.dlock);
	struct job *j = q.dhead;
	__atomic_store_n(&q.dhead, NULL, __ATOMIC_RELAXED);
	q.dtail = NULL;
	pthread_mutex_unlock(&q.dlock);
	unsigned n = 0;
	while (j) {
		struct job *next = j->next;
		if (j->unavailable) {
			if (j->ops->fail)
				j->ops->fail(j);
		} else if (j->ops->done) {
			j->ops->done(j, j->r);
		}
		j->ops->free(j);
		j = next;
		n++;
	}
	done_total += n;
	return n;
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

void dbq_stats(struct dbq_stats *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; q.w && i < q.n; i++) {
		struct worker *w = &q.w[i];
		pthread_mutex_lock(&w->lock);
		s->batches += w->st.batches;
		s->jobs += w->st.jobs;
		s->read_us += w->st.read_us;
		s->run_us += w->st.run_us;
		s->write_us += w->st.write_us;
		s->commit_us += w->st.commit_us;
		pthread_mutex_unlock(&w->lock);
	}
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

static void finished_add(struct finished *f, struct job *j)
{
	j->next = NULL;
	if (f->tail)
		f->tail->next = j;
	else
		f->head = j;
	f->tail = j;
}

/*
 * A batch's finished jobs go to the loop with one lock and one wake-up.
 * They are freed there: that thread allocated them and their parsed
 * payloads, and glibc's per-thread caches only pay off when memory
 * returns to the thread that took it.
 */
static void post(struct finished *f)
{
	if (!f->head)
		return;
	/* The batch's log lines before its answers: whoever reads the log
	 * after an answer finds the line of it. */
	log_flush();
	pthread_mutex_lock(&q.dlock);
	if (q.dtail)
		q.dtail->next = f->head;
	else
		__atomic_store_n(&q.dhead, f->head, __ATOMIC_RELEASE);
	q.dtail = f->tail;
	pthread_mutex_unlock(&q.dlock);
	f->head = f->tail = NULL;
	if (q.wake)
		q.wake(q.wake_arg);
}

enum tx_result { TX_COMMITTED, TX_FAILED, TX_DB_LOST };

static enum tx_result rollback(struct worker *w)
{
	int lost = db_conn_lost(&w->db);
	w->transient = db_errno_transient(w->db.last_errno);
	db_rollback(&w->db);
	return lost || db_conn_lost(&w->db) ? TX_DB_LOST : TX_FAILED;
}

/* A committed batch's parts, at t[0..4]: start, reads done, handlers
 * done, writes done, committed (dbq_stats). */
static void count_batch(struct worker *w, int n, const int64_t t[5])
{
	pthread_mutex_lock(&w->lock);
	w->st.batches++;
	w->st.jobs += (unsigned)n;
	w->st.read_us += (unsigned long long)(t[1] - t[0]);
	w->st.run_us += (unsigned long long)(t[2] - t[1]);
	w->st.write_us += (unsigned long long)(t[3] - t[2]);
	w->st.commit_us += (unsigned long long)(t[4] - t[3]);
	pthread_mutex_unlock(&w->lock);
}

/*
 * Runs jobs[0..n) in one transaction.  TX_FAILED: rolled back because a
 * job failed (the caller retries them one by one), TX_DB_LOST: the
 * connection is gone.  On TX_COMMITTED every job's r is its outcome.
 */
static enum tx_result run_tx(struct worker *w, struct job **jobs, int n)
{
	const struct dbq_batch_ops *bo = q.bops;
	int64_t t[5];
	w->commit_sent = 0;
	t[0] = time_mono_us();
	bo->begin(w->b);
	if (db_begin(&w->db))
		return db_conn_lost(&w->db) ? TX_DB_LOST : TX_FAILED;
	for (int i = 0; i < n; i++)
		if (jobs[i]->ops->prefetch)
			jobs[i]->ops->prefetch(jobs[i], w->b);
	if (bo->fetch(w->b)) {
		log_warn("ocppd: database batch read: %s", db_error(&w->db));
		return rollback(w);
	}
	t[1] = time_mono_us();
	for (int i = 0; i < n; i++) {
		struct job *j = jobs[i];
		j->r = j->ops->run(j, w->b);
		if (j->r == H_OK || j->r == H_BAD_VALUE)
			continue;
		if (j->r == H_DB_ERROR)
			log_warn("ocpp: %s | %s | database: %s", j->who,
			         j->what, db_error(&w->db));
		bo->begin(w->b); /* forget the buffered writes */
		return rollback(w);
	}
	/* The batch's coalesced writes, then the one COMMIT. */
	t[2] = time_mono_us();
	if (bo->flush(w->b)) {
		log_warn("ocppd: database batch write: %s", db_error(&w->db));
		return rollback(w);
	}
	w->commit_sent = 1;
	t[3] = time_mono_us();
	if (db_commit(&w->db)) {
		log_warn("ocppd: database commit: %s", db_error(&w->db));
		return rollback(w);
	}
	t[4] = time_mono_us();
	count_batch(w, n, t);
	bo->committed(w->b, time_now_ms());
	for (int i = 0; i < n; i++)
		if (jobs[i]->ops->committed)
			jobs[i]->ops->committed(jobs[i]);
	return TX_COMMITTED;
}

/* run_tx, again while a transient error rolled it back (another writer
 * won a row: run as it was, it can commit now). */
static enum tx_result run_tx_retry(struct worker *w, struct job **jobs, int n)
{
	w->transient = 0;
	enum tx_result t = run_tx(w, jobs, n);
	for (int i = 0;
	     t == TX_FAILED && w->transient && i < DBQ_TRANSIENT_RETRIES; i++) {
		log_warn("ocppd: worker %d: batch rolled back by a conflict; "
		         "running it again",
		         w->index);
		w->transient = 0;
		t = run_tx(w, jobs, n);
	}
	return t;
}

/* The database is unreachable: JOB_WAITS jobs wait for it, the others
 * go back failed (their owners answer). */
static void unavailable(struct worker *w, struct job *j, struct finished *f)
{
	if ((j->ops->flags & JOB_WAITS) && w->ndeferred < w->cap) {
		j->next = NULL;
		if (w->deferred_tail)
			w->deferred_tail->next = j;
		else
			w->deferred = j;
		w->deferred_tail = j;
		w->ndeferred++;
		return;
	}
	j->unavailable = 1;
	finished_add(f, j);
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
	struct finished f = {0};
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
			unavailable(w, list, &f);
			list = next;
		}
		post(&f);
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
		enum tx_result t = run_tx_retry(w, w->batch, n);
		if (t == TX_DB_LOST && !w->commit_sent) {
			/* The link died before the COMMIT was sent, so the
			 * server rolled everything back: run the batch once
			 * more on a new connection (the next statement makes
			 * it) rather than fail its messages.  This is the
			 * usual case when a proxy cuts idle links, as
			 * HAProxy does when a Galera writer comes back.  A
			 * link lost during the COMMIT leaves its outcome
			 * unknown: those messages fail and the charge point
			 * sends them again. */
			log_warn("ocppd: worker %d: database link lost before "
			         "the commit; running the batch again",
			         w->index);
			t = run_tx_retry(w, w->batch, n);
		}
		if (t == TX_COMMITTED) {
			for (int i = 0; i < n; i++)
				finished_add(&f, w->batch[i]);
		} else if (t == TX_FAILED) {
			/* One bad message must not fail the others. */
			for (int i = 0; i < n; i++) {
				struct job *j = w->batch[i];
				enum tx_result t1 =
				    n > 1 ? run_tx_retry(w, &w->batch[i], 1)
				          : t;
				if (t1 == TX_DB_LOST) {
					unavailable(w, j, &f);
					continue;
				}
				if (t1 == TX_FAILED)
					j->r = H_DB_ERROR;
				finished_add(&f, j);
			}
		} else {
			for (int i = 0; i < n; i++)
				unavailable(w, w->batch[i], &f);
			while (list) {
				struct job *next = list->next;
				unavailable(w, list, &f);
				list = next;
			}
			connect_db(w); /* schedules the backoff */
		}
	}
	post(&f);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	/* Named so that per-thread figures (top -H, /proc/PID/task/TID/
	 * schedstat, make bench-profile) tell the workers from the loop. */
	char name[16];
	snprintf(name, sizeof name, "db worker %d", w->index);
	pthread_setname_np(pthread_self(), name);
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (!w->head && !w->stopping) {
			if (w->deferred && !w->db.conn) {
				/* Wake up to retry the connection for the
				 * jobs that are waiting. */
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

		if (list || w->deferred) {
			log_batch_begin();
			process(w, list);
			log_batch_end();
		}

		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		pthread_mutex_unlock(&w->lock);
	}
	/* Last chance for the jobs that waited on the database. */
	if (w->deferred && !connect_db(w))
		process(w, NULL);
	struct finished f = {0};
	while (w->deferred) {
		struct job *next = w->deferred->next;
		w->deferred->unavailable = 1;
		finished_add(&f, w->deferred);
		w->deferred = next;
	}
	post(&f);
	db_close(&w->db);
	return NULL;
}

int dbq_start(const struct csms_config *cfg, const struct dbq_batch_ops *bops,
              void (*wake)(void *), void *wake_arg, char *err, size_t errlen)
{
	q.cfg = cfg;
	q.bops = bops;
	q.wake = wake;
	q.wake_arg = wake_arg;
	q.n = cfg->db_workers > 0 ? cfg->db_workers : 1;
	q.w = calloc((size_t)q.n, sizeof *q.w);
	if (!q.w) {
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
		/* This worker's own tx_daily rows (sql/009_multiwriter.sql):
		 * distinct from every other node's and worker's. */
		snprintf(w->db.session_init, sizeof w->db.session_init,
		         "SET @csms_shard = %u",
		         (unsigned)nodetag_shard(cfg->node_id, i));
		w->b = bops->open(&w->db, cfg);
		/* A failure to connect is not fatal: the worker retries. */
		if (w->b)
			connect_db(w);
		if (!w->b || pthread_create(&w->thread, NULL, worker_main, w)) {
			snprintf(err, errlen,
			         w->b ? "cannot start worker thread"
			              : "out of memory");
			if (w->b)
				bops->close(w->b);
			db_close(&w->db);
			pthread_mutex_destroy(&w->lock);
			pthread_cond_destroy(&w->cond);
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
		q.bops->close(q.w[i].b);
	}
	free(q.w);
	q.w = NULL;
	dbq_run_done();
}
