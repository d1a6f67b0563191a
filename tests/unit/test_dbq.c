/*
 * test_dbq.c — ocppd's database queue (ocppd/dbq.c) without a database:
 * the connection calls are replaced by a fake that can be "down", the
 * batch hooks count what they are asked, and the jobs are a fake kind
 * (struct job_ops) that records where and when each hook ran.
 *
 * What holds: one route runs in submission order; a batch commits once
 * and only then are jobs answered, on the thread that calls
 * dbq_run_done; one failing job rolls its batch back and the others
 * still commit one by one; H_BAD_VALUE commits; with the database down
 * jobs fail, JOB_WAITS jobs wait and run once it is back; best-effort
 * jobs are refused at half the queue; a batch rolled back by a conflict
 * (deadlock, Galera certification failure) runs again whole.
 */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The connection, faked: dbq.c's calls land here. */
#define db_connect   fake_db_connect
#define db_close     fake_db_close
#define db_ping      fake_db_ping
#define db_begin     fake_db_begin
#define db_commit    fake_db_commit
#define db_rollback  fake_db_rollback
#define db_conn_lost fake_db_conn_lost
#define db_error     fake_db_error
#include "../../ocppd/dbq.c"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int down; /* connect fails */
	int commits, rollbacks, begins;
	/* After conflicts_after good commits, the next `conflicts` commits
	 * fail as a deadlock (1213) does. */
	int conflicts, conflicts_after;
	int woken;      /* wake() calls not yet seen */
	pthread_t loop; /* the test's own thread */
} fk = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

int fake_db_connect(struct db *db, const struct csms_config *cfg, int ro)
{
	(void)cfg;
	(void)ro;
	pthread_mutex_lock(&fk.lock);
	int down = fk.down;
	pthread_mutex_unlock(&fk.lock);
	if (down)
		return -1;
	db->conn = (void *)1;
	return 0;
}

void fake_db_close(struct db *db)
{
	db->conn = NULL;
}

int fake_db_ping(struct db *db)
{
	(void)db;
	return 0;
}

int fake_db_begin(struct db *db)
{
	(void)db;
	pthread_mutex_lock(&fk.lock);
	fk.begins++;
	pthread_mutex_unlock(&fk.lock);
	return 0;
}

int fake_db_commit(struct db *db)
{
	pthread_mutex_lock(&fk.lock);
	int conflict = fk.conflicts > 0 && fk.commits >= fk.conflicts_after;
	if (conflict)
		fk.conflicts--;
	else
		fk.commits++;
	pthread_mutex_unlock(&fk.lock);
	db->last_errno = conflict ? 1213 : 0;
	return conflict ? -1 : 0;
}

int fake_db_rollback(struct db *db)
{
	(void)db;
	pthread_mutex_lock(&fk.lock);
	fk.rollbacks++;
	pthread_mutex_unlock(&fk.lock);
	return 0;
}

int fake_db_conn_lost(const struct db *db)
{
	(void)db;
	return 0;
}

const char *fake_db_error(const struct db *db)
{
	(void)db;
	return "fake";
}

/* ---- the batch hooks ---------------------------------------------- */

struct batch {
	int fetched, flushed, committed;
};

static struct batch *b_open(struct db *db, const struct csms_config *cfg)
{
	(void)db;
	(void)cfg;
	return calloc(1, sizeof(struct batch));
}
static void b_begin(struct batch *b)
{
	(void)b;
}
static int b_fetch(struct batch *b)
{
	b->fetched++;
	return 0;
}
static int b_flush(struct batch *b)
{
	b->flushed++;
	return 0;
}
static void b_committed(struct batch *b, int64_t now)
{
	(void)now;
	b->committed++;
}
static void b_close(struct batch *b)
{
	free(b);
}
static const struct dbq_batch_ops bops = {b_open,  b_begin,     b_fetch,
                                          b_flush, b_committed, b_close};

static void wake(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&fk.lock);
	fk.woken++;
	pthread_cond_broadcast(&fk.cond);
	pthread_mutex_unlock(&fk.lock);
}

/* ---- the fake job kind ---------------------------------------------- */

static int order[64], norder;   /* ids in the order run first saw them */
static int done_ids[64], ndone; /* ids in the order done ran */
static enum hres done_r[64];
static int runs_at_done[64]; /* by id: how often run ran */
static int failed_ids[64], nfailed;
static int freed, wrong_thread, committed_before_done;

struct fake_job {
	struct job job;
	int id;
	enum hres result; /* what run returns (the first time, if once) */
	int once;         /* fail only in a batch, succeed alone */
	int runs, committed;
	pthread_mutex_t *gate; /* run waits for it, when set */
};

static enum hres fj_run(struct job *j, struct batch *b)
{
	(void)b;
	struct fake_job *f = (struct fake_job *)j;
	if (f->gate) {
		pthread_mutex_lock(f->gate);
		pthread_mutex_unlock(f->gate);
	}
	if (!f->runs++ && norder < 64)
		order[norder++] = f->id;
	if (f->once && f->runs > 1)
		return H_OK;
	return f->result;
}

