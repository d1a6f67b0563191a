/*
 * jpath.h — dotted paths into a JSON reply, for scenario `expect field`
 * and `save`: "status", "idTagInfo.status", "configurationKey.0.value".
 */
#ifndef CPSIM_JPATH_H
#define CPSIM_JPATH_H

#include <stddef.h>

struct cJSON;

/* The value at path, or NULL.  An empty path is the root itself. */
const struct cJSON *jpath_get(const struct cJSON *root, const char *path);

/*
 * The value as scenario text: strings without quotes, integers without a
 * fraction, true/false/null, objects and arrays as compact JSON.
 * Returns the length, or -1 if it does not fit.
 */
int jpath_text(const struct cJSON *v, char *out, size_t outlen);

/* 1 if the value's text equals want (numbers compare numerically). */
int jpath_equals(const struct cJSON *v, const char *want);

#endif
