/*
 * stale_links.h — closing a link whose charge point has since connected
 * through another node.
 *
 * HAProxy moves a charge point to another node when its node is marked
 * down; usually the old node's socket dies with it, but a node that was
 * frozen or cut off from the proxy can still hold a link nobody speaks
 * on, and would answer commands for it.  Within a node takeover.c
 * decides; across nodes the newer connection (the row's node_id and
 * connected_since) wins, and the node holding the older one closes it at
 * its next check (every NODES_BEAT_MS).  The nodes' clocks are compared:
 * they must agree within STALE_LINKS_SKEW_MS (NTP does far better).
 */
#ifndef OCPPD_STALE_LINKS_H
#define OCPPD_STALE_LINKS_H

#include <stdint.h>

#define STALE_LINKS_SKEW_MS 30000

/* With the node beat: asks the database for the charge points that
 * connected to another node since the last check (best effort). */
void stale_links_tick(int64_t now_ms);

#endif
