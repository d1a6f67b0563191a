/*
 * money.h — energy and money as both web programs show them, so a
 * transaction costs the same on a dashboard page, in the API's JSON and in
 * its CSV export.
 *
 * Integer arithmetic throughout: energy in whole Wh, the tariff in
 * millionths of the currency unit per kWh, costs in cents rounded half away
 * from zero.  A tariff of 0.30 is not exact in binary, and an invoice must
 * not lose a cent to that ("%.2f" of 0.3 kWh x 0.25 prints 0.07; the cost is
 * 0.075, which rounds to 0.08).  Pure functions, no I/O.
 */
#ifndef CSMS_MONEY_H
#define CSMS_MONEY_H

/* The energy of a finished transaction in Wh: meter_stop - meter_start,
 * and 0 when the meter went backwards (a replaced or reset meter) rather
 * than a negative charge.  tx_daily (sql/002_tx_daily.sql) counts it the
 * same way. */
long long money_energy_wh(long long meter_start, long long meter_stop);

/* The tariff in millionths of the currency unit per kWh (exact for up to
 * six decimals). */
long long money_price_micro(double price_per_kwh);

/* energy (Wh) x tariff, in cents, rounded half away from zero.  Exact for
 * any energy and tariff whose cost fits in a long long of cents. */
long long money_cost_cents(long long wh, long long price_micro);

/* value / 10^digits rounded half away from zero (digits 0..18). */
long long money_round(long long value, int digits);

/* "12.34", "-0.05": cents as a decimal number. */
void money_format_cents(long long cents, char out[32]);

/* Wh as kWh with 0..3 decimals, rounded half away from zero: (1235, 2) is
 * "1.24", (1250, 3) "1.250", (-7, 3) "-0.007", (400, 0) "0". */
void money_format_kwh(long long wh, int decimals, char out[32]);

#endif
