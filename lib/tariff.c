/*
 * tariff.c — a session's cost under one tariff version (tariff.h): walk
 * the session a UTC minute at a time, price each piece by the band in
 * force at its local time, then round each component once.
 */
#include "tariff.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MIN_MS 60000LL

/* num / den rounded half away from zero (den > 0). */
static long long round_div(__int128 num, __int128 den)
{
	if (num >= 0)
		return (long long)((num + den / 2) / den);
	return -(long long)((-num + den / 2) / den);
}

static __int128 pow10i(int d)
{
	__int128 v = 1;
	while (d-- > 0)
		v *= 10;
	return v;
}

/* The register at ms, in mWh, spread linearly between readings. */
static __int128 mwh_at(const struct tariff_session *s, int64_t ms)
{
	const struct tariff_point *p = s->points;
	int n = s->npoints;
	if (ms <= p[0].ms)
		return (__int128)p[0].wh * 1000;
	for (int i = 1; i < n; i++) {
		if (ms > p[i].ms)
			continue;
		__int128 a = (__int128)p[i - 1].wh * 1000;
		__int128 b = (__int128)p[i].wh * 1000;
		int64_t span = p[i].ms - p[i - 1].ms;
		if (span <= 0)
			return b;
		/* Rounded down: the pieces still add up exactly, because
		 * each boundary's value is computed once. */
		return a + (b - a) * (ms - p[i - 1].ms) / span;
	}
	return (__int128)p[n - 1].wh * 1000;
}

/* The band in force at local minute-of-week (Monday 00:00 = 0). */
static const struct tariff_band *band_at(const struct tariff *t, int wday,
                                         int mod)
{
	for (int i = 0; i < t->nbands; i++) {
		const struct tariff_band *b = &t->bands[i];
		if (b->start_min <= b->end_min) {
			if ((b->days >> wday & 1) && mod >= b->start_min &&
			    mod < b->end_min)
				return b;
		} else if (mod >= b->start_min) { /* the evening part */
			if (b->days >> wday & 1)
				return b;
		} else if (mod < b->end_min) { /* the morning after */
			if (b->days >> ((wday + 6) % 7) & 1)
				return b;
		}
	}
	return NULL;
}

