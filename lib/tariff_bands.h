/*
 * tariff_bands.h — a tariff version's time-of-day and weekday bands as
 * JSON, the one form the API, the control socket and the database share:
 *
 *   [{"days": "Mon-Fri", "from": "17:00", "to": "20:00",
 *     "energy_price": "0.45", "time_price": "0.02"}]
 *
 * days: "all", or day names (Mon..Sun) and ranges separated by commas
 * ("Mon-Fri", "Sat,Sun", "Fri-Mon").  from/to: local "HH:MM", to "24:00"
 * allowed; to before from runs over midnight.  Prices: decimal strings
 * (or JSON numbers) with up to six places; a missing one is 0.
 */
#ifndef CSMS_TARIFF_BANDS_H
#define CSMS_TARIFF_BANDS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "tariff.h"

/* arr (NULL or a JSON array) into t->bands: 0, or -1 with err set. */
int tariff_bands_from_json(const cJSON *arr, struct tariff *t, char *err,
                           size_t errlen);

/* The same from stored text (NULL or "" is no bands). */
int tariff_bands_from_text(const char *text, struct tariff *t, char *err,
                           size_t errlen);

/* t's bands in the canonical form above (malloc'd; NULL on no memory). */
char *tariff_bands_to_text(const struct tariff *t);

/* A price field: a string or number with up to six decimals, >= 0. */
int tariff_json_micro(const cJSON *v, long long *out);

#endif
