/*
 * cp_state.c — the connection columns of charge_points (connected,
 * connected_since, remote_addr, node_id), written by the database workers
 * in the same queue as the charge point's messages.
 *
 * Several ocppd nodes can share one database (docs/scale-out.md), and a
 * charge point that moves to another node leaves a half-open link on the
 * first, closed later.  So the row says which node holds the charge point
 * (node_id, NULL for a single node) and since when (connected_since, the
 * link's epoch): a disconnect clears the flag only when both are still
 * its own, and a starting or stopping node marks only its own charge
 * points disconnected.  A node that dies without stopping is swept by the
 * others (nodes.c).
 *
 * The webhook events of the connection state live here too: a link that
 * closes stamps disconnected_at, which notify_sweep.c reads to announce a
 * charge point offline for longer than webhook_offline_after; the next
 * connect after such an announcement is cp.online, written in the
 * connect's transaction (docs/notifications.md).
 */
#include "cp_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "dbq.h"
#include "handshake.h"
#include "log.h"
#include "notify.h"
#include "notify_want.h"
#include "timeutil.h"

/*
 * cp.online when the link that ended before this one was announced
 * offline.  The row is locked first, so an offline sweep that runs at the
 * same time either commits its announcement before this reads it, or
 * finds the charge point connected.
 */
static int cp_state_online_event(struct db *db, const char *cp_id,
                                 int64_t since_ms)
{
	if (!notify_wanted(NOTIFY_CP_ONLINE))
		return 0;
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT connected = 0 AND offline_notified <=> "
	             "connected_since, connected_since, "
	             "COALESCE(IF(disconnected_at >= connected_since, "
	             "disconnected_at, NULL), last_seen, connected_since) "
	             "FROM charge_points WHERE id = ? FOR UPDATE",
	             "s", cp_id))
		return -1;
	int rc = db_next(&r);
	int announced = rc > 0 && db_int(&r, 0) == 1;
	char key[160];
	int64_t off_ms = rc > 0 ? db_time_ms(&r, 2) : DB_NULL_TIME;
	if (announced)
		snprintf(key, sizeof key, "online:%s:%s", cp_id,
		         db_str(&r, 1) ? db_str(&r, 1) : "");
	db_rows_end(&r);
	if (rc < 0)
		return -1;
	if (!announced)
		return 0;
	cJSON *d = cJSON_CreateObject();
	char ts[32];
	if (d && off_ms != DB_NULL_TIME) {
		time_format_iso8601(off_ms, ts);
		cJSON_AddStringToObject(d, "offline_since", ts);
		cJSON_AddNumberToObject(d, "offline_s",
		                        (double)((since_ms - off_ms) / 1000));
	}
	time_format_iso8601(since_ms, ts);
	if (d)
		cJSON_AddStringToObject(d, "online_at", ts);
	return notify_event(db, NOTIFY_CP_ONLINE, cp_id, since_ms, d, key);
}

static int cp_state_connected(struct db *db, const struct csms_config *cfg,
                              const char *cp_id, int64_t since_ms,
                              const char *remote_addr, const char *protocol)
{
	long long n;
	if (cp_state_online_event(db, cp_id, since_ms))
		return -1;
	if (cfg->allow_unknown_cps)
		/* The original registered any charge point that showed up;
		 * the row must exist before its connectors can.  A new one
		 * gets new_cp_boot_answer: Pending keeps it waiting for an
		 * operator's approval (docs/registration.md). */
		n = db_exec(db,
		            "INSERT INTO charge_points (id, connected, "
		            "connected_since, last_seen, remote_addr, node_id, "
		            "boot_answer, protocol) "
		            "VALUES (?, 1, ?, ?, ?, NULLIF(?, ''), ?, ?) "
		            "ON DUPLICATE KEY UPDATE connected = 1, "
		            "connected_since = VALUES(connected_since), "
		            "last_seen = VALUES(last_seen), "
		            "remote_addr = VALUES(remote_addr), "
		            "node_id = VALUES(node_id), "
		            "protocol = VALUES(protocol)",
		            "sttssss", cp_id, since_ms, since_ms, remote_addr,
		            cfg->node_id, cfg->new_cp_boot_answer, protocol);
	else
		n = db_exec(
		    db,
		    "UPDATE charge_points SET connected = 1, "
		    "connected_since = ?, last_seen = ?, remote_addr = ?, "
		    "node_id = NULLIF(?, ''), protocol = ? WHERE id = ?",
		    "ttssss", since_ms, since_ms, remote_addr, cfg->node_id,
		    protocol, cp_id);
	return n < 0 ? -1 : 0;
}

