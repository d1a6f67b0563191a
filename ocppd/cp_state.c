/*
 * cp_state.c — the connection columns of charge_points (connected,
 * connected_since, remote_addr), written by the database workers in the
 * same queue as the charge point's messages.
 */
#include "cp_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dbq.h"
#include "log.h"

static int cp_state_connected(struct db *db, const struct csms_config *cfg,
                              const char *cp_id, int64_t since_ms,
                              const char *remote_addr)
{
	long long n;
	if (cfg->allow_unknown_cps)
		/* The original registered any charge point that showed up;
		 * the row must exist before its connectors can. */
		n = db_exec(db,
		            "INSERT INTO charge_points (id, connected, "
		            "connected_since, last_seen, remote_addr) "
		            "VALUES (?, 1, ?, ?, ?) "
		            "ON DUPLICATE KEY UPDATE connected = 1, "
		            "connected_since = VALUES(connected_since), "
		            "last_seen = VALUES(last_seen), "
		            "remote_addr = VALUES(remote_addr)",
		            "stts", cp_id, since_ms, since_ms, remote_addr);
	else
		n = db_exec(
		    db,
		    "UPDATE charge_points SET connected = 1, "
		    "connected_since = ?, last_seen = ?, remote_addr = ? "
		    "WHERE id = ?",
		    "ttss", since_ms, since_ms, remote_addr, cp_id);
	return n < 0 ? -1 : 0;
}

static int cp_state_disconnected(struct db *db, const char *cp_id)
{
	return db_exec(db,
	               "UPDATE charge_points SET connected = 0 WHERE id = ?",
	               "s", cp_id) < 0
	           ? -1
	           : 0;
}

int cp_state_all_disconnected(struct db *db)
{
	return db_exec(db,
	               "UPDATE charge_points SET connected = 0 "
	               "WHERE connected <> 0",
	               "") < 0
	           ? -1
	           : 0;
}

/* The job: JOB_WAITS, because a state change lost to a database outage
 * would leave a charge point "online" (or "offline") for good. */
struct state_job {
	struct job job;
	int connected;
	int64_t since_ms;
	char remote[64];
	char cp_id[];
};

static enum hres state_run(struct job *j, struct batch *b)
{
	struct state_job *s = (struct state_job *)j;
	int rc = s->connected ? cp_state_connected(b->db, b->cfg, s->cp_id,
	                                           s->since_ms, s->remote)
	                      : cp_state_disconnected(b->db, s->cp_id);
	return rc ? H_DB_ERROR : H_OK;
}

static void state_free(struct job *j)
{
	free(j);
}

static const struct job_ops state_ops = {
    .flags = JOB_WAITS, .run = state_run, .free = state_free};

int cp_state_submit(const char *cp_id, int connected, int64_t now_ms,
                    const char *remote)
{
	size_t len = strlen(cp_id);
	struct state_job *s = calloc(1, sizeof *s + len + 1);
	if (!s)
		return -1;
	memcpy(s->cp_id, cp_id, len + 1);
	s->connected = connected;
	s->since_ms = now_ms;
	snprintf(s->remote, sizeof s->remote, "%s", remote ? remote : "");
	s->job.ops = &state_ops;
	s->job.who = s->cp_id;
	s->job.what = "state";
	if (dbq_submit(&s->job, s->cp_id, 0)) {
		free(s);
		return -1;
	}
	return 0;
}
