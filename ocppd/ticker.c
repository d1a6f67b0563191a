/*
 * ticker.c — see ticker.h.
 */
#include "ticker.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "log.h"

/* Waits until the next run is due or stop; 1 when stopping. */
static int wait_turn(struct ticker *t, const struct timespec *last)
{
	struct timespec due = *last, now;
	due.tv_sec += t->every_s;
	pthread_mutex_lock(&t->mu);
	while (!t->stop) {
		if (t->poked) {
			/* A poke: run once min_gap_ms has passed since the
			 * last run, so a burst of pokes is one run. */
			struct timespec gap = *last;
			gap.tv_nsec += (long)(t->min_gap_ms % 1000) * 1000000L;
			gap.tv_sec +=
			    t->min_gap_ms / 1000 + gap.tv_nsec / 1000000000L;
			gap.tv_nsec %= 1000000000L;
			if (gap.tv_sec < due.tv_sec ||
			    (gap.tv_sec == due.tv_sec &&
			     gap.tv_nsec < due.tv_nsec))
				due = gap;
		}
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > due.tv_sec ||
		    (now.tv_sec == due.tv_sec && now.tv_nsec >= due.tv_nsec))
			break;
		int rc = pthread_cond_timedwait(&t->cv, &t->mu, &due);
		(void)rc; /* a signal or the time: both looked at again */
	}
	int stop = t->stop;
	t->poked = 0;
	pthread_mutex_unlock(&t->mu);
	return stop;
}

static void *loop(void *arg)
{
	struct ticker *t = arg;
	int logged = 0;
	/* Named in top -H and /proc/PID/task/TID/comm (15 bytes at most). */
	pthread_setname_np(pthread_self(), t->name);
	for (;;) {
		struct timespec last;
		clock_gettime(CLOCK_REALTIME, &last);
		int rc = t->db.cfg ? db_ensure(&t->db)
		                   : db_connect(&t->db, t->cfg, 0);
		if (rc) {
			if (!logged)
				log_warn("ocppd: %s: %s", t->name,
				         db_error(&t->db));
			logged = 1;
		} else {
			logged = 0;
			t->run(&t->db, t->arg);
		}
		if (wait_turn(t, &last))
			break;
	}
	return NULL;
}

int ticker_start(struct ticker *t, const struct csms_config *cfg, char *err,
                 size_t errlen)
{
	t->cfg = cfg;
	t->stop = t->poked = 0;
	memset(&t->db, 0, sizeof t->db);
	pthread_mutex_init(&t->mu, NULL);
	pthread_cond_init(&t->cv, NULL);
	if (pthread_create(&t->th, NULL, loop, t)) {
		snprintf(err, errlen, "cannot start the %s thread", t->name);
		return -1;
	}
	t->started = 1;
	return 0;
}

void ticker_poke(struct ticker *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	if (!t->poked) {
		t->poked = 1;
		pthread_cond_signal(&t->cv);
	}
	pthread_mutex_unlock(&t->mu);
}

int ticker_stopping(struct ticker *t)
{
	pthread_mutex_lock(&t->mu);
	int s = t->stop;
	pthread_mutex_unlock(&t->mu);
	return s;
}

void ticker_stop(struct ticker *t)
{
	if (!t->started)
		return;
	pthread_mutex_lock(&t->mu);
	t->stop = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	pthread_join(t->th, NULL);
	db_close(&t->db);
	pthread_mutex_destroy(&t->mu);
	pthread_cond_destroy(&t->cv);
	t->started = 0;
}