/* Only the connection it made: the same node and the same epoch. */
static int cp_state_disconnected(struct db *db, const struct csms_config *cfg,
                                 const char *cp_id, int64_t since_ms)
{
	return db_exec(db,
	               "UPDATE charge_points SET connected = 0, "
	               "disconnected_at = UTC_TIMESTAMP(3) WHERE id = ? "
	               "AND node_id <=> NULLIF(?, '') AND connected_since = ?",
	               "sst", cp_id, cfg->node_id, since_ms) < 0
	           ? -1
	           : 0;
}

/* In chunks, so a node with many charge points never holds a long lock
 * the others' writes wait on.  A chunk that meets another node's writes
 * in a deadlock (or, on Galera, a certification conflict) is run again:
 * at start-up that is no reason not to start. */
int cp_state_all_disconnected(struct db *db, const struct csms_config *cfg)
{
	long long n;
	int tries = 0;
	do {
		n = db_exec(
		    db,
		    "UPDATE charge_points SET connected = 0, "
		    "disconnected_at = UTC_TIMESTAMP(3) "
		    "WHERE connected <> 0 AND node_id <=> NULLIF(?, '') "
		    "LIMIT 5000",
		    "s", cfg->node_id);
		if (n < 0 && db_errno_transient(db->last_errno) &&
		    ++tries < 10) {
			log_warn("ocppd: marking this node's charge points "
			         "disconnected: %s; again",
			         db_error(db));
			usleep(50000u * (unsigned)tries);
			n = 5000;
		}
	} while (n == 5000);
	return n < 0 ? -1 : 0;
}

/* The job: JOB_WAITS, because a state change lost to a database outage
 * would leave a charge point "online" (or "offline") for good. */
struct state_job {
	struct job job;
	int connected;
	int64_t since_ms;
	char remote[64];
	char protocol[12]; /* the subprotocol: "ocpp1.6", "ocpp2.0.1" */
	char cp_id[];
};

static enum hres state_run(struct job *j, struct batch *b)
{
	struct state_job *s = (struct state_job *)j;
	int rc =
	    s->connected
	        ? cp_state_connected(b->db, b->cfg, s->cp_id, s->since_ms,
	                             s->remote, s->protocol)
	        : cp_state_disconnected(b->db, b->cfg, s->cp_id, s->since_ms);
	return rc ? H_DB_ERROR : H_OK;
}

static void state_free(struct job *j)
{
	free(j);
}

static const struct job_ops state_ops = {
    .flags = JOB_WAITS, .run = state_run, .free = state_free};

int cp_state_submit(const char *cp_id, int connected, int64_t now_ms,
                    const char *remote, const char *protocol)
{
	size_t len = strlen(cp_id);
	struct state_job *s = calloc(1, sizeof *s + len + 1);
	if (!s)
		return -1;
	memcpy(s->cp_id, cp_id, len + 1);
	s->connected = connected;
	s->since_ms = now_ms;
	snprintf(s->remote, sizeof s->remote, "%s", remote ? remote : "");
	snprintf(s->protocol, sizeof s->protocol, "%s",
	         protocol ? protocol : OCPP_SUBPROTOCOL);
	s->job.ops = &state_ops;
	s->job.who = s->cp_id;
	s->job.what = "state";
	if (dbq_submit(&s->job, s->cp_id, 0)) {
		free(s);
		return -1;
	}
	return 0;
}
