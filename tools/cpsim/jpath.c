/*
 * jpath.c — dotted-path lookup and comparison on cJSON trees.
 */
#include "jpath.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const cJSON *jpath_get(const cJSON *root, const char *path)
{
	const cJSON *cur = root;
	char seg[128];

	while (cur && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		char *end;
		long idx;

		if (n == 0 || n >= sizeof seg)
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		if (cJSON_IsArray(cur)) {
			idx = strtol(seg, &end, 10);
			if (*end || idx < 0)
				return NULL;
			cur = cJSON_GetArrayItem(cur, (int)idx);
		} else if (cJSON_IsObject(cur)) {
			cur = cJSON_GetObjectItemCaseSensitive(cur, seg);
		} else {
			return NULL;
		}
		path += n + (dot ? 1 : 0);
	}
	return cur;
}

int jpath_text(const cJSON *v, char *out, size_t outlen)
{
	int r;

	if (cJSON_IsString(v))
		r = snprintf(out, outlen, "%s", v->valuestring);
	else if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;

		if (d == floor(d) && fabs(d) < 1e15)
			r = snprintf(out, outlen, "%.0f", d);
		else
			r = snprintf(out, outlen, "%.17g", d);
	} else if (cJSON_IsTrue(v))
		r = snprintf(out, outlen, "true");
	else if (cJSON_IsFalse(v))
		r = snprintf(out, outlen, "false");
	else if (cJSON_IsNull(v))
		r = snprintf(out, outlen, "null");
	else {
		if (!cJSON_PrintPreallocated((cJSON *)v, out, (int)outlen, 0))
			return -1;
		r = (int)strlen(out);
	}
	return r < 0 || (size_t)r >= outlen ? -1 : r;
}

int jpath_equals(const cJSON *v, const char *want)
{
	char buf[1024];

	if (!v)
		return 0;
	if (cJSON_IsNumber(v)) {
		char *end;
		double d = strtod(want, &end);

		return *want && !*end && d == v->valuedouble;
	}
	if (jpath_text(v, buf, sizeof buf) < 0)
		return 0;
	return !strcmp(buf, want);
}
