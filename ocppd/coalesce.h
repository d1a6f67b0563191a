/*
 * coalesce.h — the high-frequency writes of one worker batch
 * (StatusNotification upserts, sampled meter values, last_seen and
 * last_heartbeat, the energy and the cost of stopped sessions, connectors
 * first named by a transaction message),
 * gathered while the batch's handlers run and sent as multi-row
 * statements just before its COMMIT.
 *
 * At 1,000s of messages per second the database round trip, not the
 * work in it, is the cost: one INSERT of 64 rows costs about what one of
 * a single row does.  Nothing in the batch reads these rows back, so
 * deferring them to the end of the transaction changes no answer, and
 * the replies still wait for the COMMIT.  Statements are prepared for
 * 1 to 32 rows and for 64 (COALESCE_CHUNK), built once per process, so
 * values only ever travel as bound parameters; a batch's rows of one kind
 * are one statement up to 32 rows.  A full buffer is written at once, inside
 * the same transaction.  Heartbeats and stopped sessions' energy of the
 * same charge point in one batch become one row.
 *
 * Strings are not copied: they point into the jobs' payloads, which live
 * until the batch's replies are built.  One struct coalesce per worker.
 *
 * A connector is a row as soon as any message names it (StartTransaction,
 * MeterValues, StopTransaction), not only after a StatusNotification:
 * offline-queued sessions after a reboot arrive before any status.  The
 * worker's conncache remembers the connectors it has committed, so a
 * busy connector costs no statement after its first message.
 */
#ifndef OCPPD_COALESCE_H
#define OCPPD_COALESCE_H

#include <stdint.h>

#include "db.h"

#define COALESCE_CHUNK 64 /* rows per statement at most */

struct co_status {
	const char *cp_id;
	int connector;
	const char *status, *error, *info, *vendor, *vendor_error;
	int64_t ts, now;
};

struct co_meter {
	const char *cp_id;
	int connector;
	long long tx; /* 0: none (stored as NULL) */
	int64_t ts;
	const char *measurand, *value, *unit, *phase, *context, *location,
	    *format;
	int has_num;
	double num;           /* in num_unit, the base unit (meter_units.h) */
	const char *num_unit; /* NULL: no unit known */
};

/* One row per charge point: last_seen and last_heartbeat (newest of
 * each wins) or the energy of its sessions stopped in the batch (summed,
 * in v). */
struct co_keyed {
	const char *cp_id;
	uint64_t hash;
	long long v, v2;
};

struct co_connector {
	const char *cp_id;
	int connector;
};

/* A stopped session's cost (txcost.c), with its breakdown. */
struct co_cost {
	long long tx, version_id; /* version 0: stored as NULL */
	char name[101];           /* "": stored as NULL */
	char currency[8];
	int minor_digits;
	/* energy_wh, charging_s, idle_s, idle_billed_s, energy_minor,
	 * time_minor, idle_minor, fee_minor, adjust_minor, net_minor,
	 * vat_minor, gross_minor, vat_rate_bp, prices_include_vat */
	long long v[14];
	int64_t computed_at;
};

struct conncache;

struct coalesce {
	struct co_status status[COALESCE_CHUNK];
	struct co_meter meter[COALESCE_CHUNK];
	struct co_keyed seen[COALESCE_CHUNK];
	struct co_keyed energy[COALESCE_CHUNK];
	struct co_connector conn[COALESCE_CHUNK];
	struct co_cost cost[COALESCE_CHUNK];
	int nstatus, nmeter, nseen, nenergy, nconn, ncost;
	struct conncache *known; /* the worker's, set once; may be NULL */
	int64_t conn_now;        /* last_update of new connector rows */
	struct db_value vals[COALESCE_CHUNK * 20];
};

/* Builds the statement texts; call once before any worker starts.
 * 0 ok, -1 out of memory. */
int coalesce_init(void);
void coalesce_cleanup(void);

/* Forgets what is buffered (after a rollback). */
void coalesce_reset(struct coalesce *co);

/* Each adds one row; 0 ok, -1 when writing a full buffer failed (the
 * error is in db).  coalesce_meter returns the slot to fill, or NULL. */
int coalesce_status(struct coalesce *co, struct db *db,
                    const struct co_status *row);
struct co_meter *coalesce_meter(struct coalesce *co, struct db *db);
/* last_seen = seen_ms, and last_heartbeat = beat_ms unless it is
 * DB_NULL_TIME; the newest of each wins within a batch. */
int coalesce_seen(struct coalesce *co, struct db *db, const char *cp_id,
                  int64_t seen_ms, int64_t beat_ms);
/* Makes connector (>= 1) of the charge point exist (status Unknown until
 * it reports one); nothing to write when the worker knows it already. */
int coalesce_connector(struct coalesce *co, struct db *db, const char *cp_id,
                       int connector, int64_t now_ms);
/* Adds wh (> 0) to the charge point's total_kwh. */
int coalesce_energy(struct coalesce *co, struct db *db, const char *cp_id,
                    long long wh);

/* The slot for a stopped session's cost (INSERT IGNORE: the first cost
 * of a session stays), or NULL when writing a full buffer failed. */
struct co_cost *coalesce_cost(struct coalesce *co, struct db *db);

/* Writes everything buffered; 0 ok, -1 database error. */
int coalesce_flush(struct coalesce *co, struct db *db);
/* After the batch's COMMIT: the connectors it created are now known. */
void coalesce_committed(struct coalesce *co, int64_t now_ms);

#endif
