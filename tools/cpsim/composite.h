/*
 * composite.h — the composite schedule of a connector (OCPP 1.6 §3.13.4,
 * GetCompositeSchedule): the limit the charge point will apply over a time
 * window, from the profiles it holds.
 *
 * At each moment, per purpose, the active profile with the highest stack
 * level gives the limit (a profile is active inside validFrom/validTo,
 * after its schedule started and before its duration ended).  A TxProfile
 * of the connector's running transaction overrides the TxDefaultProfile;
 * a TxDefaultProfile on the connector overrides one on connector 0.  The
 * composite is the lowest of that limit, the ChargePointMaxProfile's and
 * the hardware's.  Limits are converted between A and W with the nominal
 * voltage and the period's numberPhases (3 when not given).  Pure
 * function of its inputs.
 */
#ifndef CPSIM_COMPOSITE_H
#define CPSIM_COMPOSITE_H

#include <stdint.h>

#include "profiles.h"

#define COMPOSITE_VOLTS   230.0
#define COMPOSITE_PERIODS 64

struct composite_in {
	int connector;    /* 0: the whole charge point */
	int64_t start;    /* window start, Unix seconds */
	int duration_s;   /* window length */
	int unit_w;       /* the answer in W (else A) */
	int tx_running;   /* a transaction runs on the connector */
	int tx_id;        /* its id */
	int64_t tx_start; /* when it started (Relative profiles) */
	double hw_max_w;  /* the hardware's limit for this connector */
	double cp_share;  /* the ChargePointMaxProfile's limit is divided
	                     by this (connectors drawing at once), >= 1 */
};

struct composite_out {
	int n;
	struct {
		int start_s; /* from the window start */
		double limit;
	} p[COMPOSITE_PERIODS];
};

/* 0, or -1 when the window has more limit changes than COMPOSITE_PERIODS
 * (the first ones are kept). */
int composite_compute(const struct profiles *ps, const struct composite_in *in,
                      struct composite_out *out);

/* The limit at in->start (in in->unit_w's unit). */
double composite_limit_now(const struct profiles *ps,
                           const struct composite_in *in);

#endif
