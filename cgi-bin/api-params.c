/*
 * api-params.c — strict parsing of the API's query parameters.  A value
 * that is not exactly what the documentation says is a 400 naming the
 * parameter, never a silent default: "page=1.5" must not quietly become
 * page 1.
 */
#include "api-params.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api-json.h"
#include "timeutil.h"

int api_parse_int(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (!*p)
		return -1;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9')
			return -1;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno == ERANGE || v < min || v > max)
		return -2;
	*out = v;
	return 0;
}

static int is_date_only(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	for (size_t i = 0; i < sizeof shape - 1; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9')
		                    : s[i] != shape[i])
			return 0;
	}
	return s[sizeof shape - 1] == '\0';
}

int api_parse_time(const char *s, int end, int64_t *ms)
{
	char buf[64];
	if (strlen(s) >= sizeof buf - 12)
		return -1;
	if (is_date_only(s)) {
		snprintf(buf, sizeof buf, "%sT00:00:00Z", s);
		if (time_parse_iso8601(buf, ms))
			return -1;
		if (end)
			*ms += MS_PER_DAY;
		return 0;
	}
	strcpy(buf, s);
	/* Past the date (index 10 may be the date/time separator), a space
	 * can only be an unencoded '+' of the offset. */
	for (size_t i = 11; i < strlen(buf); i++)
		if (buf[i] == ' ')
			buf[i] = '+';
	if (time_parse_iso8601(buf, ms))
		return -1;
	if (end)
		*ms += 1;
	return 0;
}

/* The value of a parameter, NULL when absent or empty. */
static const char *value(struct api_req *r, const char *name)
{
	const char *v = cgi_param(r->cgi, name);
	return v && *v ? v : NULL;
}

int param_int_or_400(struct api_req *r, const char *name, long long def,
                     long long min, long long max, long long *out)
{
	const char *v = value(r, name);
	if (!v) {
		*out = def;
		return 0;
	}
	switch (api_parse_int(v, min, max, out)) {
	case 0:
		return 0;
	case -2:
		api_bad_param(r, name, "%s must be between %lld and %lld", name,
		              min, max);
		return -1;
	default:
		api_bad_param(r, name, "%s must be a whole number", name);
		return -1;
	}
}

int param_time_or_400(struct api_req *r, const char *name, int end, int64_t *ms,
                      int *present)
{
	const char *v = value(r, name);
	*present = v != NULL;
	if (!v)
		return 0;
	if (api_parse_time(v, end, ms)) {
		api_bad_param(r, name,
		              "%s must be a date (YYYY-MM-DD) or an ISO 8601 "
		              "date-time such as 2024-01-31T12:00:00Z",
		              name);
		return -1;
	}
	return 0;
}

int param_choice_or_400(struct api_req *r, const char *name,
                        const char *const *choices)
{
	const char *v = value(r, name);
	if (!v)
		return -1;
	for (int i = 0; choices[i]; i++)
		if (!strcmp(v, choices[i]))
			return i;
	char list[200] = "";
	for (int i = 0; choices[i]; i++) {
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "",
		         choices[i]);
	}
	api_bad_param(r, name, "%s must be one of: %s", name, list);
	return -2;
}

int param_str_or_400(struct api_req *r, const char *name, size_t maxlen,
                     const char **out)
{
	const char *v = value(r, name);
	*out = v;
	/* Columns count characters: skip UTF-8 continuation bytes. */
	size_t chars = 0;
	for (const char *p = v; p && *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (chars > maxlen) {
		api_bad_param(r, name, "%s is longer than %zu characters", name,
		              maxlen);
		return -1;
	}
	return 0;
}
