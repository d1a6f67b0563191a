/*
 * ocpp_schema.h — OCPP 1.6-J payload validation driven by the official JSON
 * schemas.
 *
 * ocpp_schemas_load() compiles every schema of the JSON array once into a
 * compact tree; ocpp_validate() then walks that tree next to a parsed
 * payload.  The schema text is the only table: adding or fixing a schema
 * needs no code change.  The result maps one-to-one onto the OCPP-J CALLERROR
 * codes, with a message naming the JSON path of the offending value.
 */
#ifndef CSMS_OCPP_SCHEMA_H
#define CSMS_OCPP_SCHEMA_H

#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * The official OCPP 1.6 schemas (lib/ocpp16-schemas.json) as NUL-terminated
 * text; the build generates the definition (build/gen/ocpp16_schemas.c).
 */
extern const char ocpp16_schemas_json[];
/* The official OCPP 2.0.1 schemas (lib/ocpp201-schemas.json, the same
 * layout; build/gen/ocpp201_schemas.c), compiled into a second set. */
extern const char ocpp201_schemas_json[];

typedef struct ocpp_schemas ocpp_schemas; /* opaque: every compiled schema */
typedef struct ocpp_schema ocpp_schema;   /* opaque: one compiled schema */

enum ocpp_verr {
	OCPP_VALID = 0,
	OCPP_ERR_TYPE,       /* wrong JSON type, non-integral integer */
	OCPP_ERR_OCCURRENCE, /* missing required property, minItems */
	OCPP_ERR_PROPERTY,   /* enum, maxLength, multipleOf, date-time, uri,
	                        integer out of int32 range */
	OCPP_ERR_FORMATION,  /* unknown property when additionalProperties is
	                        false, payload not an object, invalid UTF-8 */
};

/* Flags for ocpp_validate(). */
#define OCPP_V_LENIENT_UNKNOWN 1u /* ignore properties the schema lacks */

/* Longest action name ocpp_schema_find() looks up; longer is unknown. */
#define OCPP_ACTION_MAX 64

/*
 * Compile a JSON array of schemas, each with "$id": "urn:<Action>.req" or
 * "urn:<Action>.conf".  Returns 0 and a set owned by the caller (free with
 * ocpp_schemas_free), or -1 with a message in err (nothing to free).
 * Keywords the validator does not implement are a load error, so a schema
 * change can never silently weaken validation.
 */
int ocpp_schemas_load(ocpp_schemas **out, const char *json_text, char *err,
                      size_t errlen);
void ocpp_schemas_free(ocpp_schemas *schemas);

/* Number of compiled schemas (78 for the official OCPP 1.6 set). */
size_t ocpp_schemas_count(const ocpp_schemas *schemas);

/*
 * action like "BootNotification"; is_conf 0 for .req, 1 for .conf.  NULL if
 * unknown, if action is NULL or longer than OCPP_ACTION_MAX.  A binary
 * search over the sorted action names; the result lives as long as the set.
 */
const ocpp_schema *ocpp_schema_find(const ocpp_schemas *schemas,
                                    const char *action, int is_conf);

/* "BootNotification.req" — for log lines. */
const char *ocpp_schema_name(const ocpp_schema *schema);

/*
 * Validate a parsed payload.  Stops at the first violation and writes e.g.
 * "meterValue[0].sampledValue[1].value: required property missing" into msg
 * (always NUL-terminated, truncated to msglen; msg may be NULL).
 */
enum ocpp_verr ocpp_validate(const ocpp_schema *schema, const cJSON *payload,
                             unsigned flags, char *msg, size_t msglen);

/* The OCPP-J 1.6 error code, e.g. "OccurenceConstraintViolation" (sic);
 * "" for OCPP_VALID, "GenericError" for anything unknown. */
const char *ocpp_verr_code(enum ocpp_verr err);

/* 1 if a .req schema exists for action, else 0. */
int ocpp_action_known(const ocpp_schemas *schemas, const char *action);

#endif
