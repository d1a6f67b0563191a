/*
 * test_meter_units.c — the base unit of each quantity (ocppd/meter_units.c):
 * every OCPP 1.6 unit converted, the measurand's own unit assumed when none
 * is sent, and no unit invented for dimensionless measurands.
 */
#include "check.h"

#include <math.h>

#include "../../ocppd/meter_units.c"

static int near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static void expect_unit(const char *measurand, const char *unit, double in,
                        const char *base, double out)
{
	double v = in;
	const char *got = meter_unit_normalise(measurand, unit, &v);
	if (!base) {
		CHECK(got == NULL);
		CHECK(near(v, in));
		return;
	}
	CHECK_STR(got, base);
	CHECK(near(v, out));
}

static void test_every_ocpp_unit_to_its_base(void)
{
	expect_unit("Energy.Active.Import.Register", "Wh", 5, "Wh", 5);
	expect_unit("Energy.Active.Import.Register", "kWh", 1.5, "Wh", 1500);
	expect_unit("Energy.Reactive.Import.Register", "kvarh", 2, "varh",
	            2000);
	expect_unit("Power.Active.Import", "kW", 3.5, "W", 3500);
	expect_unit("Power.Active.Import", "W", 7200, "W", 7200);
	expect_unit("Power.Reactive.Import", "kvar", 1, "var", 1000);
	expect_unit("Power.Offered", "kVA", 2, "VA", 2000);
	expect_unit("Current.Import", "A", 16, "A", 16);
	expect_unit("Voltage", "V", 230, "V", 230);
	expect_unit("SoC", "Percent", 50, "%", 50);
	expect_unit("Temperature", "Celsius", 21, "Celsius", 21);
	expect_unit("Temperature", "Fahrenheit", 212, "Celsius", 100);
	expect_unit("Temperature", "K", 273.15, "Celsius", 0);
}

static void test_unit_implied_by_measurand(void)
{
	expect_unit(NULL, NULL, 7, "Wh", 7);
	expect_unit("Energy.Active.Export.Interval", NULL, 7, "Wh", 7);
	expect_unit("Energy.Reactive.Export.Register", NULL, 7, "varh", 7);
	expect_unit("Power.Active.Import", NULL, 7, "W", 7);
	expect_unit("Current.Offered", NULL, 7, "A", 7);
	expect_unit("SoC", NULL, 80, "%", 80);
	expect_unit("Frequency", NULL, 50, "Hz", 50);
}

static void test_dimensionless_has_no_unit(void)
{
	expect_unit("Power.Factor", NULL, 0.98, NULL, 0);
	expect_unit("RPM", NULL, 1200, NULL, 0);
}

int main(void)
{
	RUN(test_every_ocpp_unit_to_its_base);
	RUN(test_unit_implied_by_measurand);
	RUN(test_dimensionless_has_no_unit);
	CHECK_EXIT();
}
