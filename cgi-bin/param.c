/*
 * param.c — strict parsing of query parameters, shared by the API and the
 * dashboard (param.h).  The pure parsers come first, then the
 * param_*_or_400 family that reads a request and answers 400 through the
 * caller's callback.
 */
#include "param.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"
#include "utf8.h"

int param_parse_int(const char *s, long long min, long long max, long long *out)
{
	const char *p = s;
	if (!s)
		return -1;
	if (*p == '-')
		p++;
	if (!*p || (p[0] == '0' && p[1]) || (s[0] == '-' && p[0] == '0'))
		return -1; /* empty, leading zero, "-0" */
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

int param_parse_date(const char *s, int64_t *ms)
{
	char iso[32];
	/* The exact shape only; timeutil checks the calendar (and would
	 * accept more forms than a date). */
	if (!s || strlen(s) != 10)
		return -1;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return -1;
	snprintf(iso, sizeof iso, "%sT00:00:00Z", s);
	return time_parse_iso8601(iso, ms);
}

int param_parse_time(const char *s, int end, int64_t *ms)
{
	char buf[64];
	if (strlen(s) >= sizeof buf - 12)
		return -1;
	if (!param_parse_date(s, ms)) {
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

int param_text_ok(const char *s)
{
	for (size_t n; *s; s += n) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return 0;
		if (!(n = utf8_decode(s, SIZE_MAX, NULL)))
			return 0;
	}
	return 1;
}

size_t param_chars(const char *s)
{
	size_t chars = 0;
	/* Skip UTF-8 continuation bytes. */
	for (; *s; s++)
		chars += (*s & 0xc0) != 0x80;
	return chars;
}

int param_like(const char *in, enum param_like how, char *out, size_t n)
{
	size_t o = 0;
	if (how == PARAM_LIKE_CONTAINS) {
		if (n < 1)
			return -1;
		out[o++] = '%';
	}
	for (const char *p = in; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '!') {
			if (o + 1 >= n)
				return -1;
			out[o++] = '!';
		}
		if (o + 1 >= n)
			return -1;
		out[o++] = *p;
	}
	if (o + 2 > n)
		return -1;
	out[o++] = '%';
	out[o] = '\0';
	return 0;
}

/* The value of a parameter, NULL when absent or empty. */
static const char *value(const struct param_src *p, const char *name)
{
	const char *v = cgi_param(p->cgi, name);
	return v && *v ? v : NULL;
}

int param_int_or_400(const struct param_src *p, const char *name, long long def,
                     long long min, long long max, long long *out)
{
	char why[96];
	const char *v = value(p, name);
	if (!v) {
		*out = def;
		return 0;
	}
	switch (param_parse_int(v, min, max, out)) {
	case 0:
		return 0;
	case -2:
		snprintf(why, sizeof why, "must be between %lld and %lld", min,
		         max);
		break;
	default:
		snprintf(why, sizeof why, "must be a whole number");
	}
	p->bad(p->ctx, name, why);
	return -1;
}

int param_time_or_400(const struct param_src *p, const char *name, int end,
                      int64_t *ms, int *present)
{
	const char *v = value(p, name);
	*present = v != NULL;
	if (v && param_parse_time(v, end, ms)) {
		p->bad(p->ctx, name,
		       "must be a date (YYYY-MM-DD) or an ISO 8601 date-time "
		       "such as 2024-01-31T12:00:00Z");
		return -1;
	}
	return 0;
}

int param_date_or_400(const struct param_src *p, const char *name, int64_t *ms,
                      int *present)
{
	const char *v = value(p, name);
	*present = v != NULL;
	if (v && param_parse_date(v, ms)) {
		p->bad(p->ctx, name, "must be a date like 2025-01-31");
		return -1;
	}
	return 0;
}

int param_choice_or_400(const struct param_src *p, const char *name,
                        const char *const *choices)
{
	const char *v = value(p, name);
	if (!v)
		return -1;
	for (int i = 0; choices[i]; i++)
		if (!strcmp(v, choices[i]))
			return i;
	char why[200] = "must be one of: ";
	for (int i = 0; choices[i]; i++) {
		size_t n = strlen(why);
		snprintf(why + n, sizeof why - n, "%s%s", i ? ", " : "",
		         choices[i]);
	}
	p->bad(p->ctx, name, why);
	return -2;
}

int param_text_or_400(const struct param_src *p, const char *name,
                      size_t maxchars, const char *def, const char **out)
{
	char why[96];
	const char *v = value(p, name);
	*out = v ? v : def;
	if (!v)
		return 0;
	if (param_chars(v) > maxchars) {
		snprintf(why, sizeof why, "is longer than %zu characters",
		         maxchars);
		p->bad(p->ctx, name, why);
		return -1;
	}
	if (!param_text_ok(v)) {
		p->bad(p->ctx, name, "is not valid text");
		return -1;
	}
	return 0;
}
