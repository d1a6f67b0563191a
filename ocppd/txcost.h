/*
 * txcost.h — a session's stored cost (docs/tariffs.md).
 *
 * The StopTransaction that finishes a session prices it in the same
 * database transaction: the tariff version in force at its start
 * (lib/tariff_pick.h), the site's time zone, the idle time the charge
 * point's StatusNotifications marked, and lib/tariff.c's arithmetic.  The
 * row in tx_costs is written once and never changed, so a later tariff
 * change does not alter it.
 */
#ifndef CSMS_TXCOST_H
#define CSMS_TXCOST_H

#include <stdint.h>

#include "handlers.h"

struct txcost_session {
	long long tx;
	int connector;
	const char *id_tag; /* the starting tag */
	int64_t start_ms, stop_ms;
	long long meter_start, meter_stop;
};

/* What the stop stored, for the session's webhook event. */
struct txcost_result {
	int priced;
	long long gross_minor;
	int minor_digits;
	char currency[8];
};

/* Price and store the finished session (out may be NULL): 0, or -1 on a
 * database error. */
int txcost_stop(struct hctx *c, const struct txcost_session *s,
                struct txcost_result *out);

/* A connector's status changed: Charging clears its idle mark,
 * SuspendedEV and Finishing set it (the first time) for its open session.
 * 0, or -1 on a database error. */
int txcost_status(struct hctx *c, int connector, const char *status,
                  int64_t ts);

/* This node changed a tariff assignment (event loop, after its commit):
 * the workers read whether any tariff is assigned again at their next
 * use, instead of up to 5 s later. */
void txcost_assignments_changed(void);

#endif
