/*
 * notify_sweep.c — see notify_sweep.h.
 */
#include "notify_sweep.h"

#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "dbq.h"
#include "log.h"
#include "notify.h"
#include "notify_want.h"
#include "timeutil.h"

/* Charge points announced per sweep at most; the rest in the next. */
#define SWEEP_MAX 500

static int64_t next_sweep_ms;

/* The offline link's charge points: their rows stay locked until the
 * batch commits, so a connect of one of them waits for the announcement
 * and then answers it with cp.online (cp_state.c). */
static enum hres sweep_run(struct job *j, struct batch *b)
{
	(void)j;
	struct db_rows r;
	/* When the link ended: disconnected_at when it belongs to this
	 * link, else the last frame (a node that died never wrote it). */
	if (db_query(
	        b->db, &r,
	        "SELECT id, connected_since, off FROM ("
	        "SELECT id, connected_since, "
	        "COALESCE(IF(disconnected_at >= connected_since, "
	        "disconnected_at, NULL), last_seen, connected_since) AS off "
	        "FROM charge_points WHERE connected = 0 "
	        "AND connected_since IS NOT NULL "
	        "AND NOT offline_notified <=> connected_since) x "
	        "WHERE off < UTC_TIMESTAMP(3) - INTERVAL ? SECOND "
	        "LIMIT ?",
	        "ii", b->cfg->webhook_offline_after, SWEEP_MAX))
		return H_DB_ERROR;
	struct due {
		char id[208];
		char since[32];
		int64_t off_ms;
	} *due = NULL;
	size_t n = 0, cap = 0;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct due *v = realloc(due, nc * sizeof *v);
			if (!v) {
				rc = -1;
				break;
			}
			due = v;
			cap = nc;
		}
		snprintf(due[n].id, sizeof due[n].id, "%s", db_str(&r, 0));
		snprintf(due[n].since, sizeof due[n].since, "%s",
		         db_str(&r, 1));
		due[n].off_ms = db_time_ms(&r, 2);
		n++;
	}
	db_rows_end(&r);
	if (rc < 0) {
		free(due);
		return H_DB_ERROR;
	}
	long long announced = 0;
	for (size_t i = 0; i < n; i++) {
		/* Locks the row and checks again: the link may have come back,
		 * or another node announced it, since the read above. */
		long long m = db_exec(
		    b->db,
		    "UPDATE charge_points SET offline_notified = "
		    "connected_since "
		    "WHERE id = ? AND connected = 0 AND connected_since = ? "
		    "AND NOT offline_notified <=> connected_since",
		    "ss", due[i].id, due[i].since);
		if (m < 0) {
			free(due);
			return H_DB_ERROR;
		}
		if (m == 0)
			continue;
		char key[260], ts[32];
		snprintf(key, sizeof key, "offline:%s:%s", due[i].id,
		         due[i].since);
		cJSON *d = cJSON_CreateObject();
		if (d) {
			time_format_iso8601(due[i].off_ms, ts);
			cJSON_AddStringToObject(d, "offline_since", ts);
			cJSON_AddNumberToObject(d, "offline_after_s",
			                        b->cfg->webhook_offline_after);
		}
		if (notify_event(b->db, NOTIFY_CP_OFFLINE, due[i].id,
		                 time_now_ms(), d, key)) {
			free(due);
			return H_DB_ERROR;
		}
		announced++;
	}
	free(due);
	if (announced)
		log_info("ocppd: webhooks | %lld charge point%s offline for "
		         "more than %d s",
		         announced, announced == 1 ? "" : "s",
		         b->cfg->webhook_offline_after);
	return H_OK;
}

static void sweep_free(struct job *j)
{
	free(j);
}

static const struct job_ops sweep_ops = {.run = sweep_run, .free = sweep_free};

void notify_sweep_tick(const struct csms_config *cfg, int64_t now_ms)
{
	if (now_ms < next_sweep_ms)
		return;
	/* Half the threshold, between 1 s and 10 s: an announcement comes
	 * at most that late. */
	int64_t every = (int64_t)cfg->webhook_offline_after * 500;
	if (every < 1000)
		every = 1000;
	if (every > 10000)
		every = 10000;
	next_sweep_ms = now_ms + every;
	/* Nobody takes cp.offline: nothing to announce, and no row to mark
	 * (a subscription made later announces the charge points that are
	 * offline then, once). */
	if (!notify_wanted(NOTIFY_CP_OFFLINE))
		return;
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->ops = &sweep_ops;
	j->who = "webhooks";
	j->what = "offline sweep";
	if (dbq_submit(j, NULL, 1))
		free(j);
}
