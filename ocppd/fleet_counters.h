/*
 * fleet_counters.h — the snapshot of the network's headline counters
 * (lib/counters.h, sql/017_fleet_counters.sql) that the web tier reads:
 * counted every fleet_counters_interval seconds (0: never; the pages then
 * count on every request) by a thread with its own database connection,
 * so the count (an index entry per charge point and connector) holds up
 * no charge point's messages.  On a cluster a node skips its turn when
 * another node's snapshot is fresh.
 */
#ifndef OCPPD_FLEET_COUNTERS_H
#define OCPPD_FLEET_COUNTERS_H

#include <stddef.h>

#include "config.h"

/* Starts the thread (nothing when the interval is 0); -1 with why. */
int fleet_counters_start(const struct csms_config *cfg, char *err,
                         size_t errlen);
void fleet_counters_stop(void);

#endif
