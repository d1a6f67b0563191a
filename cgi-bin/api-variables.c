/*
 * api-variables.c — see api-variables.h.
 */
#include "api-variables.h"

#include <string.h>
#include <strings.h>

#include "api-json.h"
#include "ocpp_secret.h"

static const char sql_vars[] =
    "SELECT component, component_instance, evse_id, connector_id, variable,"
    " variable_instance, attr_type, value, mutability, data_type, unit,"
    " updated_at FROM device_vars WHERE cp_id = ?"
    " ORDER BY component, component_instance, evse_id, connector_id,"
    " variable, variable_instance, attr_type";

/* '' and -1 are the table's "not given" (its key has no NULLs). */
static void add_opt_str(cJSON *o, const char *key, const char *s)
{
	api_json_str(o, key, s && *s ? s : NULL);
}

static void add_opt_int(cJSON *o, const char *key, long long v)
{
	if (v < 0)
		cJSON_AddNullToObject(o, key);
	else
		api_json_int(o, key, v);
}

static cJSON *var_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_str(o, "component", db_str(rows, 0));
	add_opt_str(o, "component_instance", db_str(rows, 1));
	add_opt_int(o, "evse_id", db_int(rows, 2));
	add_opt_int(o, "connector_id", db_int(rows, 3));
	const char *var = db_str(rows, 4);
	api_json_str(o, "variable", var);
	add_opt_str(o, "variable_instance", db_str(rows, 5));
	api_json_str(o, "attribute_type", db_str(rows, 6));
	/* A station should not report its password (WriteOnly), but one
	 * that does has it shown to no one. */
	const char *value = db_str(rows, 7);
	api_json_str(o, "value",
	             value && ocpp_secret_key(var) ? OCPP_SECRET_MASK : value);
	api_json_str(o, "mutability", db_str(rows, 8));
	api_json_str(o, "data_type", db_str(rows, 9));
	api_json_str(o, "unit", db_str(rows, 10));
	api_json_time(o, "updated_at", db_time_ms(rows, 11));
	return o;
}

void api_cp_variables(struct api_req *r)
{
	if (api_cp_or_404(r))
		return;
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, sql_vars, "s", r->arg)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "cp_id", r->arg);
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	while ((rc = db_next(&rows)) == 1)
		cJSON_AddItemToArray(items, var_object(&rows));
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", cJSON_GetArraySize(items));
	api_send_json(r, 200, body);
}