int tariff_cost(const struct tariff *t, const struct tzif *zone,
                const struct tariff_session *s, struct tariff_cost *out)
{
	memset(out, 0, sizeof *out);
	if (!s->points || s->npoints < 1 || s->stop_ms < s->start_ms ||
	    t->minor_digits < 0 || t->minor_digits > 4 || t->vat_bp < 0 ||
	    t->vat_bp > 100000)
		return -1;
	/* A session longer than a year is a stuck one: priced as a year. */
	int64_t stop = s->stop_ms;
	if (stop - s->start_ms > 366LL * 86400000)
		stop = s->start_ms + 366LL * 86400000;
	int64_t idle =
	    s->idle_ms > s->start_ms && s->idle_ms < stop ? s->idle_ms : stop;
	__int128 e_pico = 0; /* mWh x micro/kWh = 1e-12 unit */
	__int128 t_unit = 0; /* ms x micro/min = 1/6e10 unit */
	__int128 prev_mwh = mwh_at(s, s->start_ms);
	for (int64_t a = s->start_ms; a < stop;) {
		int64_t b = (a / MIN_MS + 1) * MIN_MS; /* next UTC minute */
		if (b > stop)
			b = stop;
		int64_t sec = a / 1000 - (a % 1000 < 0);
		int64_t local = sec + (zone ? tzif_offset(zone, sec) : 0);
		int64_t days = local / 86400 - (local % 86400 < 0);
		int mod = (int)((local - days * 86400) / 60);
		int wday =
		    (int)(((days + 3) % 7 + 7) % 7); /* 1970-01-01: Thu */
		const struct tariff_band *band = band_at(t, wday, mod);
		long long ep = band ? band->energy_micro : t->energy_micro;
		long long tp = band ? band->time_micro : t->time_micro;
		__int128 mwh = mwh_at(s, b);
		e_pico += (mwh - prev_mwh) * ep;
		prev_mwh = mwh;
		if (a < idle) {
			int64_t end = b < idle ? b : idle;
			t_unit += (__int128)(end - a) * tp;
		}
		a = b;
	}
	out->energy_wh =
	    (long long)(mwh_at(s, stop) / 1000 - mwh_at(s, s->start_ms) / 1000);
	if (stop == s->start_ms) {
		/* No time passed (a stop timestamped at its start): the
		 * energy at the prices of that minute. */
		int64_t sec = stop / 1000 - (stop % 1000 < 0);
		int64_t local = sec + (zone ? tzif_offset(zone, sec) : 0);
		int64_t days = local / 86400 - (local % 86400 < 0);
		const struct tariff_band *band =
		    band_at(t, (int)(((days + 3) % 7 + 7) % 7),
		            (int)((local - days * 86400) / 60));
		e_pico =
		    ((__int128)s->points[s->npoints - 1].wh * 1000 - prev_mwh) *
		    (band ? band->energy_micro : t->energy_micro);
		out->energy_wh = s->points[s->npoints - 1].wh - s->points[0].wh;
	}
	out->charging_ms = idle - s->start_ms;
	out->idle_ms = stop - idle;
	int64_t grace = (int64_t)t->idle_grace_min * MIN_MS;
	out->idle_billed_ms = out->idle_ms > grace ? out->idle_ms - grace : 0;
	__int128 minor = pow10i(t->minor_digits);
	out->energy_minor = round_div(e_pico * minor, pow10i(12));
	out->time_minor = round_div(t_unit * minor, (__int128)60000000000LL);
	out->idle_minor =
	    round_div((__int128)out->idle_billed_ms * t->idle_micro * minor,
	              (__int128)60000000000LL);
	out->fee_minor = t->fee_minor;
	long long sum = out->energy_minor + out->time_minor + out->idle_minor +
	                out->fee_minor;
	long long price = sum;
	if (t->min_minor >= 0 && price < t->min_minor)
		price = t->min_minor;
	if (t->max_minor >= 0 && price > t->max_minor)
		price = t->max_minor;
	out->adjust_minor = price - sum;
	if (t->prices_include_vat) {
		out->gross_minor = price;
		out->vat_minor =
		    round_div((__int128)price * t->vat_bp, 10000 + t->vat_bp);
		out->net_minor = price - out->vat_minor;
	} else {
		out->net_minor = price;
		out->vat_minor = round_div((__int128)price * t->vat_bp, 10000);
		out->gross_minor = price + out->vat_minor;
	}
	return 0;
}

static int parse_fixed(const char *s, int digits, long long *out)
{
	if (!s)
		return -1;
	int neg = 0;
	if (*s == '-')
		neg = 1, s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	long long v = 0;
	int places = -1;
	for (; *s; s++) {
		if (*s == '.' && places < 0) {
			places = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s) || places == digits ||
		    v > 900000000000000LL)
			return -1;
		v = v * 10 + (*s - '0');
		if (places >= 0)
			places++;
	}
	if (places == 0)
		return -1; /* "1." */
	for (int p = places < 0 ? 0 : places; p < digits; p++)
		v *= 10;
	*out = neg ? -v : v;
	return 0;
}

int tariff_parse_micro(const char *s, long long *out)
{
	return parse_fixed(s, 6, out);
}

int tariff_parse_minor(const char *s, int digits, long long *out)
{
	return parse_fixed(s, digits, out);
}

void tariff_format_fixed(long long value, int digits, char out[32])
{
	unsigned long long scale = 1;
	for (int i = 0; i < digits; i++)
		scale *= 10;
	unsigned long long mag = value < 0 ? 0ULL - (unsigned long long)value
	                                   : (unsigned long long)value;
	if (!digits)
		snprintf(out, 32, "%s%llu", value < 0 ? "-" : "", mag);
	else
		snprintf(out, 32, "%s%llu.%0*llu", value < 0 ? "-" : "",
		         mag / scale, digits, mag % scale);
}
