/*
 * ocpp_secret.h — configuration values that never leave ocppd in clear.
 *
 * A charge point's AuthorizationKey (its HTTP Basic password, security
 * profiles 1 and 2) travels in ChangeConfiguration.req and may come back
 * in GetConfiguration.conf.  Wherever a payload is kept or shown — the
 * command history, the dashboard, debug logs of frames — an object whose
 * "key" names a secret has its "value" replaced by OCPP_SECRET_MASK.
 */
#ifndef CSMS_OCPP_SECRET_H
#define CSMS_OCPP_SECRET_H

#include <cjson/cJSON.h>
#include <stddef.h>

#define OCPP_SECRET_MASK "********"

/* 1 when a configuration key's value is a secret (case-insensitive). */
int ocpp_secret_key(const char *key);

/* A quick no for a NUL-terminated text: 0 when it cannot hold a secret
 * (names no secret key nor a structure that carries one), 1 when it may
 * (then ocpp_secret_mask_text decides). */
int ocpp_secret_may_mention(const char *text);

/* Masks every secret value anywhere in the tree; returns how many. */
int ocpp_secret_mask(cJSON *node);

/* cJSON_PrintUnformatted of j with its secrets masked (j is unchanged);
 * NULL when out of memory.  The caller frees. */
char *ocpp_secret_print(const cJSON *j);

/* A frame's text fit for a log.  0: it names no secret key, log it as it
 * is.  1: *out is a malloc'd copy with the values masked (or a placeholder
 * when the text is not JSON that can be masked), *outlen its length; *out
 * is NULL when out of memory, and then nothing of the text may be logged. */
int ocpp_secret_mask_text(const char *text, size_t len, char **out,
                          size_t *outlen);

#endif
