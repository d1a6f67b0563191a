/*
 * jsonutil.h — small cJSON getters with distinct results for "missing" and
 * "wrong type", so callers never poke at cJSON trees by hand.
 *
 * OCPP numbers are JSON numbers: an "integer" must be integral and fit the
 * requested C type; json_get_int refuses 1.5 or 1e20 as the wrong type.
 */
#ifndef CSMS_JSONUTIL_H
#define CSMS_JSONUTIL_H

#include <stdint.h>

#include <cjson/cJSON.h>

enum json_get {
	JSON_OK = 0,
	JSON_MISSING,    /* no such member (only an error when required) */
	JSON_WRONG_TYPE, /* present, but not the asked type or out of range */
};

/* optional: a missing member returns JSON_OK and leaves *out alone. */
enum json_get json_get_string(const cJSON *obj, const char *name,
                              const char **out, int optional);
enum json_get json_get_int(const cJSON *obj, const char *name, long long *out,
                           int optional);
enum json_get json_get_array(const cJSON *obj, const char *name,
                             const cJSON **out, int optional);

/* Shorthands for already-validated payloads: the value, or def when the
 * member is missing or of another type. */
const char *json_str(const cJSON *obj, const char *name, const char *def);
long long json_int(const cJSON *obj, const char *name, long long def);

/* Adds name: value only when value is not NULL; 0 ok, -1 out of memory. */
int json_add_str(cJSON *obj, const char *name, const char *value);
int json_add_int(cJSON *obj, const char *name, long long value);

#endif
