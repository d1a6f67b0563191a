/*
 * test_tariff.c — a session's cost (lib/tariff.c) and the zone files it
 * reads local time from (lib/tzif.c).  Every expected figure is worked out
 * by hand in the comment beside it.
 */
#include <stdlib.h>

#include "../../lib/tariff.h"
#include "../../lib/tariff_bands.h"
#include "../../lib/timeutil.h"
#include "../../lib/tzif.h"

#include "check.h"

/* UTC milliseconds of a date and time. */
static int64_t T(int y, int mo, int d, int h, int mi)
{
	return (time_days_from_civil(y, mo, d) * 1440 + h * 60 + mi) * 60000LL;
}

static struct tariff base(void)
{
	struct tariff t = {0};
	t.min_minor = t.max_minor = -1;
	t.minor_digits = 2;
	return t;
}

/* A session from a to b, the meter from 0 to wh evenly. */
static int run(const struct tariff *t, const struct tzif *z, int64_t a,
               int64_t b, long long wh, int64_t idle, struct tariff_cost *c)
{
	struct tariff_point p[2] = {{a, 0}, {b, wh}};
	struct tariff_session s = {a, b, idle, p, 2};
	return tariff_cost(t, z, &s, c);
}

static void energy_only_matches_price_per_kwh(void)
{
	struct tariff t = base();
	t.energy_micro = 300000;
	struct tariff_cost c;
	/* 1.25 kWh x 0.30 = 0.375 → 0.38 (half away from zero), the figure
	 * money_cost_cents() gives for price_per_kwh. */
	CHECK_INT(run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0),
	              1250, 0, &c),
	          0);
	CHECK_INT(c.energy_minor, 38);
	CHECK_INT(c.gross_minor, 38);
	CHECK_INT(c.net_minor, 38);
	CHECK_INT(c.vat_minor, 0);
	CHECK_INT(c.energy_wh, 1250);
	/* 1.249 kWh: 0.3747 → 0.37. */
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 1249, 0, &c);
	CHECK_INT(c.gross_minor, 37);
}

static void band_boundary(void)
{
	/* Base 0.30/kWh; Mon-Fri 17:00-20:00 0.50/kWh.  Monday 16:30 to
	 * 17:30 UTC, 2 kWh evenly: 1 kWh at 0.30 + 1 kWh at 0.50 = 0.80. */
	struct tariff t = base();
	t.energy_micro = 300000;
	t.nbands = 1;
	t.bands[0] = (struct tariff_band){0x1f, 17 * 60, 20 * 60, 500000, 0};
	struct tariff_cost c;
	run(&t, NULL, T(2026, 3, 2, 16, 30), T(2026, 3, 2, 17, 30), 2000, 0,
	    &c);
	CHECK_INT(c.energy_minor, 80);
	/* The same hour on Saturday 2026-03-07: no band, 2 kWh x 0.30. */
	run(&t, NULL, T(2026, 3, 7, 16, 30), T(2026, 3, 7, 17, 30), 2000, 0,
	    &c);
	CHECK_INT(c.energy_minor, 60);
	/* Ends exactly at 20:00: 19:00-20:00 in the band, 1 kWh x 0.50. */
	run(&t, NULL, T(2026, 3, 2, 19, 0), T(2026, 3, 2, 20, 0), 1000, 0, &c);
	CHECK_INT(c.energy_minor, 50);
}

static void across_midnight(void)
{
	/* Base 0.40/kWh + 0.02/min; every night 22:00-06:00 0.20/kWh +
	 * 0.01/min.  05:00 to 07:00, 1.2 kWh evenly: 0.6 x 0.20 + 0.6 x
	 * 0.40 = 0.36; 60 min x 0.01 + 60 x 0.02 = 1.80. */
	struct tariff t = base();
	t.energy_micro = 400000;
	t.time_micro = 20000;
	t.nbands = 1;
	t.bands[0] = (struct tariff_band){0x7f, 22 * 60, 6 * 60, 200000, 10000};
	struct tariff_cost c;
	run(&t, NULL, T(2026, 3, 3, 5, 0), T(2026, 3, 3, 7, 0), 1200, 0, &c);
	CHECK_INT(c.energy_minor, 36);
	CHECK_INT(c.time_minor, 180);
	CHECK_INT(c.gross_minor, 216);
	/* 23:00 to 01:00 over midnight: all in the band, 120 x 0.01. */
	run(&t, NULL, T(2026, 3, 3, 23, 0), T(2026, 3, 4, 1, 0), 1000, 0, &c);
	CHECK_INT(c.time_minor, 120);
	CHECK_INT(c.energy_minor, 20);
	/* A Sunday-night band (Sunday only, 22:00-06:00) holds on Monday
	 * morning too: Sunday 2026-03-08 23:00 to Monday 01:00. */
	t.bands[0].days = 0x40;
	run(&t, NULL, T(2026, 3, 8, 23, 0), T(2026, 3, 9, 1, 0), 1000, 0, &c);
	CHECK_INT(c.time_minor, 120);
	/* ... but not on Tuesday morning after a Monday night. */
	run(&t, NULL, T(2026, 3, 10, 0, 0), T(2026, 3, 10, 1, 0), 0, 0, &c);
	CHECK_INT(c.time_minor, 120);
}

