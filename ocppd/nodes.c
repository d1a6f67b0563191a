/*
 * nodes.c — see nodes.h.
 */
#include "nodes.h"

#include <stdlib.h>

#include "batch.h"
#include "cmdlog.h"
#include "control.h"
#include "dbq.h"
#include "log.h"
#include "stale_links.h"

static int64_t next_beat_ms;

static enum hres beat_run(struct job *j, struct batch *b)
{
	(void)j;
	const char *me = b->cfg->node_id;
	/* The control address goes with every beat: the web tier routes a
	 * command to the node holding the link there (NULL: none). */
	const char *addr = control_advertised();
	if (me[0] &&
	    db_exec(b->db,
	            "INSERT INTO nodes (node_id, started_at, seen_at, "
	            "control_addr) "
	            "VALUES (?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), "
	            "NULLIF(?, '')) "
	            "ON DUPLICATE KEY UPDATE seen_at = VALUES(seen_at), "
	            "control_addr = VALUES(control_addr)",
	            "ss", me, addr) < 0)
		return H_DB_ERROR;
	long long n = db_exec(
	    b->db,
	    "UPDATE charge_points cp JOIN nodes n ON n.node_id = cp.node_id "
	    "SET cp.connected = 0 WHERE cp.connected <> 0 "
	    "AND n.node_id <> ? "
	    "AND n.seen_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
	    "si", me, NODES_SILENT_S);
	if (n < 0)
		return H_DB_ERROR;
	if (n > 0)
		log_warn("ocppd: %lld charge point%s of silent nodes marked "
		         "disconnected",
		         n, n == 1 ? "" : "s");
	if (cmdlog_silent_nodes(b->db, b->cfg, NODES_SILENT_S) < 0)
		return H_DB_ERROR;
	return H_OK;
}

static void beat_free(struct job *j)
{
	free(j);
}

static const struct job_ops beat_ops = {.run = beat_run, .free = beat_free};

void nodes_tick(int64_t now_ms)
{
	if (now_ms < next_beat_ms)
		return;
	next_beat_ms = now_ms + NODES_BEAT_MS;
	stale_links_tick(now_ms);
	struct job *j = calloc(1, sizeof *j);
	if (!j)
		return;
	j->ops = &beat_ops;
	j->who = "nodes";
	j->what = "node beat";
	if (dbq_submit(j, NULL, 1))
		free(j);
}

int nodes_leave(struct db *db, const struct csms_config *cfg)
{
	if (!cfg->node_id[0])
		return 0;
	return db_exec(db, "DELETE FROM nodes WHERE node_id = ?", "s",
	               cfg->node_id) < 0
	           ? -1
	           : 0;
}
