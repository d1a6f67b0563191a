/*
 * nodes.h — the registry of ocppd nodes sharing one database.
 *
 * Each node with a node_id says it is alive every NODES_BEAT_MS (a row in
 * `nodes`, stamped with the database's clock, so the nodes' own clocks do
 * not matter).  Any node marks the charge points of a node silent for
 * NODES_SILENT_S as disconnected (the web tier reads the same rows:
 * a node is live while its seen_at is younger than that, and its
 * control_addr is where commands for its charge points go): a node that died
 * without stopping leaves no charge point shown online for good.  A single node
 * (node_id "") keeps no row but still sweeps, so the rows of a cluster
 * that became one node are cleaned up too.
 */
#ifndef OCPPD_NODES_H
#define OCPPD_NODES_H

#include <stdint.h>

#include "ctl_proto.h"

#define NODES_BEAT_MS  10000
#define NODES_SILENT_S CTL_NODE_SILENT_S

/* Every tick: queues the beat and the sweep when due (best effort). */
void nodes_tick(int64_t now_ms);

struct db;
struct csms_config;
/*
 * A clean stop: the node's row goes, so the web tier neither routes a
 * command to it nor shows it "down" for the 30 s a crashed node would
 * take to fall silent.  0, or -1 (db_error).
 */
int nodes_leave(struct db *db, const struct csms_config *cfg);

#endif