static void dst_in_the_sites_zone(void)
{
	struct tzif z;
	CHECK_INT(tzif_load(NULL, "Europe/Berlin", &z), 0);
	/* The zone itself: CET before 01:00 UTC on 2026-03-29, CEST after;
	 * back to CET at 01:00 UTC on 2026-10-25. */
	CHECK_INT(tzif_offset(&z, T(2026, 3, 29, 0, 59) / 1000), 3600);
	CHECK_INT(tzif_offset(&z, T(2026, 3, 29, 1, 0) / 1000), 7200);
	CHECK_INT(tzif_offset(&z, T(2026, 10, 25, 0, 59) / 1000), 7200);
	CHECK_INT(tzif_offset(&z, T(2026, 10, 25, 1, 0) / 1000), 3600);
	/* Past the table, from the footer rule. */
	CHECK_INT(tzif_offset(&z, T(2045, 7, 1, 0, 0) / 1000), 7200);
	CHECK_INT(tzif_offset(&z, T(2045, 12, 1, 0, 0) / 1000), 3600);

	/* A night band 00:00-06:00 local at 0.10/min, nothing else.
	 * Spring: 2026-03-28 23:00 UTC (00:00 CET) to 05:00 UTC (07:00
	 * CEST).  The band ends at 06:00 CEST = 04:00 UTC: 5 real hours,
	 * 300 min x 0.10 = 30.00 (a fixed +01:00 would say 6 hours). */
	struct tariff t = base();
	t.nbands = 1;
	t.bands[0] = (struct tariff_band){0x7f, 0, 6 * 60, 0, 100000};
	struct tariff_cost c;
	run(&t, &z, T(2026, 3, 28, 23, 0), T(2026, 3, 29, 5, 0), 0, 0, &c);
	CHECK_INT(c.time_minor, 3000);
	/* Autumn: 2026-10-24 22:00 UTC (00:00 CEST) to 06:00 UTC (07:00
	 * CET).  06:00 CET = 05:00 UTC: 7 real hours, 42.00. */
	run(&t, &z, T(2026, 10, 24, 22, 0), T(2026, 10, 25, 6, 0), 0, 0, &c);
	CHECK_INT(c.time_minor, 4200);
}

static void zone_rules_and_names(void)
{
	struct tzif z;
	memset(&z, 0, sizeof z);
	CHECK_INT(tzif_parse_rule("CET-1CEST,M3.5.0,M10.5.0/3", &z), 0);
	CHECK_INT(tzif_offset(&z, T(2031, 3, 30, 0, 59) / 1000), 3600);
	CHECK_INT(tzif_offset(&z, T(2031, 3, 30, 1, 0) / 1000), 7200);
	memset(&z, 0, sizeof z);
	/* Southern hemisphere: Sydney, DST from October to April. */
	CHECK_INT(tzif_parse_rule("AEST-10AEDT,M10.1.0,M4.1.0/3", &z), 0);
	CHECK_INT(tzif_offset(&z, T(2040, 1, 15, 0, 0) / 1000), 39600);
	CHECK_INT(tzif_offset(&z, T(2040, 6, 15, 0, 0) / 1000), 36000);
	memset(&z, 0, sizeof z);
	CHECK_INT(tzif_parse_rule("<+0530>-5:30", &z), 0);
	CHECK_INT(tzif_offset(&z, 0), 19800);
	CHECK_INT(tzif_load(NULL, "../etc/passwd", &z), -1);
	CHECK_INT(tzif_load(NULL, "/etc/localtime", &z), -1);
	CHECK_INT(tzif_load(NULL, "No/Such_Zone", &z), -1);
	CHECK_INT(tzif_load(NULL, "UTC", &z), 0);
	CHECK_INT(tzif_offset(&z, 1800000000), 0);
	CHECK_INT(tzif_load(NULL, "America/New_York", &z), 0);
	CHECK_INT(tzif_offset(&z, T(2026, 1, 10, 12, 0) / 1000), -18000);
	CHECK_INT(tzif_offset(&z, T(2026, 7, 10, 12, 0) / 1000), -14400);
	unsigned char junk[60] = "TZif2";
	CHECK_INT(tzif_parse(junk, sizeof junk, &z), -1);
}

