/*
 * mv_keep.h — the upkeep of meter_values (sql/020): month partitions by
 * the day a value was received, and past meter_values_retention_days a
 * month's values are rolled up into meter_rollup (one row per series and
 * 15 minutes: the last sample, with count, min, max and mean) before its
 * partition is dropped.  Run by the upkeep thread (keeper.h).
 *
 * Readers show a rollup row only once its month's raw values are gone
 * (meter_retention.dropped_below), so a value is never counted twice and
 * a crash between rollup and drop shows the raw values still.
 */
#ifndef OCPPD_MV_KEEP_H
#define OCPPD_MV_KEEP_H

#include "config.h"
#include "db.h"

/* Seconds of one rollup bucket. */
#define MV_ROLLUP_S 900

/* One pass; today in days since the epoch; stop() says to give up
 * between two statements (ocppd is stopping). */
void mv_keep_pass(struct db *db, const struct csms_config *cfg, long today,
                  int (*stop)(void));

#endif
