/*
 * money.c — energy and cost arithmetic shared by the API and the dashboard
 * (see money.h for why it is all integers).
 */
#include "money.h"

#include <math.h>
#include <stdio.h>

long long money_energy_wh(long long meter_start, long long meter_stop)
{
	return meter_stop > meter_start ? meter_stop - meter_start : 0;
}

long long money_price_micro(double price_per_kwh)
{
	return llround(price_per_kwh * 1e6);
}

long long money_cost_cents(long long wh, long long price_micro)
{
	/* Wh x micro-units per kWh = 1e-9 units; a cent is 1e7 of those.
	 * A network's yearly total at a tariff in a small currency unit
	 * passes 2^63 nano-units, so the product is 128 bits wide. */
	__int128 nano = (__int128)wh * price_micro;
	__int128 half = 5000000, cent = 10000000;
	if (nano >= 0)
		return (long long)((nano + half) / cent);
	return -(long long)((-nano + half) / cent);
}

long long money_round(long long value, int digits)
{
	unsigned long long scale = 1;
	for (int i = 0; i < digits && i < 18; i++)
		scale *= 10;
	unsigned long long mag = value < 0 ? 0ULL - (unsigned long long)value
	                                   : (unsigned long long)value;
	/* mag <= 2^63 and scale / 2 <= 5e17: the sum cannot wrap. */
	unsigned long long q = (mag + scale / 2) / scale;
	return value < 0 ? -(long long)q : (long long)q;
}

/* value / 10^decimals as a decimal number with that many decimals. */
static void format_fixed(long long value, int decimals, char out[32])
{
	unsigned long long scale = 1;
	for (int i = 0; i < decimals; i++)
		scale *= 10;
	unsigned long long mag = value < 0 ? 0ULL - (unsigned long long)value
	                                   : (unsigned long long)value;
	if (!decimals) {
		snprintf(out, 32, "%s%llu", value < 0 ? "-" : "", mag);
		return;
	}
	snprintf(out, 32, "%s%llu.%0*llu", value < 0 ? "-" : "", mag / scale,
	         decimals, mag % scale);
}

void money_format_cents(long long cents, char out[32])
{
	format_fixed(cents, 2, out);
}

void money_format_kwh(long long wh, int decimals, char out[32])
{
	if (decimals < 0)
		decimals = 0;
	if (decimals > 3)
		decimals = 3;
	format_fixed(money_round(wh, 3 - decimals), decimals, out);
}
