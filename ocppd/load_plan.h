/*
 * load_plan.h — how a site's grid connection is shared among its charging
 * connectors: a pure function of the site's limit per phase and what each
 * connector is (phases, the least and most current it takes, priority,
 * whether it obeys at all), unit-tested on its own (tests/unit/
 * test_load_plan.c).  The controller feeds it from the database and sends
 * the results as TxProfiles (docs/load-management.md).
 *
 * Currents are whole deciamperes (0.1 A, the precision a charging profile
 * carries) per phase, so sums are exact and a plan never rounds itself
 * over the limit.
 *
 * The rules, in order:
 *  1. Loads ocppd cannot steer (a charger that rejected its profile or did
 *     not answer) are counted at what they may draw (fixed_da), first.
 *  2. Every other connector gets its minimum (a car does not charge below
 *     6 A, IEC 61851) while it fits on all of its phases, in priority
 *     order, then by session start: a connector that does not fit is
 *     paused (0), never given less than its minimum.
 *  3. What is left is filled equally among the admitted connectors of the
 *     highest priority up to their maximum, each phase's remainder shared
 *     among the connectors on it; then the next priority.
 */
#ifndef OCPPD_LOAD_PLAN_H
#define OCPPD_LOAD_PLAN_H

#include <stdint.h>

#define LP_L1  1
#define LP_L2  2
#define LP_L3  4
#define LP_ALL (LP_L1 | LP_L2 | LP_L3)

struct lp_conn {
	int phases;    /* LP_L1 | ...: the phases it draws on */
	int min_da;    /* per phase: below this it cannot charge */
	int max_da;    /* per phase: the most it takes */
	int priority;  /* higher first */
	int64_t since; /* session start (ms): earlier first among equals */
	int fixed;     /* not steerable: draws fixed_da whatever it is told */
	int fixed_da;
	int out_da; /* result: its limit per phase, 0 = paused */
};

enum lp_result {
	LP_OK,
	LP_PAUSED, /* some connectors paused: not enough for their minimum */
	LP_OVER    /* the fixed loads alone exceed a phase's limit */
};

/* Plans the n connectors against limit_da[3] (L1, L2, L3); fills out_da.
 * The sum of out_da (and fixed_da) on each phase never exceeds its
 * limit, except in LP_OVER, where every steerable connector gets 0. */
enum lp_result lp_plan(const int limit_da[3], struct lp_conn *c, int n);

#endif
