/*
 * drain.h — taking a node out of service for a rolling upgrade: the
 * control ops `drain` and `undrain` (docs/control.md).
 *
 * Draining, the node refuses new WebSocket handshakes (503 "draining")
 * and its GET /healthz answers 503 at once, so the load balancer sends
 * no new charge points; after delay_s it closes its links, rate a
 * second, each with a normal WebSocket close (1001) so the charge point
 * reconnects — through the load balancer, to another node.  A link
 * closes only after every CALL it had in the database queue is committed
 * and answered.  `undrain` takes charge points again (links already
 * closed stay closed).  Event loop only.
 */
#ifndef OCPPD_DRAIN_H
#define OCPPD_DRAIN_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "control.h"

/* The ops `drain` and `undrain` (ctl_ops.c's table). */
void drain_request(const struct control_req *r);
/* Closes the links whose turn came (every tick). */
void drain_tick(int64_t now_ms);
/* Adds draining, drain_links_left, drain_closed and drain_refused to the
 * status op's object; -1 out of memory. */
int drain_status_add(cJSON *o);

#endif
