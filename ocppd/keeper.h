/*
 * keeper.h — ocppd's upkeep thread: with its own database connection it
 * keeps the time-partitioned tables (the message log's day partitions,
 * meter_values' month partitions and their rollup) at start and every
 * 10 minutes.
 *
 * Not a database worker job: ALTER TABLE commits by itself, and inside a
 * worker's batch it would commit the other jobs' half-done work; a
 * rollup of a month's meter values takes far longer than a batch may.
 */
#ifndef OCPPD_KEEPER_H
#define OCPPD_KEEPER_H

#include <stddef.h>

#include "config.h"

/* Starts the thread (the first pass runs at once); -1 with err. */
int keeper_start(const struct csms_config *cfg, char *err, size_t errlen);
void keeper_stop(void);

#endif
