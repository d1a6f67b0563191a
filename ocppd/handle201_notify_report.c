/*
 * handle201_notify_report.c — 2.0.1 NotifyReport: the device model a
 * charging station reports (after a GetBaseReport, or unasked), kept in
 * device_vars: one row per component, variable and attribute type, the
 * newest report's value winning.  A report in several parts (tbc) is
 * stored part by part as it comes.  Nothing reads it back yet: it is
 * there for the operator (SQL) and the pages to come (docs/ocpp201.md).
 */
#include <stdint.h>

#include "handlers201.h"
#include "jsonutil.h"

static int store_item(struct hctx *c, const cJSON *item)
{
	const cJSON *comp = cJSON_GetObjectItemCaseSensitive(item, "component");
	const cJSON *var = cJSON_GetObjectItemCaseSensitive(item, "variable");
	const cJSON *evse = cJSON_GetObjectItemCaseSensitive(comp, "evse");
	const cJSON *chr =
	    cJSON_GetObjectItemCaseSensitive(item, "variableCharacteristics");
	const cJSON *attrs =
	    cJSON_GetObjectItemCaseSensitive(item, "variableAttribute");
	long long evse_id = evse ? json_int(evse, "id", -1) : -1;
	long long conn = evse ? json_int(evse, "connectorId", -1) : -1;
	if (evse_id < -1 || evse_id > INT32_MAX || conn < -1 ||
	    conn > INT32_MAX)
		return 0; /* not storable: the rest of the report is */
	const cJSON *a;
	int n = 0;
	cJSON_ArrayForEach(a, attrs)
	{
		if (db_exec(c->db,
		            "INSERT INTO device_vars (cp_id, component, "
		            "component_instance, evse_id, connector_id, "
		            "variable, variable_instance, attr_type, value, "
		            "mutability, data_type, unit, updated_at) "
		            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
		            "ON DUPLICATE KEY UPDATE value = VALUES(value), "
		            "mutability = VALUES(mutability), "
		            "data_type = VALUES(data_type), "
		            "unit = VALUES(unit), "
		            "updated_at = VALUES(updated_at)",
		            "sssiissssssst", c->cp_id,
		            json_str(comp, "name", ""),
		            json_str(comp, "instance", ""), (int)evse_id,
		            (int)conn, json_str(var, "name", ""),
		            json_str(var, "instance", ""),
		            json_str(a, "type", "Actual"),
		            json_str(a, "value", NULL),
		            json_str(a, "mutability", NULL),
		            json_str(chr, "dataType", NULL),
		            json_str(chr, "unit", NULL), c->now_ms) < 0)
			return -1;
		n++;
	}
	return n;
}

enum hres handle201_notify_report(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(req, "reportData");
	const cJSON *item;
	int stored = 0;
	cJSON_ArrayForEach(item, data)
	{
		int n = store_item(c, item);
		if (n < 0)
			return hctx_db_error(c);
		stored += n;
	}
	hctx_audit(c, "requestId=%lld seqNo=%lld tbc=%s attributes=%d",
	           json_int(req, "requestId", 0), json_int(req, "seqNo", 0),
	           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "tbc"))
	               ? "true"
	               : "false",
	           stored);
	return H_OK;
}