static void idle_fee_with_grace(void)
{
	/* 0.10 per idle minute after 15 minutes' grace.  Charging 10:00 to
	 * 11:00, idle until 12:00: 60 idle minutes, 45 billed = 4.50. */
	struct tariff t = base();
	t.idle_micro = 100000;
	t.idle_grace_min = 15;
	t.time_micro = 10000; /* 0.01/min charging: 60 min = 0.60 */
	struct tariff_cost c;
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 12, 0), 0,
	    T(2026, 3, 2, 11, 0), &c);
	CHECK_INT(c.idle_minor, 450);
	CHECK_INT(c.time_minor, 60);
	CHECK_INT(c.idle_ms, 3600000);
	CHECK_INT(c.idle_billed_ms, 45 * 60000);
	/* Unplugged within the grace: 10 idle minutes, nothing billed. */
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 10), 0,
	    T(2026, 3, 2, 11, 0), &c);
	CHECK_INT(c.idle_minor, 0);
	/* No idle mark: all of it is charging time, 70 x 0.01. */
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 10), 0, 0, &c);
	CHECK_INT(c.idle_minor, 0);
	CHECK_INT(c.time_minor, 70);
	/* 30 s past the grace: 0.5 min x 0.10 = 0.05. */
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 15) + 30000, 0,
	    T(2026, 3, 2, 11, 0), &c);
	CHECK_INT(c.idle_minor, 5);
}

static void minimum_and_maximum(void)
{
	/* 1 kWh x 0.30 = 0.30 + fee 0.50 = 0.80; minimum 1.00 adds 0.20. */
	struct tariff t = base();
	t.energy_micro = 300000;
	t.fee_minor = 50;
	t.min_minor = 100;
	struct tariff_cost c;
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 1000, 0, &c);
	CHECK_INT(c.fee_minor, 50);
	CHECK_INT(c.adjust_minor, 20);
	CHECK_INT(c.gross_minor, 100);
	/* 100 kWh = 30.00 + 0.50, maximum 25.00: -5.50. */
	t.max_minor = 2500;
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 100000, 0,
	    &c);
	CHECK_INT(c.adjust_minor, -550);
	CHECK_INT(c.gross_minor, 2500);
}

static void vat_included_and_excluded(void)
{
	struct tariff t = base();
	t.energy_micro = 1000000; /* 1.00/kWh */
	t.vat_bp = 1900;
	struct tariff_cost c;
	/* Excluded: 10 kWh = 10.00 net, 1.90 VAT, 11.90 gross. */
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 10000, 0, &c);
	CHECK_INT(c.net_minor, 1000);
	CHECK_INT(c.vat_minor, 190);
	CHECK_INT(c.gross_minor, 1190);
	/* Included: 10.00 gross; VAT 10.00 x 19/119 = 1.5966 → 1.60,
	 * net 8.40. */
	t.prices_include_vat = 1;
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 10000, 0, &c);
	CHECK_INT(c.gross_minor, 1000);
	CHECK_INT(c.vat_minor, 160);
	CHECK_INT(c.net_minor, 840);
	/* 11.90 gross at 19 % included: exactly 1.90 VAT. */
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 11900, 0, &c);
	CHECK_INT(c.vat_minor, 190);
	CHECK_INT(c.net_minor, 1000);
	/* Excluded, 7.7 %: 0.05 net → 0.00385 VAT → 0.00. */
	t.prices_include_vat = 0;
	t.vat_bp = 770;
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 11, 0), 50, 0, &c);
	CHECK_INT(c.net_minor, 5);
	CHECK_INT(c.vat_minor, 0);
}

