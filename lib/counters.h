/*
 * counters.h — the network's headline counters, defined once for the
 * API's /stats and /metrics and the dashboard's overview, so the screens
 * can never disagree about the same database state.
 *
 *   charge points   every registered one; connected: with an open link.
 *   connectors      physical connectors (connectorId >= 1; connector 0 is
 *                   the charge point as a whole), including those known
 *                   only from a transaction message (status Unknown).
 *   by status       connectors of connected charge points, by their last
 *                   reported status; a disconnected charge point's
 *                   connectors count as offline instead, whatever they
 *                   last said, so by_status + offline = connectors.
 *   charging        by_status Charging: connected and reporting Charging.
 *   sessions        transactions started and not yet stopped, on any
 *                   charge point (one offline may still be charging; its
 *                   StopTransaction arrives when it is back).
 */
#ifndef CSMS_COUNTERS_H
#define CSMS_COUNTERS_H

#include <stdint.h>

#include "db.h"

/* The connectors.status ENUM, in the schema's order, then NULL (a list
 * for param_choice_or_400). */
#define COUNTERS_NSTATUS 11
extern const char *const counters_status[COUNTERS_NSTATUS + 1];
#define COUNTERS_CHARGING 2 /* index of "Charging" */

struct counters {
	long long cps, cps_connected;
	double total_kwh; /* sum of charge_points.total_kwh */
	long long connectors, connectors_offline;
	long long by_status[COUNTERS_NSTATUS];
	long long charging;
	long long sessions;
	/* Charge points with a connector (>= 1) in each status, connected or
	 * not (the overview's status filter); only in ocppd's snapshot:
	 * has_cps_by_status 0 when counted on a request. */
	long long cps_by_status[COUNTERS_NSTATUS];
	int has_cps_by_status;
	int64_t counted_ms; /* when: now, or the snapshot's time */
};

/* Counted now, in one snapshot: 0, or -1 on a database error (db says
 * which). */
int counters_load(struct db *db, struct counters *c);

/*
 * At a large fleet counting reads an index entry per charge point and
 * connector (about 130 ms at 100,000 charge points), so ocppd keeps a
 * snapshot (fleet_counters, every fleet_counters_interval seconds) and
 * the pages read that: counters_get takes it when it is at most
 * COUNTERS_FRESH_S old, else counts (counters_load).  counters_store is
 * ocppd's write.
 */
#define COUNTERS_FRESH_S 15
int counters_get(struct db *db, struct counters *c);
/* ocppd, before counters_store: the per-status charge point counts, one
 * pass over idx_conn_status. */
int counters_load_cps_by_status(struct db *db, struct counters *c);
int counters_store(struct db *db, const struct counters *c);

#endif
