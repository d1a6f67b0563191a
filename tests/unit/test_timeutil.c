/*
 * test_timeutil.c — ISO 8601 parsing and formatting (lib/timeutil.c).
 */
#include "check.h"
#include "timeutil.h"

#include <stdint.h>

/* 2026-11-25T13:00:00Z, worked out by hand: 20782 days after the epoch. */
#define T0 (20782LL * 86400000 + 13LL * 3600000)

static int64_t parse_or(const char *s, int64_t fallback)
{
	int64_t v = fallback;

	if (time_parse_iso8601(s, &v))
		return fallback;
	return v;
}

static void test_epoch_and_known_values(void)
{
	int64_t v = -1;

	CHECK_INT(time_parse_iso8601("1970-01-01T00:00:00Z", &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(parse_or("2026-11-25T13:00:00Z", -1), T0);
	/* date -u -d 2000-02-29T12:34:56Z +%s == 951827696 */
	CHECK_INT(parse_or("2000-02-29T12:34:56Z", -1), 951827696000LL);
	/* date -u -d 2038-01-19T03:14:08Z +%s == 2147483648 */
	CHECK_INT(parse_or("2038-01-19T03:14:08Z", -1), 2147483648000LL);
	CHECK_INT(parse_or("9999-12-31T23:59:59Z", -1), 253402300799000LL);
}

static void test_fractions(void)
{
	CHECK_INT(parse_or("2026-11-25T13:00:00.5Z", -1), T0 + 500);
	CHECK_INT(parse_or("2026-11-25T13:00:00.12Z", -1), T0 + 120);
	CHECK_INT(parse_or("2026-11-25T13:00:00.123Z", -1), T0 + 123);
	CHECK_INT(parse_or("2026-11-25T13:00:00.123456789Z", -1), T0 + 123);
	/* truncated, never rounded into the next second */
	CHECK_INT(parse_or("2026-11-25T13:00:00.99999999Z", -1), T0 + 999);
	CHECK_INT(parse_or("2026-11-25T13:00:00,250Z", -1), T0 + 250);
	CHECK_INT(parse_or("2026-11-25T13:00:00.000000000000000000001Z", -1),
	          T0);
	CHECK_INT(parse_or("2026-11-25T13:00:00.5+01:00", -1),
	          T0 - 3600000 + 500);
}

static void test_offsets(void)
{
	const int64_t h2 = 2 * 3600000LL;

	CHECK_INT(parse_or("2026-11-25T13:00:00Z", -1), T0);
	CHECK_INT(parse_or("2026-11-25T13:00:00z", -1), T0);
	CHECK_INT(parse_or("2026-11-25T13:00:00", -1), T0);
	CHECK_INT(parse_or("2026-11-25T15:00:00+02", -1), T0);
	CHECK_INT(parse_or("2026-11-25T15:00:00+0200", -1), T0);
	CHECK_INT(parse_or("2026-11-25T15:00:00+02:00", -1), T0);
	CHECK_INT(parse_or("2026-11-25T13:00:00+00:00", -1), T0);
	CHECK_INT(parse_or("2026-11-25T13:00:00-00:00", -1), T0);
	CHECK_INT(parse_or("2026-11-25T07:30:00-05:30", -1), T0);
	CHECK_INT(parse_or("2026-11-25T07:30:00-0530", -1), T0);
	CHECK_INT(parse_or("2026-11-25T11:00:00-02", -1), T0);
	CHECK_INT(parse_or("2026-11-25T13:00:00-02", -1), T0 + h2);
	CHECK_INT(parse_or("2026-11-25T13:00:00+05:45", -1),
	          T0 - 5 * 3600000LL - 45 * 60000LL);
}

static void test_separators(void)
{
	CHECK_INT(parse_or("2026-11-25 13:00:00Z", -1), T0);
	CHECK_INT(parse_or("2026-11-25t13:00:00Z", -1), T0);
	CHECK_INT(parse_or("2026-11-25 15:00:00.000+02:00", -1), T0);
}

static void test_leap_years(void)
{
	int64_t a, b;

	CHECK_INT(time_parse_iso8601("2024-02-29T00:00:00Z", &a), 0);
	CHECK_INT(time_parse_iso8601("2024-03-01T00:00:00Z", &b), 0);
	CHECK_INT(b - a, 86400000);
	CHECK_INT(time_parse_iso8601("2000-02-29T00:00:00Z", &a), 0);
	CHECK_INT(time_parse_iso8601("2100-02-29T00:00:00Z", &a), -1);
	CHECK_INT(time_parse_iso8601("1900-02-29T00:00:00Z", &a), -1);
	CHECK_INT(time_parse_iso8601("2025-02-29T00:00:00Z", &a), -1);
	CHECK_INT(time_parse_iso8601("2024-02-30T00:00:00Z", &a), -1);
	/* a leap year is 366 days, a common year 365 */
	CHECK_INT(time_parse_iso8601("2024-01-01T00:00:00Z", &a), 0);
	CHECK_INT(time_parse_iso8601("2025-01-01T00:00:00Z", &b), 0);
	CHECK_INT(b - a, 366LL * 86400000);
	CHECK_INT(time_parse_iso8601("2026-01-01T00:00:00Z", &a), 0);
	CHECK_INT(a - b, 365LL * 86400000);
	CHECK_INT(time_parse_iso8601("2000-12-31T00:00:00Z", &a), 0);
	CHECK_INT(time_parse_iso8601("2000-01-01T00:00:00Z", &b), 0);
	CHECK_INT(a - b, 365LL * 86400000);
}

static void test_offsets_cross_day_boundaries(void)
{
	char out[32];
	int64_t v;

	/* late evening west of UTC is already tomorrow in UTC */
	CHECK_INT(time_parse_iso8601("2026-12-31T22:30:00-05:00", &v), 0);
	time_format_iso8601(v, out);
	CHECK_STR(out, "2027-01-01T03:30:00.000Z");
	/* early morning east of UTC is still yesterday in UTC */
	CHECK_INT(time_parse_iso8601("2027-01-01T01:15:00+02:00", &v), 0);
	time_format_iso8601(v, out);
	CHECK_STR(out, "2026-12-31T23:15:00.000Z");
	CHECK_INT(time_parse_iso8601("2024-03-01T00:30:00+01:00", &v), 0);
	time_format_iso8601(v, out);
	CHECK_STR(out, "2024-02-29T23:30:00.000Z");
	CHECK_INT(time_parse_iso8601("2024-02-28T23:59:59.999-00:01", &v), 0);
	time_format_iso8601(v, out);
	CHECK_STR(out, "2024-02-29T00:00:59.999Z");
	CHECK_INT(time_parse_iso8601("2025-02-28T20:00:00-05:30", &v), 0);
	time_format_iso8601(v, out);
	CHECK_STR(out, "2025-03-01T01:30:00.000Z");
	/* before the epoch in UTC */
	CHECK_INT(time_parse_iso8601("1970-01-01T00:30:00+01:00", &v), 0);
	CHECK_INT(v, -30LL * 60000);
	time_format_iso8601(v, out);
	CHECK_STR(out, "1969-12-31T23:30:00.000Z");
}

static void test_leap_second_clamped(void)
{
	CHECK_INT(parse_or("2016-12-31T23:59:60Z", -1),
	          parse_or("2016-12-31T23:59:59Z", -2));
	CHECK_INT(parse_or("2016-12-31T23:59:60.5Z", -1),
	          parse_or("2016-12-31T23:59:59.5Z", -2));
}

static void test_rejects(void)
{
	static const char *bad[] = {
	    "",
	    "2026",
	    "2026-11-25",
	    "2026-11-25T",
	    "2026-11-25T13",
	    "2026-11-25T13:00",
	    "2026-11-25T13:00Z",
	    "2026-13-01T00:00:00Z",
	    "2026-00-01T00:00:00Z",
	    "2026-01-32T00:00:00Z",
	    "2026-01-00T00:00:00Z",
	    "2026-04-31T00:00:00Z",
	    "2026-02-30T00:00:00Z",
	    "2026-11-25T25:00:00Z",
	    "2026-11-25T24:00:00Z",
	    "2026-11-25T13:60:00Z",
	    "2026-11-25T13:00:61Z",
	    "2026-11-25T13:00:00ZZ",
	    "2026-11-25T13:00:00Z ",
	    " 2026-11-25T13:00:00Z",
	    "2026-11-25T13:00:00Zgarbage",
	    "2026-11-25T13:00:00.Z",
	    "2026-11-25T13:00:00.",
	    "2026-11-25T13:00:00+",
	    "2026-11-25T13:00:00+2",
	    "2026-11-25T13:00:00+020",
	    "2026-11-25T13:00:00+02:0",
	    "2026-11-25T13:00:00+02:",
	    "2026-11-25T13:00:00+24:00",
	    "2026-11-25T13:00:00+02:60",
	    "2026-11-25T13:00:00+02:00:00",
	    "2026-11-25X13:00:00Z",
	    "2026/11/25T13:00:00Z",
	    "26-11-25T13:00:00Z",
	    "+2026-11-25T13:00:00Z",
	    "2026-1-25T13:00:00Z",
	    "2026-11-25T1:00:00Z",
	    "2026-11-25T13:0:00Z",
	    "2026-11-25T13:00:0Z",
	    "2026-11-25T-1:00:00Z",
	    "1969-12-31T23:59:59Z",
	    "0000-01-01T00:00:00Z",
	    "10000-01-01T00:00:00Z",
	    "2026-11-25T13:00:00 +02:00",
	    "now",
	};
	int64_t v = 42;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (time_parse_iso8601(bad[i], &v) != -1)
			CHECK_STR("accepted", bad[i]);
		CHECK_INT(v, 42); /* untouched on failure */
	}
	CHECK_INT(time_parse_iso8601(NULL, &v), -1);
}

static void test_format(void)
{
	char out[32];

	time_format_iso8601(0, out);
	CHECK_STR(out, "1970-01-01T00:00:00.000Z");
	time_format_iso8601(T0 + 7, out);
	CHECK_STR(out, "2026-11-25T13:00:00.007Z");
	time_format_iso8601(951827696123LL, out);
	CHECK_STR(out, "2000-02-29T12:34:56.123Z");
	time_format_iso8601(-1, out);
	CHECK_STR(out, "1969-12-31T23:59:59.999Z");
	time_format_iso8601(253402300799999LL, out);
	CHECK_STR(out, "9999-12-31T23:59:59.999Z");
	/* out of range values keep the shape */
	time_format_iso8601(INT64_MAX, out);
	CHECK_STR(out, "9999-12-31T23:59:59.999Z");
	time_format_iso8601(INT64_MIN, out);
	CHECK_STR(out, "0001-01-01T00:00:00.000Z");
}

/*
 * Every millisecond value must survive format -> parse, and every
 * canonical string parse -> format.  Stepping by a prime walks across all
 * months, leap days and times of day over the range.
 */
static void test_round_trips(void)
{
	const int64_t step = 7919LL * 3600000 + 12345;
	char out[32];
	int64_t back;

	for (int64_t t = 0; t < 253402300799999LL; t += step) {
		time_format_iso8601(t, out);
		back = -1;
		CHECK_INT(time_parse_iso8601(out, &back), 0);
		CHECK_INT(back, t);
	}
	/* every day of 2023..2025 at noon */
	int64_t start = parse_or("2023-01-01T12:00:00Z", -1);

	for (int day = 0; day < 3 * 366; day++) {
		int64_t t = start + day * 86400000LL;
		char again[32];

		time_format_iso8601(t, out);
		CHECK_INT(time_parse_iso8601(out, &back), 0);
		time_format_iso8601(back, again);
		CHECK_STR(again, out);
	}
}

static void test_now(void)
{
	int64_t a = time_now_ms();
	int64_t b = time_now_ms();

	/* after 2024-01-01 and monotonic enough across two calls */
	CHECK(a > 1704067200000LL);
	CHECK(b >= a);
}

int main(void)
{
	RUN(test_epoch_and_known_values);
	RUN(test_fractions);
	RUN(test_offsets);
	RUN(test_separators);
	RUN(test_leap_years);
	RUN(test_offsets_cross_day_boundaries);
	RUN(test_leap_second_clamped);
	RUN(test_rejects);
	RUN(test_format);
	RUN(test_round_trips);
	RUN(test_now);
	CHECK_EXIT();
}
