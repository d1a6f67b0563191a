/*
 * ticker.h — a background thread of ocppd with a database connection of
 * its own, running one job every so many seconds, or sooner when poked:
 * the upkeep (keeper.c), the fleet counters, load management.  Their work
 * is long or blocking (DDL, counting the fleet, waiting for a charge
 * point's answer), so it never runs on the event loop or in a database
 * worker's batch.
 */
#ifndef OCPPD_TICKER_H
#define OCPPD_TICKER_H

#include <pthread.h>
#include <stddef.h>

#include "config.h"
#include "db.h"

struct ticker {
	const char *name; /* for log lines: "load management" */
	/* One run on the thread's connection (connected, or the run is
	 * skipped and retried next time). */
	void (*run)(struct db *db, void *arg);
	void *arg;
	int every_s;    /* > 0 */
	int min_gap_ms; /* after a poke, at least this since the last run */
	/* private */
	const struct csms_config *cfg;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, stop, poked;
	struct db db;
};

/* Starts t's thread (its first run at once); -1 with err. */
int ticker_start(struct ticker *t, const struct csms_config *cfg, char *err,
                 size_t errlen);
/* Asks for a run soon (any thread; cheap). */
void ticker_poke(struct ticker *t);
/* 1 once ticker_stop was called: a long run checks it between steps. */
int ticker_stopping(struct ticker *t);
/* Stops the thread after its current run and closes its connection. */
void ticker_stop(struct ticker *t);

#endif