static void fj_committed(struct job *j)
{
	((struct fake_job *)j)->committed++;
}

static void fj_done(struct job *j, enum hres r)
{
	struct fake_job *f = (struct fake_job *)j;
	if (!pthread_equal(pthread_self(), fk.loop))
		wrong_thread++;
	if (r == H_OK && !f->committed)
		committed_before_done++;
	done_r[ndone] = r;
	done_ids[ndone++] = f->id;
	if (f->id >= 0 && f->id < 64)
		runs_at_done[f->id] = f->runs;
}

static void fj_fail(struct job *j)
{
	failed_ids[nfailed++] = ((struct fake_job *)j)->id;
}

static void fj_free(struct job *j)
{
	if (!pthread_equal(pthread_self(), fk.loop))
		wrong_thread++;
	freed++;
	free(j);
}

static const struct job_ops fj_ops = {.run = fj_run,
                                      .committed = fj_committed,
                                      .done = fj_done,
                                      .fail = fj_fail,
                                      .free = fj_free};
static const struct job_ops fj_wait_ops = {.flags = JOB_WAITS,
                                           .run = fj_run,
                                           .committed = fj_committed,
                                           .done = fj_done,
                                           .fail = fj_fail,
                                           .free = fj_free};

static struct fake_job *job(int id, enum hres result)
{
	struct fake_job *f = calloc(1, sizeof *f);
	f->job.ops = &fj_ops;
	f->job.who = "CP";
	f->job.what = "fake";
	f->id = id;
	f->result = result;
	return f;
}

static void reset(void)
{
	norder = ndone = nfailed = freed = wrong_thread = 0;
	committed_before_done = 0;
	pthread_mutex_lock(&fk.lock);
	fk.down = 0;
	fk.commits = fk.rollbacks = fk.begins = 0;
	fk.conflicts = fk.conflicts_after = 0;
	pthread_mutex_unlock(&fk.lock);
}

/* The loop's side: collects finished jobs until n were answered (done
 * or fail), or 5 s passed. */
static void collect(int n)
{
	struct timespec end;
	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += 5;
	while (ndone + nfailed < n) {
		pthread_mutex_lock(&fk.lock);
		while (!fk.woken &&
		       pthread_cond_timedwait(&fk.cond, &fk.lock, &end) == 0)
			;
		int timed_out = !fk.woken;
		fk.woken = 0;
		pthread_mutex_unlock(&fk.lock);
		dbq_run_done();
		if (timed_out)
			return;
	}
}

static struct csms_config cfg;

/* dbq_idle within 2 s. */
static int idle_soon(void)
{
	for (int i = 0; i < 2000; i++) {
		if (dbq_idle())
			return 1;
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
	}
	return 0;
}

/* Until a worker took everything queued (and is inside its batch). */
static void wait_taken(void)
{
	for (int i = 0; i < 2000; i++) {
		int queued = 0;
		for (int w = 0; w < dbq_workers(); w++)
			queued += dbq_depth(w);
		if (!queued && !dbq_idle())
			return;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
}

static void start(int workers, int queue)
{
	char err[128];
	cfg.db_workers = workers;
	cfg.db_queue_size = queue;
	if (dbq_start(&cfg, &bops, wake, NULL, err, sizeof err))
		printf("FAIL dbq_start: %s\n", err);
}

static void test_one_route_in_order_answered_after_commit(void)
{
	reset();
	start(2, 256);
	pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&gate);
	/* The first job holds the worker, so the rest make one batch. */
	struct fake_job *first = job(0, H_OK);
	first->gate = &gate;
	CHECK(!dbq_submit(&first->job, "CP", 0));
	wait_taken();
	for (int i = 1; i < 10; i++)
		CHECK(!dbq_submit(&job(i, H_OK)->job, "CP", 0));
	pthread_mutex_unlock(&gate);
	collect(10);
	dbq_stop();
	CHECK_INT(ndone, 10);
	for (int i = 0; i < 10; i++) {
		CHECK_INT(order[i], i);
		CHECK_INT(done_ids[i], i);
		CHECK_INT(done_r[i], H_OK);
	}
	CHECK_INT(wrong_thread, 0);
	CHECK_INT(committed_before_done, 0);
	CHECK_INT(freed, 10);
	/* Two batches: the first job alone, the nine queued behind it. */
	CHECK_INT(fk.commits, 2);
	CHECK_INT(fk.rollbacks, 0);
}