static void meter_readings_place_the_energy(void)
{
	/* Base 0.30, band 12:00-13:00 at 1.00.  Readings: 0 Wh at 11:00,
	 * 100 Wh at 12:00, 2100 at 13:00: 0.1 x 0.30 + 2 x 1.00 = 2.03 —
	 * evenly spread it would have been 1.05 x 0.30 + 1.05 x 1.00. */
	struct tariff t = base();
	t.energy_micro = 300000;
	t.nbands = 1;
	t.bands[0] = (struct tariff_band){0x7f, 12 * 60, 13 * 60, 1000000, 0};
	struct tariff_point p[3] = {{T(2026, 3, 2, 11, 0), 0},
	                            {T(2026, 3, 2, 12, 0), 100},
	                            {T(2026, 3, 2, 13, 0), 2100}};
	struct tariff_session s = {p[0].ms, p[2].ms, 0, p, 3};
	struct tariff_cost c;
	CHECK_INT(tariff_cost(&t, NULL, &s, &c), 0);
	CHECK_INT(c.energy_minor, 203);
	CHECK_INT(c.energy_wh, 2100);
}

static void no_time_passed(void)
{
	/* Stop stamped at the start: 1 kWh still costs 0.30 (and the
	 * band of that minute applies: 0.50 at 18:00 on a Monday). */
	struct tariff t = base();
	t.energy_micro = 300000;
	struct tariff_cost c;
	run(&t, NULL, T(2026, 3, 2, 10, 0), T(2026, 3, 2, 10, 0), 1000, 0, &c);
	CHECK_INT(c.energy_minor, 30);
	CHECK_INT(c.energy_wh, 1000);
	t.nbands = 1;
	t.bands[0] = (struct tariff_band){0x1f, 17 * 60, 20 * 60, 500000, 0};
	run(&t, NULL, T(2026, 3, 2, 18, 0), T(2026, 3, 2, 18, 0), 1000, 0, &c);
	CHECK_INT(c.energy_minor, 50);
}

static void refuses_nonsense(void)
{
	struct tariff t = base();
	struct tariff_cost c;
	CHECK_INT(run(&t, NULL, 2000, 1000, 0, 0, &c), -1);
	struct tariff_session s = {0, 1000, 0, NULL, 0};
	CHECK_INT(tariff_cost(&t, NULL, &s, &c), -1);
}

static void decimals_without_floating_point(void)
{
	long long v;
	CHECK_INT(tariff_parse_micro("0.3", &v), 0);
	CHECK_INT(v, 300000);
	CHECK_INT(tariff_parse_micro("12.345678", &v), 0);
	CHECK_INT(v, 12345678);
	CHECK_INT(tariff_parse_micro("1.2345678", &v), -1);
	CHECK_INT(tariff_parse_micro("1.", &v), -1);
	CHECK_INT(tariff_parse_micro("abc", &v), -1);
	CHECK_INT(tariff_parse_micro("", &v), -1);
	CHECK_INT(tariff_parse_minor("1.5", 2, &v), 0);
	CHECK_INT(v, 150);
	CHECK_INT(tariff_parse_minor("-0.05", 2, &v), 0);
	CHECK_INT(v, -5);
	char buf[32];
	tariff_format_fixed(300000, 6, buf);
	CHECK_STR(buf, "0.300000");
	tariff_format_fixed(-5, 2, buf);
	CHECK_STR(buf, "-0.05");
}

static void bands_from_and_to_json(void)
{
	struct tariff t;
	char err[160];
	memset(&t, 0, sizeof t);
	CHECK_INT(tariff_bands_from_text(
	              "[{\"days\":\"Fri-Mon\",\"from\":\"22:00\",\"to\":"
	              "\"06:00\",\"energy_price\":\"0.2\"},{\"days\":\"Tue,"
	              "Thu\",\"from\":\"17:00\",\"to\":\"24:00\","
	              "\"time_price\":0.015}]",
	              &t, err, sizeof err),
	          0);
	CHECK_INT(t.nbands, 2);
	/* Fri, Sat, Sun, Mon: bits 4, 5, 6 and 0 */
	CHECK_INT(t.bands[0].days, 0x71);
	CHECK_INT(t.bands[0].start_min, 1320);
	CHECK_INT(t.bands[0].end_min, 360);
	CHECK_INT(t.bands[0].energy_micro, 200000);
	CHECK_INT(t.bands[1].days, 0x0a);
	CHECK_INT(t.bands[1].end_min, 1440);
	CHECK_INT(t.bands[1].time_micro, 15000);
	char *text = tariff_bands_to_text(&t);
	CHECK_STR(text,
	          "[{\"days\":\"Mon,Fri-Sun\",\"from\":\"22:00\",\"to\":"
	          "\"06:00\",\"energy_price\":\"0.200000\",\"time_price\":"
	          "\"0.000000\"},{\"days\":\"Tue,Thu\",\"from\":\"17:00\","
	          "\"to\":\"24:00\",\"energy_price\":\"0.000000\","
	          "\"time_price\":\"0.015000\"}]");
	free(text);
	/* Refused: an unknown day, equal times, a bad time, a negative or
	 * too fine price, not an array. */
	const char *bad[] = {
	    "[{\"days\":\"Mon-Fry\",\"from\":\"10:00\",\"to\":\"11:00\"}]",
	    "[{\"days\":\"all\",\"from\":\"10:00\",\"to\":\"10:00\"}]",
	    "[{\"days\":\"all\",\"from\":\"25:00\",\"to\":\"10:00\"}]",
	    "[{\"days\":\"all\",\"from\":\"10:00\",\"to\":\"11:00\","
	    "\"energy_price\":\"-1\"}]",
	    "[{\"days\":\"all\",\"from\":\"10:00\",\"to\":\"11:00\","
	    "\"energy_price\":\"0.1234567\"}]",
	    "[{\"days\":\"Mon,\",\"from\":\"10:00\",\"to\":\"11:00\"}]",
	    "{\"days\":\"all\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK(tariff_bands_from_text(bad[i], &t, err, sizeof err) ==
		      -1);
	CHECK_INT(tariff_bands_from_text("", &t, err, sizeof err), 0);
	CHECK_INT(t.nbands, 0);
}

