/*
 * cp_state.h — the connection columns of charge_points (connected,
 * connected_since, remote_addr, and last_seen on connect), written by the
 * database workers in the same queue as the charge point's messages, so
 * its rows change in order.  (last_seen and last_heartbeat while
 * connected are a coalesced write: dispatch.c.)
 */
#ifndef OCPPD_CP_STATE_H
#define OCPPD_CP_STATE_H

#include <stdint.h>

#include "config.h"
#include "db.h"

/* Queues connected = 1 (since now_ms, from the peer's address, speaking
 * protocol: "ocpp1.6" or "ocpp2.0.1", kept in charge_points.protocol) or
 * connected = 0 of the connection made at now_ms (its epoch: a later
 * connection, on this node or another, stays); -1 when the queue is full
 * or out of memory. */
int cp_state_submit(const char *cp_id, int connected, int64_t now_ms,
                    const char *remote, const char *protocol);
/* At start-up and shutdown, directly: none of this node's (cfg->node_id)
 * charge points is connected. */
int cp_state_all_disconnected(struct db *db, const struct csms_config *cfg);

#endif