static void test_failing_job_rolls_back_and_others_commit(void)
{
	reset();
	start(1, 256);
	pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&gate);
	struct fake_job *first = job(0, H_OK);
	first->gate = &gate;
	CHECK(!dbq_submit(&first->job, "CP", 0));
	wait_taken();
	CHECK(!dbq_submit(&job(1, H_OK)->job, "CP", 0));
	struct fake_job *flaky = job(2, H_DB_ERROR);
	flaky->once = 1; /* fails in the batch, passes alone */
	CHECK(!dbq_submit(&flaky->job, "CP", 0));
	CHECK(!dbq_submit(&job(3, H_INTERNAL)->job, "CP", 0));
	CHECK(!dbq_submit(&job(4, H_BAD_VALUE)->job, "CP", 0));
	pthread_mutex_unlock(&gate);
	collect(5);
	dbq_stop();
	CHECK_INT(ndone, 5);
	CHECK_INT(done_r[0], H_OK);
	CHECK_INT(done_r[1], H_OK);
	CHECK_INT(done_r[2], H_OK);
	CHECK_INT(done_r[3], H_DB_ERROR); /* failed alone too */
	CHECK_INT(done_r[4], H_BAD_VALUE);
	CHECK_INT(committed_before_done, 0);
	/* The batch of four rolled back once, then job 3 alone once. */
	CHECK_INT(fk.rollbacks, 2);
	/* Job 0, then 1, 2 and 4 each alone. */
	CHECK_INT(fk.commits, 4);
}

static void test_conflict_runs_the_batch_again(void)
{
	reset();
	/* Job 0's commit goes through; the batch of three behind it meets
	 * two conflicts, then commits as one. */
	pthread_mutex_lock(&fk.lock);
	fk.conflicts_after = 1;
	fk.conflicts = 2;
	pthread_mutex_unlock(&fk.lock);
	start(1, 256);
	pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&gate);
	struct fake_job *first = job(0, H_OK);
	first->gate = &gate;
	CHECK(!dbq_submit(&first->job, "CP", 0));
	wait_taken();
	for (int i = 1; i <= 3; i++)
		CHECK(!dbq_submit(&job(i, H_OK)->job, "CP", 0));
	pthread_mutex_unlock(&gate);
	collect(4);
	dbq_stop();
	CHECK_INT(ndone, 4);
	for (int i = 0; i < 4; i++)
		CHECK_INT(done_r[i], H_OK);
	CHECK_INT(runs_at_done[0], 1);
	for (int i = 1; i <= 3; i++)
		CHECK_INT(runs_at_done[i], 3);
	CHECK_INT(fk.rollbacks, 2);
	CHECK_INT(fk.commits, 2); /* job 0, then the three together */
	CHECK_INT(committed_before_done, 0);
}

static void test_database_down_fails_and_waiting_jobs_wait(void)
{
	reset();
	pthread_mutex_lock(&fk.lock);
	fk.down = 1;
	pthread_mutex_unlock(&fk.lock);
	start(1, 256);
	struct fake_job *w = job(1, H_OK);
	w->job.ops = &fj_wait_ops;
	CHECK(!dbq_submit(&job(0, H_OK)->job, "CP", 0));
	CHECK(!dbq_submit(&w->job, "CP", 0));
	collect(1);
	CHECK_INT(nfailed, 1);
	CHECK_INT(failed_ids[0], 0);
	CHECK_INT(ndone, 0); /* the waiting one waits */
	pthread_mutex_lock(&fk.lock);
	fk.down = 0;
	pthread_mutex_unlock(&fk.lock);
	collect(2); /* the worker retries on its own */
	dbq_stop();
	CHECK_INT(ndone, 1);
	CHECK_INT(done_ids[0], 1);
	CHECK_INT(done_r[0], H_OK);
	CHECK_INT(freed, 2);
}

static void test_best_effort_refused_at_half_queue(void)
{
	reset();
	start(1, 32); /* one worker, 32 places */
	pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&gate);
	struct fake_job *first = job(0, H_OK);
	first->gate = &gate;
	CHECK(!dbq_submit(&first->job, "CP", 0));
	wait_taken();
	CHECK_INT(dbq_depth(0), 0);
	CHECK(!dbq_idle());
	int n = 1;
	for (; n <= 16; n++)
		CHECK(!dbq_submit(&job(n, H_OK)->job, "CP", 0));
	struct fake_job *extra = job(99, H_OK);
	CHECK(dbq_submit(&extra->job, "CP", 1)); /* best effort: no */
	free(extra);
	for (; n <= 32; n++)
		CHECK(!dbq_submit(&job(n, H_OK)->job, "CP", 0));
	extra = job(99, H_OK);
	CHECK(dbq_submit(&extra->job, "CP", 0)); /* full */
	free(extra);
	CHECK_INT(dbq_depth(0), 32);
	pthread_mutex_unlock(&gate);
	collect(33);
	/* The worker hands its batch back before it marks itself free:
	 * idle follows within moments. */
	CHECK(idle_soon());
	dbq_stop();
	CHECK_INT(ndone, 33);
	extra = job(7, H_OK);
	CHECK_INT(dbq_submit(&extra->job, "CP", 0), -1); /* stopped */
	free(extra);
}

int main(void)
{
	fk.loop = pthread_self();
	RUN(test_one_route_in_order_answered_after_commit);
	RUN(test_failing_job_rolls_back_and_others_commit);
	RUN(test_conflict_runs_the_batch_again);
	RUN(test_database_down_fails_and_waiting_jobs_wait);
	RUN(test_best_effort_refused_at_half_queue);
	return check_total_failed_ ? 1 : 0;
}
