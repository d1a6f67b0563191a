/*
 * date_parts.h — a table range-partitioned by a DATE column, by day
 * (pYYYYMMDD) or by month (pYYYYMM), with a catch-all pmax: the plan of
 * one upkeep pass (which partitions to add ahead, which are past
 * retention) and the DDL that carries it out.
 *
 * The table is created with one partition, pmax (VALUES LESS THAN
 * MAXVALUE), so a row is never refused for want of a partition.  A pass
 * splits pmax into dated partitions up to a few days / one month ahead
 * (pmax is empty by then, so the split moves nothing) and drops the
 * partitions whose every day is past retention.  DDL text is built from
 * dates only; identifiers cannot be bound as parameters.  With several
 * nodes two passes may race: the loser's ALTER fails ("duplicate
 * partition") and the next pass sees the winner's work.
 *
 * Days are counted since 1970-01-01 (UTC).
 */
#ifndef OCPPD_DATE_PARTS_H
#define OCPPD_DATE_PARTS_H

#include <stddef.h>

#include "db.h"

enum dp_unit { DP_DAY, DP_MONTH };

struct date_parts {
	const char *table; /* "ocpp_log" */
	const char *what;  /* for log lines: "message log" */
	enum dp_unit unit;
};

/* Day partitions kept ahead of today; month partitions: this month and
 * the next. */
#define DP_DAYS_AHEAD 3

#define DP_DROP_MAX 64 /* partitions one pass drops at most */

struct dp_plan {
	int ours;      /* the table has pmax: its layout is ours */
	long newest;   /* bound of the newest dated partition, -1: none */
	long oldest;   /* first day of the oldest dated partition kept */
	int n_expired; /* partitions past retention, oldest first */
	char expired[DP_DROP_MAX][10];
	long expired_bound[DP_DROP_MAX];
};

/* The name of the partition holding `day`, and a partition's bound (the
 * first day it does not hold, its VALUES LESS THAN) from its name: -1
 * for a name that is not a partition of this unit. */
void dp_name(enum dp_unit u, long day, char out[10]);
long dp_bound(enum dp_unit u, const char *name);
/* First day of the partition holding `day`. */
long dp_start(enum dp_unit u, long day);
/* Days since the epoch -> "YYYY-MM-DD". */
void dp_day_str(long day, char out[11]);
/* 1 when the partition bounded by `bound` holds only days older than the
 * retention (kept: today and the retention_days - 1 days before it). */
int dp_expired(long bound, long today, int retention_days);

/* Reads the table's partitions into plan (retention_days 0: none
 * expires).  -1 on a database error (logged). */
int dp_read(struct db *db, const struct date_parts *p, long today,
            int retention_days, struct dp_plan *plan);
/* Splits pmax into the partitions ahead of today that are missing. */
void dp_split_ahead(struct db *db, const struct date_parts *p, long today,
                    const struct dp_plan *plan);
/* Drops one partition; -1 on failure (logged). */
int dp_drop(struct db *db, const struct date_parts *p, const char *name);
/* Runs one DDL statement, logging a failure; -1 on failure. */
int dp_ddl(struct db *db, const struct date_parts *p, const char *sql);

#endif
