/*
 * test_money.c — energy and money arithmetic shared by the API and the
 * dashboard (cgi-bin/money.c), and the dashboard's formatting of it
 * (cgi-bin/ui-format.c), which must show the API's figures to the cent.
 */
#include "../../cgi-bin/ui-format.c"
#include "../../cgi-bin/money.h"

#include "check.h"

static void energy_of_a_session(void)
{
	CHECK_INT(money_energy_wh(1000, 2250), 1250);
	CHECK_INT(money_energy_wh(9000, 100), 0); /* meter went backwards */
	CHECK_INT(money_energy_wh(5, 5), 0);
}

static void cost_rounds_half_away_from_zero(void)
{
	long long p30 = money_price_micro(0.30);
	CHECK_INT(p30, 300000);
	CHECK_INT(money_cost_cents(1250, p30), 38); /* 0.375: half up */
	CHECK_INT(money_cost_cents(1249, p30), 37); /* 0.3747 */
	CHECK_INT(money_cost_cents(8250, p30), 248);
	CHECK_INT(money_cost_cents(0, p30), 0);
	CHECK_INT(money_cost_cents(-1250, p30), -38); /* symmetric */
	CHECK_INT(money_cost_cents(1000000, money_price_micro(0.123456)),
	          12346);
	/* 0.3 kWh x 0.25 = 0.075 exactly; "%.2f" of the double prints
	 * 0.07, the invoice says 0.08. */
	CHECK_INT(money_cost_cents(300, money_price_micro(0.25)), 8);
}

static void cost_of_large_totals(void)
{
	/* No binary rounding drift on a large total: 1 GWh at 0.29. */
	CHECK_INT(money_cost_cents(1000000000LL, money_price_micro(0.29)),
	          29000000);
	/* A year of a large network in a currency with small units: 50 GWh
	 * at 250 per kWh is past 2^63 nano-units, not past a long long of
	 * cents. */
	CHECK_INT(money_cost_cents(50000000000LL, money_price_micro(250)),
	          1250000000000LL);
}

static void rounding_to_digits(void)
{
	CHECK_INT(money_round(1235, 1), 124);
	CHECK_INT(money_round(1234, 1), 123);
	CHECK_INT(money_round(-1235, 1), -124);
	CHECK_INT(money_round(-1234, 1), -123);
	CHECK_INT(money_round(499, 3), 0);
	CHECK_INT(money_round(500, 3), 1);
	CHECK_INT(money_round(42, 0), 42);
}

static void formatting(void)
{
	char buf[32];
	money_format_cents(38, buf);
	CHECK_STR(buf, "0.38");
	money_format_cents(-5, buf);
	CHECK_STR(buf, "-0.05");
	money_format_cents(123456, buf);
	CHECK_STR(buf, "1234.56");
	money_format_kwh(1250, 3, buf);
	CHECK_STR(buf, "1.250");
	money_format_kwh(-7, 3, buf);
	CHECK_STR(buf, "-0.007");
	money_format_kwh(1235, 2, buf); /* 1.235 kWh: half up, not 1.23 */
	CHECK_STR(buf, "1.24");
	money_format_kwh(1234567, 1, buf);
	CHECK_STR(buf, "1234.6");
	money_format_kwh(499, 0, buf);
	CHECK_STR(buf, "0");
	money_format_kwh(1500, 0, buf);
	CHECK_STR(buf, "2");
}

/* The dashboard shows what the API answers, with thousands separators. */
static void dashboard_shows_the_api_figures(void)
{
	char buf[32], api[32];
	long long cents = money_cost_cents(300, money_price_micro(0.25));
	ui_fmt_money(cents, buf, sizeof buf);
	money_format_cents(cents, api);
	CHECK_STR(buf, "0.08");
	CHECK_STR(api, "0.08");
	ui_fmt_money(money_cost_cents(1250, money_price_micro(0.30)), buf,
	             sizeof buf);
	CHECK_STR(buf, "0.38");
	ui_fmt_money(123456789, buf, sizeof buf);
	CHECK_STR(buf, "1,234,567.89");
	ui_fmt_money(-5, buf, sizeof buf);
	CHECK_STR(buf, "-0.05");
	ui_fmt_kwh(1235, 2, buf, sizeof buf);
	CHECK_STR(buf, "1.24");
	ui_fmt_kwh(1234567, 2, buf, sizeof buf);
	CHECK_STR(buf, "1,234.57");
	ui_fmt_kwh(1234.5, 3, buf, sizeof buf); /* a reading's fraction */
	CHECK_STR(buf, "1.235");
}

int main(void)
{
	RUN(energy_of_a_session);
	RUN(cost_rounds_half_away_from_zero);
	RUN(cost_of_large_totals);
	RUN(rounding_to_digits);
	RUN(formatting);
	RUN(dashboard_shows_the_api_figures);
	CHECK_EXIT();
}
