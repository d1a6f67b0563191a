/*
 * meter_units.h — one base unit per quantity for sampled meter values.
 *
 * OCPP 1.6 lets a charge point report the same measurand in W or kW, Wh
 * or kWh, Celsius, Fahrenheit or K.  meter_values keeps the value and unit
 * exactly as sent, and beside them value_num in the quantity's base unit
 * (num_unit), so a reader sums or plots one unit:
 *
 *   sent                      stored as
 *   Wh, kWh                   Wh      (x 1, x 1000)
 *   varh, kvarh               varh
 *   W, kW                     W
 *   var, kvar                 var
 *   VA, kVA                   VA
 *   A                         A
 *   V                         V
 *   Percent                   %
 *   Celsius, Fahrenheit, K    Celsius ((F - 32) x 5/9, K - 273.15)
 *
 * Without a unit, the measurand's own is assumed: Wh for active energy
 * (OCPP's default), varh for reactive energy, W / var for power, A for
 * current, V for voltage, % for SoC, Celsius for temperature and Hz for
 * Frequency (OCPP 1.6 has no unit for it).  Power.Factor and RPM have
 * none.  docs/api.md repeats the table.
 */
#ifndef OCPPD_METER_UNITS_H
#define OCPPD_METER_UNITS_H

/*
 * Converts *value, given in unit (NULL: not sent) for measurand (NULL:
 * Energy.Active.Import.Register), to the base unit and returns that
 * unit's name, or NULL when the value has no unit (it is left as is).
 */
const char *meter_unit_normalise(const char *measurand, const char *unit,
                                 double *value);

#endif
