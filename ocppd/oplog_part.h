/*
 * oplog_part.h — the day partitions of ocpp_log: a thread with its own
 * database connection creates the next days' partitions ahead and drops
 * those older than ocpp_log_retention_days, at start and every 10
 * minutes.
 *
 * Not a database worker job: ALTER TABLE commits by itself, and inside a
 * worker's batch it would commit the other jobs' half-done work.
 */
#ifndef OCPPD_OPLOG_PART_H
#define OCPPD_OPLOG_PART_H

#include <stdint.h>

#include "config.h"

/* Starts the thread (the first pass runs at once); -1 with err. */
int oplog_part_start(const struct csms_config *cfg, char *err, size_t errlen);
void oplog_part_stop(void);

/* The plan for today (days since the epoch): the partition names to add
 * (pYYYYMMDD, each for one day, in order) after the newest existing
 * bound, and whether a bound (a partition's VALUES LESS THAN, in days)
 * is past retention.  Pure: tests/unit/test_oplog.c. */
#define OPLOG_DAYS_AHEAD 3
/* The day after the partition named pYYYYMMDD (its bound), -1 when the
 * name is not one of ours. */
long oplog_part_bound(const char *name);
/* Days since the epoch <-> "YYYY-MM-DD" / "pYYYYMMDD". */
void oplog_part_day_str(long day, char out[11]);
void oplog_part_name(long day, char out[10]);
/* 1 when the partition whose bound is `bound` holds only days older
 * than the retention (every row's day < today - retention + 1). */
int oplog_part_expired(long bound, long today, int retention_days);

#endif
