/*
 * notify_sweep.h — the timer of the cp.offline webhook event.
 *
 * Every few seconds (at most every 10 s, more often when
 * webhook_offline_after is short) a job on a database worker finds the
 * charge points whose link closed more than webhook_offline_after seconds
 * ago and that have no announcement for that link yet, and writes one
 * cp.offline event each, in one transaction.  The link is named by its
 * epoch (connected_since): charge_points.offline_notified records the
 * epoch announced, and the event's dedupe key (cp, epoch) makes the event
 * exist once even when several nodes sweep at the same time.
 */
#ifndef OCPPD_NOTIFY_SWEEP_H
#define OCPPD_NOTIFY_SWEEP_H

#include <stdint.h>

#include "config.h"

/* Every tick: queues the sweep when due (best effort). */
void notify_sweep_tick(const struct csms_config *cfg, int64_t now_ms);

#endif
