/*
 * tariff_bands.c — bands to and from JSON (tariff_bands.h).
 */
#include "tariff_bands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *day_names[7] = {"Mon", "Tue", "Wed", "Thu",
                                   "Fri", "Sat", "Sun"};

static int day_index(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 3 && !strncasecmp(s, day_names[i], 3))
			return i;
	return -1;
}

static int parse_days(const char *s, unsigned *out)
{
	if (!strcasecmp(s, "all")) {
		*out = 0x7f;
		return 0;
	}
	unsigned m = 0;
	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		const char *dash = memchr(s, '-', len);
		int a = day_index(s, dash ? (size_t)(dash - s) : len);
		int b = dash ? day_index(dash + 1, len - (dash - s) - 1) : a;
		if (a < 0 || b < 0)
			return -1;
		for (int d = a;; d = (d + 1) % 7) {
			m |= 1u << d;
			if (d == b)
				break;
		}
		s += len;
		if (*s == ',' && !*++s)
			return -1;
	}
	*out = m;
	return m ? 0 : -1;
}

static int parse_hhmm(const char *s, int *out)
{
	int h, m;
	char tail;
	if (!s || strlen(s) != 5 ||
	    sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || m < 0 ||
	    m > 59 || h > 24 || (h == 24 && m))
		return -1;
	*out = h * 60 + m;
	return 0;
}

int tariff_json_micro(const cJSON *v, long long *out)
{
	if (!v || cJSON_IsNull(v)) {
		*out = 0;
		return 0;
	}
	char buf[40];
	const char *s = NULL;
	if (cJSON_IsString(v))
		s = v->valuestring;
	else if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
	         v->valuedouble < 1e9) {
		/* A JSON number is a double: rounded to six places once,
		 * here, and exact from then on. */
		snprintf(buf, sizeof buf, "%.6f", v->valuedouble);
		s = buf;
	}
	return s && !tariff_parse_micro(s, out) && *out >= 0 &&
	               *out < 1000000000000LL
	           ? 0
	           : -1;
}

int tariff_bands_from_json(const cJSON *arr, struct tariff *t, char *err,
                           size_t errlen)
{
	t->nbands = 0;
	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr)) {
		snprintf(err, errlen, "bands: not an array");
		return -1;
	}
	int i = 0;
	const cJSON *b;
	cJSON_ArrayForEach(b, arr)
	{
		if (i == TARIFF_MAX_BANDS) {
			snprintf(err, errlen, "bands: at most %d",
			         TARIFF_MAX_BANDS);
			return -1;
		}
		struct tariff_band *o = &t->bands[i];
		const cJSON *days = cJSON_GetObjectItemCaseSensitive(b, "days");
		const cJSON *from = cJSON_GetObjectItemCaseSensitive(b, "from");
		const cJSON *to = cJSON_GetObjectItemCaseSensitive(b, "to");
		if (!cJSON_IsObject(b) || !cJSON_IsString(days) ||
		    parse_days(days->valuestring, &o->days)) {
			snprintf(err, errlen,
			         "bands[%d].days: \"all\", or day names "
			         "Mon..Sun and ranges (\"Mon-Fri,Sun\")",
			         i);
			return -1;
		}
		if (!cJSON_IsString(from) || !cJSON_IsString(to) ||
		    parse_hhmm(from->valuestring, &o->start_min) ||
		    parse_hhmm(to->valuestring, &o->end_min) ||
		    o->start_min == 1440 || o->start_min == o->end_min) {
			snprintf(err, errlen,
			         "bands[%d]: from and to are different "
			         "\"HH:MM\" (to may be \"24:00\")",
			         i);
			return -1;
		}
		if (tariff_json_micro(
		        cJSON_GetObjectItemCaseSensitive(b, "energy_price"),
		        &o->energy_micro) ||
		    tariff_json_micro(
		        cJSON_GetObjectItemCaseSensitive(b, "time_price"),
		        &o->time_micro)) {
			snprintf(err, errlen,
			         "bands[%d]: prices are decimals >= 0 with up "
			         "to six places",
			         i);
			return -1;
		}
		i++;
	}
	t->nbands = i;
	return 0;
}

int tariff_bands_from_text(const char *text, struct tariff *t, char *err,
                           size_t errlen)
{
	t->nbands = 0;
	if (!text || !*text)
		return 0;
	cJSON *j = cJSON_Parse(text);
	if (!j) {
		snprintf(err, errlen, "bands: not JSON");
		return -1;
	}
	int rc = tariff_bands_from_json(j, t, err, errlen);
	cJSON_Delete(j);
	return rc;
}

static void days_text(unsigned m, char out[40])
{
	if (m == 0x7f) {
		snprintf(out, 40, "all");
		return;
	}
	out[0] = 0;
	for (int d = 0; d < 7; d++) {
		if (!(m >> d & 1))
			continue;
		int e = d;
		while (e + 1 < 7 && (m >> (e + 1) & 1))
			e++;
		size_t n = strlen(out);
		if (e == d)
			snprintf(out + n, 40 - n, "%s%s", n ? "," : "",
			         day_names[d]);
		else
			snprintf(out + n, 40 - n, "%s%s-%s", n ? "," : "",
			         day_names[d], day_names[e]);
		d = e;
	}
}

char *tariff_bands_to_text(const struct tariff *t)
{
	cJSON *arr = cJSON_CreateArray();
	for (int i = 0; arr && i < t->nbands; i++) {
		const struct tariff_band *b = &t->bands[i];
		char days[40], from[24], to[24], ep[32], tp[32];
		days_text(b->days, days);
		snprintf(from, sizeof from, "%02d:%02d", b->start_min / 60,
		         b->start_min % 60);
		snprintf(to, sizeof to, "%02d:%02d", b->end_min / 60,
		         b->end_min % 60);
		tariff_format_fixed(b->energy_micro, 6, ep);
		tariff_format_fixed(b->time_micro, 6, tp);
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddStringToObject(o, "days", days) ||
		    !cJSON_AddStringToObject(o, "from", from) ||
		    !cJSON_AddStringToObject(o, "to", to) ||
		    !cJSON_AddStringToObject(o, "energy_price", ep) ||
		    !cJSON_AddStringToObject(o, "time_price", tp) ||
		    !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	char *s = arr ? cJSON_PrintUnformatted(arr) : NULL;
	cJSON_Delete(arr);
	return s;
}
