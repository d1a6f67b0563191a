/*
 * jsonutil.c — see jsonutil.h.
 */
#include "jsonutil.h"

#include <math.h>
#include <stddef.h>

static const cJSON *member(const cJSON *obj, const char *name)
{
	if (!cJSON_IsObject(obj) || !name)
		return NULL;
	/* Case-sensitive: OCPP property names are. */
	return cJSON_GetObjectItemCaseSensitive(obj, name);
}

enum json_get json_get_string(const cJSON *obj, const char *name,
                              const char **out, int optional)
{
	const cJSON *v = member(obj, name);
	if (!v)
		return optional ? JSON_OK : JSON_MISSING;
	if (!cJSON_IsString(v) || !v->valuestring)
		return JSON_WRONG_TYPE;
	*out = v->valuestring;
	return JSON_OK;
}

enum json_get json_get_int(const cJSON *obj, const char *name, long long *out,
                           int optional)
{
	const cJSON *v = member(obj, name);
	if (!v)
		return optional ? JSON_OK : JSON_MISSING;
	if (!cJSON_IsNumber(v))
		return JSON_WRONG_TYPE;
	double d = v->valuedouble;
	/* 2^53: beyond it a double no longer holds every integer. */
	if (!isfinite(d) || d != floor(d) || d > 9007199254740992.0 ||
	    d < -9007199254740992.0)
		return JSON_WRONG_TYPE;
	*out = (long long)d;
	return JSON_OK;
}

enum json_get json_get_array(const cJSON *obj, const char *name,
                             const cJSON **out, int optional)
{
	const cJSON *v = member(obj, name);
	if (!v)
		return optional ? JSON_OK : JSON_MISSING;
	if (!cJSON_IsArray(v))
		return JSON_WRONG_TYPE;
	*out = v;
	return JSON_OK;
}

const char *json_str(const cJSON *obj, const char *name, const char *def)
{
	const char *s = def;
	if (json_get_string(obj, name, &s, 1) != JSON_OK)
		return def;
	return s;
}

long long json_int(const cJSON *obj, const char *name, long long def)
{
	long long v = def;
	if (json_get_int(obj, name, &v, 1) != JSON_OK)
		return def;
	return v;
}

int json_add_str(cJSON *obj, const char *name, const char *value)
{
	if (!value)
		return 0;
	return cJSON_AddStringToObject(obj, name, value) ? 0 : -1;
}

int json_add_int(cJSON *obj, const char *name, long long value)
{
	return cJSON_AddNumberToObject(obj, name, (double)value) ? 0 : -1;
}
