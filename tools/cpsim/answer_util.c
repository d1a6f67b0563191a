/*
 * answer_util.c — the field helpers every answer file shares: each sets
 * the CALLERROR a charge point answers for a missing or mistyped field, so
 * a handler just returns.
 */
#include "answer_int.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "timeutil.h"

void answer_set_status(struct answer *a, const char *status)
{
	snprintf(a->payload, sizeof a->payload, "{\"status\":\"%s\"}", status);
}

void answer_set_error(struct answer *a, const char *code, const char *desc)
{
	a->error = code;
	snprintf(a->error_desc, sizeof a->error_desc, "%s", desc);
}

/*
 * Field helpers that answer with the matching CALLERROR when the field is
 * missing or of the wrong type; callers just return on -1.
 */
int answer_int_field(const cJSON *p, const char *name, int required, int *out,
                     struct answer *a)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);

	if (!v) {
		if (required) {
			answer_set_error(a, "ProtocolError", name);
			return -1;
		}
		return 0;
	}
	if (!cJSON_IsNumber(v) ||
	    v->valuedouble != (double)(int)v->valuedouble) {
		answer_set_error(a, "TypeConstraintViolation", name);
		return -1;
	}
	*out = (int)v->valuedouble;
	return 1;
}

const char *answer_str_field(const cJSON *p, const char *name, int required,
                             size_t maxlen, struct answer *a)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);

	if (!v) {
		if (required)
			answer_set_error(a, "ProtocolError", name);
		return NULL;
	}
	if (!cJSON_IsString(v)) {
		answer_set_error(a, "TypeConstraintViolation", name);
		return NULL;
	}
	if (maxlen && strlen(v->valuestring) > maxlen) {
		answer_set_error(a, "PropertyConstraintViolation", name);
		return NULL;
	}
	return v->valuestring;
}

int answer_time_field(const cJSON *p, const char *name, int required,
                      int64_t *ms, struct answer *a)
{
	const char *v = answer_str_field(p, name, required, 40, a);

	if (!v)
		return a->error ? -1 : 0;
	if (time_parse_iso8601(v, ms)) {
		answer_set_error(a, "TypeConstraintViolation", name);
		return -1;
	}
	return 1;
}
