/*
 * fleet_counters.c — see fleet_counters.h.
 */
#include "fleet_counters.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "counters.h"
#include "db.h"
#include "log.h"

static struct {
	const struct csms_config *cfg;
	pthread_t th;
	int running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} F = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* Sleeps s seconds or until asked to stop; 1 when asked. */
static int nap(int s)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s;
	pthread_mutex_lock(&F.mu);
	while (!F.stop &&
	       pthread_cond_timedwait(&F.cv, &F.mu, &ts) != ETIMEDOUT)
		;
	int stop = F.stop;
	pthread_mutex_unlock(&F.mu);
	return stop;
}

/* Connects the first time, reconnects after a lost link; 0 or -1. */
static int connected(struct db *db)
{
	return db->cfg ? db_ensure(db) : db_connect(db, F.cfg, 0);
}

/* Another node's snapshot younger than most of an interval: its turn. */
static int fresh(struct db *db, int interval_s)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT 1 FROM fleet_counters WHERE id = 1 AND taken_at > "
	             "UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
	             "i", interval_s > 1 ? interval_s - 1 : 1))
		return -1;
	int rc = db_next(&r);
	db_rows_end(&r);
	return rc;
}

static void *counter(void *arg)
{
	(void)arg;
	struct db db;
	memset(&db, 0, sizeof db);
	int interval = F.cfg->fleet_counters_interval, logged = 0;
	do {
		struct counters c;
		int rc = -1;
		if (!connected(&db) && (rc = fresh(&db, interval)) == 0)
			rc = counters_load(&db, &c) || counters_store(&db, &c)
			         ? -1
			         : 0;
		if (rc < 0 && !logged)
			log_warn("ocppd: fleet counters: %s", db_error(&db));
		logged = rc < 0;
	} while (!nap(interval));
	db_close(&db);
	return NULL;
}

int fleet_counters_start(const struct csms_config *cfg, char *err,
                         size_t errlen)
{
	if (cfg->fleet_counters_interval <= 0)
		return 0;
	F.cfg = cfg;
	F.stop = 0;
	if (pthread_create(&F.th, NULL, counter, NULL)) {
		snprintf(err, errlen, "fleet counters: no thread");
		return -1;
	}
	F.running = 1;
	return 0;
}

void fleet_counters_stop(void)
{
	if (!F.running)
		return;
	pthread_mutex_lock(&F.mu);
	F.stop = 1;
	pthread_cond_broadcast(&F.cv);
	pthread_mutex_unlock(&F.mu);
	pthread_join(F.th, NULL);
	F.running = 0;
}
