/*
 * meter_units.c — see meter_units.h.
 */
#include "meter_units.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *unit, *base;
	double factor, offset; /* base = value x factor + offset */
} units[] = {
    {"Wh", "Wh", 1, 0},
    {"kWh", "Wh", 1000, 0},
    {"varh", "varh", 1, 0},
    {"kvarh", "varh", 1000, 0},
    {"W", "W", 1, 0},
    {"kW", "W", 1000, 0},
    {"var", "var", 1, 0},
    {"kvar", "var", 1000, 0},
    {"VA", "VA", 1, 0},
    {"kVA", "VA", 1000, 0},
    {"A", "A", 1, 0},
    {"V", "V", 1, 0},
    {"Percent", "%", 1, 0},
    {"Celsius", "Celsius", 1, 0},
    {"Fahrenheit", "Celsius", 5.0 / 9.0, -32.0 * 5.0 / 9.0},
    {"K", "Celsius", 1, -273.15},
};

/* The unit a measurand is in when the charge point names none; by
 * prefix, in OCPP 1.6's measurand names. */
static const struct {
	const char *prefix, *unit;
} implied[] = {
    {"Energy.Reactive.", "varh"},
    {"Energy.", "Wh"},
    {"Power.Reactive.", "var"},
    {"Power.Active.", "W"},
    {"Power.Offered", "W"},
    {"Current.", "A"},
    {"Voltage", "V"},
    {"SoC", "Percent"},
    {"Temperature", "Celsius"},
};

const char *meter_unit_normalise(const char *measurand, const char *unit,
                                 double *value)
{
	if (!measurand)
		measurand = "Energy.Active.Import.Register";
	if (!unit) {
		if (!strcmp(measurand, "Frequency"))
			return "Hz";
		for (size_t i = 0; i < sizeof implied / sizeof implied[0]; i++)
			if (!strncmp(measurand, implied[i].prefix,
			             strlen(implied[i].prefix))) {
				unit = implied[i].unit;
				break;
			}
		if (!unit)
			return NULL;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(unit, units[i].unit)) {
			*value = *value * units[i].factor + units[i].offset;
			return units[i].base;
		}
	return NULL;
}
