/*
 * keeper.c — the upkeep thread; see keeper.h.  Each pass runs every
 * table's upkeep in turn: they share the connection and never run at the
 * same time, so two ALTERs of one node never queue behind each other.
 */
#include "keeper.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"
#include "mv_keep.h"
#include "oplog_part.h"

#define PASS_EVERY_S 600

static struct {
	const struct csms_config *cfg;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stop, started;
	struct db db;
} kp = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static int stopping(void)
{
	pthread_mutex_lock(&kp.lock);
	int s = kp.stop;
	pthread_mutex_unlock(&kp.lock);
	return s;
}

static void pass(void)
{
	if (db_ensure(&kp.db))
		return;
	long today = (long)(time(NULL) / 86400);
	oplog_part_pass(&kp.db, kp.cfg, today);
	if (!kp.db.lost)
		mv_keep_pass(&kp.db, kp.cfg, today, stopping);
}

static void *keeper(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&kp.lock);
	while (!kp.stop) {
		pthread_mutex_unlock(&kp.lock);
		pass();
		pthread_mutex_lock(&kp.lock);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += PASS_EVERY_S;
		while (!kp.stop && pthread_cond_timedwait(&kp.cond, &kp.lock,
		                                          &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&kp.lock);
	return NULL;
}

int keeper_start(const struct csms_config *cfg, char *err, size_t errlen)
{
	kp.cfg = cfg;
	kp.stop = 0;
	memset(&kp.db, 0, sizeof kp.db);
	/* A failed connect now is retried by each pass's db_ensure. */
	if (db_connect(&kp.db, cfg, 0))
		log_warn("ocppd: upkeep: %s", db_error(&kp.db));
	if (pthread_create(&kp.thread, NULL, keeper, NULL)) {
		snprintf(err, errlen, "cannot start the upkeep thread");
		db_close(&kp.db);
		return -1;
	}
	kp.started = 1;
	return 0;
}

void keeper_stop(void)
{
	if (!kp.started)
		return;
	pthread_mutex_lock(&kp.lock);
	kp.stop = 1;
	pthread_cond_signal(&kp.cond);
	pthread_mutex_unlock(&kp.lock);
	pthread_join(kp.thread, NULL);
	db_close(&kp.db);
	kp.started = 0;
}
