/*
 * test_ui_format.c — the dashboard's formatting helpers
 * (cgi-bin/ui-format.c, compiled into this test: the Makefile links unit
 * tests against lib/ and the shared cgi-bin code only).
 */
#include "../../cgi-bin/ui-format.c"
#include "check.h"

#define MIN  60000LL
#define HOUR (60 * MIN)
#define DAY  (24 * HOUR)

static void ago_reads_like_a_person(void)
{
	char b[32];
	int64_t now = 1700000000000LL;
	ui_fmt_ago(now - 12000, now, b, sizeof b);
	CHECK_STR(b, "12 s ago");
	ui_fmt_ago(now - 999, now, b, sizeof b);
	CHECK_STR(b, "just now");
	ui_fmt_ago(now + 5000, now, b, sizeof b); /* clock skew */
	CHECK_STR(b, "just now");
	ui_fmt_ago(now - 59999, now, b, sizeof b);
	CHECK_STR(b, "59 s ago");
	ui_fmt_ago(now - 60000, now, b, sizeof b);
	CHECK_STR(b, "1 min ago");
	ui_fmt_ago(now - 3 * HOUR - 5 * MIN, now, b, sizeof b);
	CHECK_STR(b, "3 h ago");
	ui_fmt_ago(now - 2 * DAY - HOUR, now, b, sizeof b);
	CHECK_STR(b, "2 d ago");
	ui_fmt_ago(DB_NULL_TIME, now, b, sizeof b);
	CHECK_STR(b, "");
}

static void durations(void)
{
	char b[32];
	ui_fmt_duration(45000, b, sizeof b);
	CHECK_STR(b, "45 s");
	ui_fmt_duration(12 * MIN + 3000, b, sizeof b);
	CHECK_STR(b, "12 min 03 s");
	ui_fmt_duration(HOUR + 5 * MIN + 59000, b, sizeof b);
	CHECK_STR(b, "1 h 05 min");
	ui_fmt_duration(2 * DAY + 3 * HOUR + 59 * MIN, b, sizeof b);
	CHECK_STR(b, "2 d 3 h");
	ui_fmt_duration(-5000, b, sizeof b);
	CHECK_STR(b, "0 s");
}

static void times_are_utc(void)
{
	char b[32];
	/* 2024-02-29T23:59:58.123Z */
	int64_t ms = 1709251198123LL;
	ui_fmt_datetime(ms, b, sizeof b);
	CHECK_STR(b, "2024-02-29 23:59:58");
	ui_fmt_iso(ms, b, sizeof b);
	CHECK_STR(b, "2024-02-29T23:59:58.123Z");
	ui_fmt_iso(DB_NULL_TIME, b, sizeof b);
	CHECK_STR(b, "");
	CHECK_INT(time_day_start(ms), 1709164800000LL);
	CHECK_INT(time_day_start(1709164800000LL), 1709164800000LL);
}

static void energy_money_counts(void)
{
	char b[32];
	ui_fmt_kwh(1234567, 2, b, sizeof b);
	CHECK_STR(b, "1,234.57");
	ui_fmt_kwh(999, 1, b, sizeof b);
	CHECK_STR(b, "1.0");
	ui_fmt_kwh(0, 2, b, sizeof b);
	CHECK_STR(b, "0.00");
	ui_fmt_kwh(-1, 2, b, sizeof b); /* rounds to zero: no "-0.00" */
	CHECK_STR(b, "0.00");
	ui_fmt_kwh(-2500, 1, b, sizeof b);
	CHECK_STR(b, "-2.5");
	ui_fmt_kwh(1235, 2, b, sizeof b); /* half up, as the API rounds */
	CHECK_STR(b, "1.24");
	ui_fmt_money(123450, b, sizeof b); /* cents */
	CHECK_STR(b, "1,234.50");
	ui_fmt_count(1000000, b, sizeof b);
	CHECK_STR(b, "1,000,000");
	ui_fmt_count(999, b, sizeof b);
	CHECK_STR(b, "999");
	ui_fmt_count(-1234, b, sizeof b);
	CHECK_STR(b, "-1,234");
	char small[6];
	ui_fmt_count(1234567, small, sizeof small); /* truncated, terminated */
	CHECK_STR(small, "1,234");
}

static void status_classes_cover_ocpp(void)
{
	CHECK_STR(ui_status_class("Available"), "st-available");
	CHECK_STR(ui_status_class("Charging"), "st-charging");
	CHECK_STR(ui_status_class("Faulted"), "st-faulted");
	CHECK_STR(ui_status_class("Unavailable"), "st-unavailable");
	CHECK_STR(ui_status_class("SuspendedEV"), "st-suspended");
	CHECK_STR(ui_status_class("SuspendedEVSE"), "st-suspended");
	CHECK_STR(ui_status_class("Preparing"), "st-preparing");
	CHECK_STR(ui_status_class("Finishing"), "st-finishing");
	CHECK_STR(ui_status_class("Reserved"), "st-reserved");
	CHECK_STR(ui_status_class("charging"), "st-unknown");
	CHECK_STR(ui_status_class(NULL), "st-unknown");
}

static void query_strings(void)
{
	struct ui_qs qs;
	ui_qs_init(&qs);
	ui_qs_add(&qs, "cp_id", "CP 1&x=<y>");
	ui_qs_add(&qs, "id_tag", "");
	ui_qs_add(&qs, "status", NULL);
	ui_qs_add_long(&qs, "page", 3);
	CHECK_STR(qs.buf, "cp_id=CP%201%26x%3D%3Cy%3E&page=3");
	CHECK_INT(qs.overflow, 0);
	CHECK_INT(ui_page_count(0, 50), 1);
	CHECK_INT(ui_page_count(50, 50), 1);
	CHECK_INT(ui_page_count(51, 50), 2);
	CHECK_INT(ui_page_count(1000000, 50), 20000);
}

int main(void)
{
	RUN(ago_reads_like_a_person);
	RUN(durations);
	RUN(times_are_utc);
	RUN(energy_money_counts);
	RUN(status_classes_cover_ocpp);
	RUN(query_strings);
	CHECK_EXIT();
}
