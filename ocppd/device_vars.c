/*
 * device_vars.c — see device_vars.h.
 *
 * Only the value and updated_at are written: mutability, data type and
 * unit come from a report (a row first made here has them NULL until
 * one).  A secret variable (BasicAuthPassword) is never stored: the
 * history holds it masked, and the mask is not the value.
 */
#include "device_vars.h"

#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonutil.h"
#include "ocpp_secret.h"

/* The attribute a Get/SetVariables item names, with value. */
static int upsert(struct db *db, const char *cp_id, const cJSON *item,
                  const char *value, int64_t now_ms)
{
	const cJSON *comp = cJSON_GetObjectItemCaseSensitive(item, "component");
	const cJSON *var = cJSON_GetObjectItemCaseSensitive(item, "variable");
	const cJSON *evse = cJSON_GetObjectItemCaseSensitive(comp, "evse");
	long long evse_id = evse ? json_int(evse, "id", -1) : -1;
	long long conn = evse ? json_int(evse, "connectorId", -1) : -1;
	const char *name = json_str(var, "name", "");
	if (evse_id < -1 || evse_id > INT32_MAX || conn < -1 ||
	    conn > INT32_MAX || !*name || ocpp_secret_key(name))
		return 0;
	return db_exec(db,
	               "INSERT INTO device_vars (cp_id, component, "
	               "component_instance, evse_id, connector_id, variable, "
	               "variable_instance, attr_type, value, updated_at) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	               "ON DUPLICATE KEY UPDATE value = VALUES(value), "
	               "updated_at = VALUES(updated_at)",
	               "sssiisssst", cp_id, json_str(comp, "name", ""),
	               json_str(comp, "instance", ""), (int)evse_id, (int)conn,
	               name, json_str(var, "instance", ""),
	               json_str(item, "attributeType", "Actual"), value,
	               now_ms) < 0
	           ? -1
	           : 0;
}

static int same_str(const cJSON *a, const cJSON *b, const char *key)
{
	return !strcmp(json_str(a, key, ""), json_str(b, key, ""));
}

static int same_evse(const cJSON *a, const cJSON *b)
{
	const cJSON *ea = cJSON_GetObjectItemCaseSensitive(a, "evse");
	const cJSON *eb = cJSON_GetObjectItemCaseSensitive(b, "evse");
	return json_int(ea, "id", -1) == json_int(eb, "id", -1) &&
	       json_int(ea, "connectorId", -1) ==
	           json_int(eb, "connectorId", -1);
}

/* Whether a SetVariables result answers that request item: the same
 * component, variable and attribute type (2.0.1 does not promise the
 * results in the request's order). */
static int same_attr(const cJSON *req, const cJSON *res)
{
	const cJSON *cq = cJSON_GetObjectItemCaseSensitive(req, "component");
	const cJSON *cr = cJSON_GetObjectItemCaseSensitive(res, "component");
	const cJSON *vq = cJSON_GetObjectItemCaseSensitive(req, "variable");
	const cJSON *vr = cJSON_GetObjectItemCaseSensitive(res, "variable");
	return same_str(cq, cr, "name") && same_str(cq, cr, "instance") &&
	       same_evse(cq, cr) && same_str(vq, vr, "name") &&
	       same_str(vq, vr, "instance") &&
	       !strcmp(json_str(req, "attributeType", "Actual"),
	               json_str(res, "attributeType", "Actual"));
}

static int from_get(struct db *db, const struct cmd_record *r,
                    const cJSON *resp)
{
	const cJSON *res;
	cJSON_ArrayForEach(
	    res, cJSON_GetObjectItemCaseSensitive(resp, "getVariableResult"))
	{
		const char *v = json_str(res, "attributeValue", NULL);
		if (strcmp(json_str(res, "attributeStatus", ""), "Accepted") ||
		    !v)
			continue;
		if (upsert(db, r->cp_id, res, v, r->finished_ms))
			return -1;
	}
	return 0;
}

static int from_set(struct db *db, const struct cmd_record *r,
                    const cJSON *params, const cJSON *resp)
{
	const cJSON *res, *req;
	cJSON_ArrayForEach(
	    res, cJSON_GetObjectItemCaseSensitive(resp, "setVariableResult"))
	{
		if (strcmp(json_str(res, "attributeStatus", ""), "Accepted"))
			continue;
		cJSON_ArrayForEach(req, cJSON_GetObjectItemCaseSensitive(
		                            params, "setVariableData"))
		{
			const char *v = json_str(req, "attributeValue", NULL);
			if (!v || !same_attr(req, res))
				continue;
			if (upsert(db, r->cp_id, req, v, r->finished_ms))
				return -1;
			break;
		}
	}
	return 0;
}

int device_vars_command(struct db *db, const struct cmd_record *r)
{
	int get = !strcmp(r->action, "GetVariables");
	if ((!get && strcmp(r->action, "SetVariables")) ||
	    !cmd_record_answered(r) || !r->response)
		return 0;
	cJSON *resp = cJSON_Parse(r->response);
	cJSON *params = r->params ? cJSON_Parse(r->params) : NULL;
	int rc = 0;
	if (resp)
		rc =
		    get ? from_get(db, r, resp) : from_set(db, r, params, resp);
	cJSON_Delete(resp);
	cJSON_Delete(params);
	return rc;
}
