/*
 * subst.c — ${name} expansion for scenario lines.
 */
#include "subst.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

int vars_set(struct vars *vs, const char *name, const char *value)
{
	int i;

	if (strlen(name) >= sizeof vs->v[0].name ||
	    strlen(value) >= sizeof vs->v[0].value)
		return -1;
	for (i = 0; i < vs->n; i++)
		if (!strcmp(vs->v[i].name, name))
			break;
	if (i == vs->n) {
		if (vs->n >= VARS_MAX)
			return -1;
		vs->n++;
	}
	snprintf(vs->v[i].name, sizeof vs->v[i].name, "%s", name);
	snprintf(vs->v[i].value, sizeof vs->v[i].value, "%s", value);
	return 0;
}

const char *vars_get(const struct vars *vs, const char *name)
{
	int i;

	for (i = 0; i < vs->n; i++)
		if (!strcmp(vs->v[i].name, name))
			return vs->v[i].value;
	return NULL;
}

/* ${now}, ${now+60}, ${now-3600}; NULL if the name is not one of them. */
static const char *builtin_now(const char *name, int64_t now_ms, char buf[32])
{
	char *end;
	long off;

	if (strncmp(name, "now", 3))
		return NULL;
	if (!name[3]) {
		clock_iso8601(now_ms, buf);
		return buf;
	}
	if (name[3] != '+' && name[3] != '-')
		return NULL;
	off = strtol(name + 3, &end, 10);
	if (*end || end == name + 4)
		return NULL;
	clock_iso8601(now_ms + (int64_t)off * 1000, buf);
	return buf;
}

int subst(const char *in, const struct vars *vs, int64_t now_ms, char *out,
          size_t outlen, char *err, size_t errlen)
{
	size_t o = 0;

	while (*in) {
		const char *val, *close;
		char name[64], tbuf[32];
		size_t n;

		if (in[0] != '$' || in[1] != '{') {
			if (o + 1 >= outlen)
				goto full;
			out[o++] = *in++;
			continue;
		}
		close = strchr(in + 2, '}');
		if (!close) {
			snprintf(err, errlen, "unterminated ${");
			return -1;
		}
		n = (size_t)(close - in - 2);
		if (n == 0 || n >= sizeof name) {
			snprintf(err, errlen, "bad variable name");
			return -1;
		}
		memcpy(name, in + 2, n);
		name[n] = '\0';
		val = builtin_now(name, now_ms, tbuf);
		if (!val)
			val = vars_get(vs, name);
		if (!val) {
			snprintf(err, errlen, "undefined variable ${%s}", name);
			return -1;
		}
		n = strlen(val);
		if (o + n >= outlen)
			goto full;
		memcpy(out + o, val, n);
		o += n;
		in = close + 1;
	}
	out[o] = '\0';
	return (int)o;
full:
	snprintf(err, errlen, "line too long after expansion");
	return -1;
}
