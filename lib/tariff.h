/*
 * tariff.h — the cost of a charging session under one tariff version:
 * pure integer arithmetic, no I/O, no floating point (docs/tariffs.md).
 *
 * Units.  Prices are in millionths of the currency unit ("micro"): per
 * kWh, per minute of charging, per minute of idling.  Amounts are in the
 * currency's minor unit (cents for minor_digits 2).  VAT is in hundredths
 * of a percent (1900 = 19 %).
 *
 * Rounding.  Each component (energy, time, idle) is summed exactly over
 * the whole session (in 1e-12 and 1/6e10 of a unit) and rounded once to a
 * minor unit, half away from zero.  The session fee is already in minor
 * units.  The minimum and maximum apply to the sum of the components and
 * show as the "adjustment" component, so the components always add up to
 * the price.  The price is gross when prices include VAT (VAT = gross x
 * rate / (1 + rate), rounded half away from zero; net = gross - VAT),
 * net otherwise (VAT = net x rate, rounded; gross = net + VAT).
 *
 * Bands.  A band sets the energy and time price on some weekdays between
 * two local times (the site's zone: struct tzif); the first band that
 * matches a minute wins, the version's base prices apply outside every
 * band.  Time is priced per minute of local wall clock as it passes, so a
 * DST change shortens or lengthens the night by the hour it really
 * lasted.  Energy between two meter readings is spread evenly over the
 * time between them.
 */
#ifndef CSMS_TARIFF_H
#define CSMS_TARIFF_H

#include <stdint.h>

#include "tzif.h"

#define TARIFF_MAX_BANDS 16

struct tariff_band {
	unsigned days;          /* bit 0 Monday .. bit 6 Sunday */
	int start_min, end_min; /* local minutes of day, [start, end);
	                         * end < start runs over midnight */
	long long energy_micro; /* per kWh */
	long long time_micro;   /* per minute charging */
};

struct tariff {
	long long energy_micro, time_micro, idle_micro;
	int idle_grace_min;
	long long fee_minor;
	long long min_minor, max_minor; /* -1: none */
	int vat_bp, prices_include_vat;
	int minor_digits; /* 0..4 */
	int nbands;
	struct tariff_band bands[TARIFF_MAX_BANDS];
};

/* One meter reading: when, and the register in Wh. */
struct tariff_point {
	int64_t ms;
	long long wh;
};

struct tariff_session {
	int64_t start_ms, stop_ms;
	int64_t idle_ms; /* when charging ended (SuspendedEV, Finishing);
	                  * 0 or >= stop_ms: no idle time */
	const struct tariff_point *points; /* ascending in time, >= 2 */
	int npoints;
};

struct tariff_cost {
	long long energy_wh;
	int64_t charging_ms, idle_ms, idle_billed_ms;
	long long energy_minor, time_minor, idle_minor, fee_minor;
	long long adjust_minor; /* the minimum or maximum's correction */
	long long net_minor, vat_minor, gross_minor;
};

/* The cost; zone NULL means UTC.  0, or -1 on nonsense input (no points,
 * stop before start, out of range). */
int tariff_cost(const struct tariff *t, const struct tzif *zone,
                const struct tariff_session *s, struct tariff_cost *out);

/* "0.300000" → 300000: a decimal with up to 6 places as micro-units, no
 * floating point.  0, or -1 on anything else. */
int tariff_parse_micro(const char *s, long long *out);

/* A decimal with up to digits places as minor units ("1.50", 2 → 150). */
int tariff_parse_minor(const char *s, int digits, long long *out);

/* value / 10^digits as a decimal string with digits places. */
void tariff_format_fixed(long long value, int digits, char out[32]);

#endif
