/*
 * timeutil.h — ISO 8601 timestamps as OCPP 1.6 charge points send them, and
 * the one canonical form the central system writes back.
 *
 * All times are int64 milliseconds since 1970-01-01T00:00:00Z.  Nothing here
 * depends on the TZ environment or the C library's time zone tables.
 */
#ifndef CSMS_TIMEUTIL_H
#define CSMS_TIMEUTIL_H

#include <stdint.h>

/* Milliseconds in a UTC day (no leap seconds in Unix time). */
#define MS_PER_DAY 86400000LL

/*
 * Parse "YYYY-MM-DDTHH:MM:SS[.fraction][offset]" into UTC milliseconds.
 * Accepted leniently: a space (or 't') instead of 'T'; a fraction of any
 * length ('.' or ','), truncated to milliseconds; offsets "Z", "+HH",
 * "+HHMM", "+HH:MM" (or '-'); no offset at all, taken as UTC; second 60 as a
 * leap second, clamped to 59.  Years 1970..9999.  Returns 0, or -1 (and
 * leaves *ms_utc alone) for anything else.
 */
int time_parse_iso8601(const char *s, int64_t *ms_utc);

/*
 * Always "YYYY-MM-DDTHH:MM:SS.sssZ" (24 characters).  Values outside
 * 0001-01-01..9999-12-31 are clamped so the shape never changes.
 */
void time_format_iso8601(int64_t ms_utc, char out[32]);

/* The start (00:00 UTC) of the day that contains ms, also before 1970. */
int64_t time_day_start(int64_t ms);

/* Days since 1970-01-01 of a valid date (year >= 1), and back (days
 * since 1970-01-01, not before 0001-01-01). */
int64_t time_days_from_civil(int64_t y, int m, int d);
void time_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* CLOCK_REALTIME in milliseconds. */
int64_t time_now_ms(void);
/* CLOCK_MONOTONIC in microseconds and in milliseconds: for durations and
 * deadlines. */
int64_t time_mono_us(void);
int64_t time_mono_ms(void);

#endif
