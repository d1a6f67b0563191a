/*
 * timeutil.c — ISO 8601 parsing and formatting without timegm().
 *
 * timegm() is a GNU extension and mktime() consults TZ, so the calendar
 * arithmetic is done here: a day count from the proleptic Gregorian calendar
 * and back.  The parser is hand-written rather than sscanf()-based because
 * sscanf accepts signs, blanks and short fields that are not timestamps.
 */
#define _POSIX_C_SOURCE 200809L
#include "timeutil.h"

#include <time.h>

/* Days from 0001-01-01 to 1970-01-01. */
#define EPOCH_DAYS 719162LL

/* Days before each month in a common year. */
static const int month_start[13] = {0,   31,  59,  90,  120, 151, 181,
                                    212, 243, 273, 304, 334, 365};

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	return month_start[m] - month_start[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 0001-01-01 to January 1st of year y (y >= 1). */
static int64_t days_before_year(int64_t y)
{
	int64_t p = y - 1;

	return p * 365 + p / 4 - p / 100 + p / 400;
}

/* Days since 1970-01-01 of a valid date with year >= 1. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	return days_before_year(y) - EPOCH_DAYS + month_start[m - 1] +
	       (m > 2 && is_leap(y)) + d - 1;
}

/*
 * The inverse for n >= 0 days since 0001-01-01: estimate the year from the
 * mean Gregorian year (146097 days per 400 years) and correct the estimate,
 * which is off by at most one in either direction.
 */
static void civil_from_days(int64_t n, int64_t *y, int *m, int *d)
{
	int64_t year = 1 + n * 400 / 146097;

	while (days_before_year(year) > n)
		year--;
	while (days_before_year(year + 1) <= n)
		year++;

	int doy = (int)(n - days_before_year(year));
	int mon = 1;

	while (mon < 12 &&
	       doy >= month_start[mon] + (mon >= 2 && is_leap(year)))
		mon++;
	*y = year;
	*m = mon;
	*d = doy - month_start[mon - 1] - (mon > 2 && is_leap(year)) + 1;
}

/* Exactly n ASCII digits; advances *p past them. */
int64_t time_days_from_civil(int64_t y, int m, int d)
{
	return days_from_civil(y, m, d);
}

void time_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	civil_from_days(days + EPOCH_DAYS, y, m, d);
}

static int take_digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		unsigned char c = (unsigned char)(*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "Z", "+HH", "+HHMM", "+HH:MM" or nothing; offset east of UTC in minutes. */
static int take_offset(const char **p, int *minutes)
{
	const char *s = *p;
	int sign, hh, mm = 0;

	if (*s == 'Z' || *s == 'z') {
		*p = s + 1;
		*minutes = 0;
		return 0;
	}
	if (*s == '\0') {
		*minutes = 0;
		return 0;
	}
	if (*s != '+' && *s != '-')
		return -1;
	sign = *s == '-' ? -1 : 1;
	s++;
	if (take_digits(&s, 2, &hh) || hh > 23)
		return -1;
	if (*s == ':') {
		s++;
		if (take_digits(&s, 2, &mm))
			return -1;
	} else if (is_digit(*s)) {
		if (take_digits(&s, 2, &mm))
			return -1;
	}
	if (mm > 59)
		return -1;
	*p = s;
	*minutes = sign * (hh * 60 + mm);
	return 0;
}

int time_parse_iso8601(const char *s, int64_t *ms_utc)
{
	int y, mo, d, h, mi, sec, ms = 0, off;
	const char *p = s;

	if (!p)
		return -1;
	if (take_digits(&p, 4, &y) || *p != '-')
		return -1;
	p++;
	if (take_digits(&p, 2, &mo) || *p != '-')
		return -1;
	p++;
	if (take_digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (take_digits(&p, 2, &h) || *p != ':')
		return -1;
	p++;
	if (take_digits(&p, 2, &mi) || *p != ':')
		return -1;
	p++;
	if (take_digits(&p, 2, &sec))
		return -1;
	if (*p == '.' || *p == ',') {
		p++;
		if (!is_digit(*p))
			return -1;
		/* Keep milliseconds, truncate the rest: rounding up could
		 * carry into the next second. */
		for (int scale = 100; is_digit(*p); p++, scale /= 10)
			ms += (*p - '0') * scale;
	}
	if (take_offset(&p, &off) || *p != '\0')
		return -1;

	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;

	int64_t t = days_from_civil(y, mo, d);

	t = ((t * 24 + h) * 60 + mi - off) * 60 + sec;
	*ms_utc = t * 1000 + ms;
	return 0;
}

static void put_digits(char *out, int64_t v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void time_format_iso8601(int64_t ms_utc, char out[32])
{
	/* 0001-01-01T00:00:00.000Z .. 9999-12-31T23:59:59.999Z */
	const int64_t lo = -EPOCH_DAYS * MS_PER_DAY;
	const int64_t hi =
	    (days_before_year(10000) - EPOCH_DAYS) * MS_PER_DAY - 1;
	int64_t y;
	int m, d;

	if (ms_utc < lo)
		ms_utc = lo;
	if (ms_utc > hi)
		ms_utc = hi;

	int64_t n = ms_utc - lo; /* ms since 0001-01-01, now >= 0 */
	int64_t day_ms = n % MS_PER_DAY;

	civil_from_days(n / MS_PER_DAY, &y, &m, &d);
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = 'T';
	put_digits(out + 11, day_ms / 3600000, 2);
	out[13] = ':';
	put_digits(out + 14, day_ms / 60000 % 60, 2);
	out[16] = ':';
	put_digits(out + 17, day_ms / 1000 % 60, 2);
	out[19] = '.';
	put_digits(out + 20, day_ms % 1000, 3);
	out[23] = 'Z';
	out[24] = '\0';
}

int64_t time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t time_mono_ms(void)
{
	return time_mono_us() / 1000;
}

int64_t time_day_start(int64_t ms)
{
	int64_t r = ms % MS_PER_DAY;
	return ms - (r < 0 ? r + MS_PER_DAY : r);
}
