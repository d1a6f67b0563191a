/*
 * nodelock.c — the lock that tells restores an ocppd is running; see
 * nodelock.h.
 *
 * The lock lives on a dedicated connection, checked every few seconds by
 * a small thread (never the event loop: a ping may block).  The session's
 * wait_timeout is raised so the server never closes the idle connection;
 * if it is lost anyway (a database restart), the thread reconnects and
 * takes a slot again.
 */
#include "nodelock.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "log.h"

#define CHECK_S 5

static struct {
	const struct csms_config *cfg;
	struct db db;
	int slot; /* -1: none held */
	pthread_t thread;
	int running;
	int stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} nl = {.slot = -1,
        .lock = PTHREAD_MUTEX_INITIALIZER,
        .cond = PTHREAD_COND_INITIALIZER};

/* One integer (NULL: -1) from a one-row query; -2 on an error. */
static long long one_int(const char *sql, const char *name)
{
	struct db_rows rows;
	if (db_query(&nl.db, &rows, sql, "s", name))
		return -2;
	long long v = -2;
	if (db_next(&rows) == 1)
		v = db_isnull(&rows, 0) ? -1 : db_int(&rows, 0);
	db_rows_end(&rows);
	return v;
}

/* Connects and takes the first free slot.  0, or -1 with err. */
static int acquire(char *err, size_t errlen)
{
	const struct csms_config *cfg = nl.cfg;
	char name[160];
	if (db_connect(&nl.db, cfg, 0)) {
		snprintf(err, errlen, "%s", db_error(&nl.db));
		db_close(&nl.db);
		return -1;
	}
	if (db_exec(&nl.db, "SET SESSION wait_timeout = 31536000", "") < 0) {
		snprintf(err, errlen, "%s", db_error(&nl.db));
		db_close(&nl.db);
		return -1;
	}
	for (int i = 0; i < NODELOCK_SLOTS; i++) {
		snprintf(name, sizeof name, "csms_ocppd:%s:%d", cfg->db_name,
		         i);
		long long got = one_int("SELECT GET_LOCK(?, 0)", name);
		if (got == -2) {
			snprintf(err, errlen, "%s", db_error(&nl.db));
			db_close(&nl.db);
			return -1;
		}
		if (got != 1)
			continue;
		/* Taken first, checked second (a restore does the reverse):
		 * whichever comes second sees the other. */
		snprintf(name, sizeof name, "csms_restore:%s", cfg->db_name);
		long long busy = one_int("SELECT IS_USED_LOCK(?)", name);
		if (busy != -1) {
			snprintf(err, errlen,
			         busy == -2 ? "%s"
			                    : "a restore of database %s is "
			                      "running: start ocppd after it",
			         busy == -2 ? db_error(&nl.db) : cfg->db_name);
			db_close(&nl.db);
			return -1;
		}
		nl.slot = i;
		return 0;
	}
	snprintf(err, errlen,
	         "%d ocppd already use database %s (every csms_ocppd lock "
	         "is taken)",
	         NODELOCK_SLOTS, cfg->db_name);
	db_close(&nl.db);
	return -1;
}

static void *keeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "node lock");
	pthread_mutex_lock(&nl.lock);
	while (!nl.stop) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += CHECK_S;
		pthread_cond_timedwait(&nl.cond, &nl.lock, &ts);
		if (nl.stop)
			break;
		pthread_mutex_unlock(&nl.lock);
		if (nl.slot >= 0 && db_ping(&nl.db)) {
			nl.slot = -1;
			log_warn("ocppd: database lock connection lost; "
			         "taking the lock again");
		}
		if (nl.slot < 0) {
			char err[512];
			if (!acquire(err, sizeof err))
				log_info("ocppd: database lock held again "
				         "(slot %d)",
				         nl.slot);
			else
				log_warn("ocppd: database lock: %s", err);
		}
		pthread_mutex_lock(&nl.lock);
	}
	pthread_mutex_unlock(&nl.lock);
	return NULL;
}

int nodelock_start(const struct csms_config *cfg, char *err, size_t errlen)
{
	char why[512];
	nl.cfg = cfg;
	nl.stop = 0;
	if (acquire(why, sizeof why)) {
		snprintf(err, errlen, "database lock: %s", why);
		return -1;
	}
	if (pthread_create(&nl.thread, NULL, keeper, NULL)) {
		snprintf(err, errlen, "database lock: cannot start its thread");
		db_close(&nl.db);
		nl.slot = -1;
		return -1;
	}
	nl.running = 1;
	log_info("ocppd: database lock csms_ocppd:%s:%d held", cfg->db_name,
	         nl.slot);
	return 0;
}

void nodelock_stop(void)
{
	if (nl.running) {
		pthread_mutex_lock(&nl.lock);
		nl.stop = 1;
		pthread_cond_signal(&nl.cond);
		pthread_mutex_unlock(&nl.lock);
		pthread_join(nl.thread, NULL);
		nl.running = 0;
	}
	db_close(&nl.db); /* the server releases the lock with it */
	nl.slot = -1;
}
