/*
 * api-text.h — pure text and number helpers of the REST API: UTF-8 repair,
 * CSV fields, LIKE patterns, money.  No I/O beyond a FILE they are given,
 * no database, so the unit tests call them directly.
 */
#ifndef CSMS_API_TEXT_H
#define CSMS_API_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* 1 when s (len bytes) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
int api_utf8_valid(const char *s, size_t len);

/* A malloc'd copy of s with every byte that is not part of a well-formed
 * UTF-8 sequence replaced by U+FFFD; NULL when out of memory. */
char *api_utf8_repair(const char *s);

/*
 * Writes s as one CSV field (RFC 4180): quoted when it holds a comma,
 * quote, CR or LF.  A text that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab/CR) gets a leading apostrophe, because
 * charge point ids and id tags come from the field, not from us.  NULL
 * writes an empty field.
 */
void api_csv_text(FILE *out, const char *s);

/*
 * A LIKE pattern matching every string that starts with prefix, with '!'
 * as the escape character (use "LIKE ? ESCAPE '!'").  -1 when it does not
 * fit in out.
 */
int api_like_prefix(const char *prefix, char *out, size_t outlen);

/* The energy of a finished transaction in Wh: meter_stop - meter_start,
 * and 0 when the meter went backwards (a replaced or reset meter) rather
 * than a negative charge.  The dashboard counts it the same way. */
long long api_energy_wh(long long meter_start, long long meter_stop);

/* The tariff in millionths of the currency unit per kWh (exact for up to
 * six decimals). */
long long api_price_micro(double price_per_kwh);

/* energy (Wh) x tariff, in cents, rounded half away from zero. */
long long api_cost_cents(long long wh, long long price_micro);

/* "12.34", "-0.05": cents as a decimal number. */
void api_format_cents(long long cents, char out[32]);

/* "12.345": Wh as kWh with three decimals. */
void api_format_kwh(long long wh, char out[32]);

#endif