static unsigned long long rnd_state = 88172645463325252ULL;
static long long rnd(long long n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (long long)(rnd_state % (unsigned long long)n);
}

static void breakdown_always_sums_to_the_total(void)
{
	struct tzif z;
	CHECK_INT(tzif_load(NULL, "Europe/Berlin", &z), 0);
	for (int i = 0; i < 3000; i++) {
		struct tariff t = base();
		t.energy_micro = rnd(2000000);
		t.time_micro = rnd(50000);
		t.idle_micro = rnd(200000);
		t.idle_grace_min = (int)rnd(60);
		t.fee_minor = rnd(300);
		t.min_minor = rnd(3) ? -1 : rnd(2000);
		t.max_minor = rnd(3) ? -1 : t.min_minor + rnd(5000) + 1;
		t.vat_bp = (int)rnd(2700);
		t.prices_include_vat = (int)rnd(2);
		t.minor_digits = (int)rnd(4);
		t.nbands = (int)rnd(4);
		for (int b = 0; b < t.nbands; b++)
			t.bands[b] = (struct tariff_band){
			    (unsigned)rnd(128), (int)rnd(1440), (int)rnd(1440),
			    rnd(2000000), rnd(50000)};
		int64_t a = T(2026, 1, 1, 0, 0) + rnd(365LL * 86400000);
		int64_t b = a + rnd(2LL * 86400000);
		int64_t idle = rnd(2) ? a + rnd(b - a + 1) : 0;
		struct tariff_point p[4] = {{a, 0}};
		int n = 1 + (int)rnd(3);
		for (int k = 1; k <= n; k++)
			p[k] = (struct tariff_point){
			    k == n ? b : p[k - 1].ms + rnd(b - p[k - 1].ms + 1),
			    p[k - 1].wh + rnd(40000)};
		struct tariff_session s = {a, b, idle, p, n + 1};
		struct tariff_cost c;
		CHECK_INT(tariff_cost(&t, rnd(2) ? &z : NULL, &s, &c), 0);
		long long price = c.energy_minor + c.time_minor + c.idle_minor +
		                  c.fee_minor + c.adjust_minor;
		CHECK_INT(price,
		          t.prices_include_vat ? c.gross_minor : c.net_minor);
		CHECK_INT(c.net_minor + c.vat_minor, c.gross_minor);
		CHECK(c.charging_ms + c.idle_ms == b - a);
		CHECK_INT(c.energy_wh, p[n].wh);
		if (t.min_minor >= 0)
			CHECK(price >= t.min_minor);
		if (t.max_minor >= 0)
			CHECK(price <= t.max_minor);
		CHECK(c.vat_minor >= 0);
	}
}

int main(void)
{
	RUN(energy_only_matches_price_per_kwh);
	RUN(band_boundary);
	RUN(across_midnight);
	RUN(dst_in_the_sites_zone);
	RUN(zone_rules_and_names);
	RUN(idle_fee_with_grace);
	RUN(minimum_and_maximum);
	RUN(vat_included_and_excluded);
	RUN(meter_readings_place_the_energy);
	RUN(no_time_passed);
	RUN(refuses_nonsense);
	RUN(decimals_without_floating_point);
	RUN(bands_from_and_to_json);
	RUN(breakdown_always_sums_to_the_total);
	CHECK_EXIT();
}
