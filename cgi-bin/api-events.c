/*
 * api-events.c — see api-events.h.  Every filter is fixed in the
 * statement (`? = '' OR col = ?`), so one prepared statement serves all.
 */
#include "api-events.h"

#include "api-json.h"

#define FILTER                                                                 \
	"WHERE cp_id = ? AND (? = '' OR component = ?) "                       \
	"AND (? = '' OR cleared = ?) "

static const char sql_count[] = "SELECT COUNT(*) FROM cp_events " FILTER;
static const char sql_page[] =
    "SELECT id, event_id, ts, event_trigger, cause, component, "
    "component_instance, evse_id, connector_id, variable, variable_instance, "
    "actual_value, tech_code, tech_info, cleared, transaction_id, "
    "monitor_id, notification_type, received_at FROM cp_events " FILTER
    "ORDER BY id DESC LIMIT ? OFFSET ?";

static cJSON *event_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, 0));
	api_json_int(o, "event_id", db_int(rows, 1));
	api_json_time(o, "timestamp", db_time_ms(rows, 2));
	api_json_str(o, "trigger", db_str(rows, 3));
	api_json_int_or_null(o, "cause", db_str(rows, 4));
	api_json_str(o, "component", db_str(rows, 5));
	api_json_str(o, "component_instance", db_str(rows, 6));
	api_json_int_or_null(o, "evse_id", db_str(rows, 7));
	api_json_int_or_null(o, "connector_id", db_str(rows, 8));
	api_json_str(o, "variable", db_str(rows, 9));
	api_json_str(o, "variable_instance", db_str(rows, 10));
	api_json_str(o, "actual_value", db_str(rows, 11));
	api_json_str(o, "tech_code", db_str(rows, 12));
	api_json_str(o, "tech_info", db_str(rows, 13));
	cJSON_AddBoolToObject(o, "cleared", db_int(rows, 14));
	api_json_str(o, "transaction_id", db_str(rows, 15));
	api_json_int_or_null(o, "monitor_id", db_str(rows, 16));
	api_json_str(o, "notification_type", db_str(rows, 17));
	api_json_time(o, "received_at", db_time_ms(rows, 18));
	return o;
}

void api_cp_events(struct api_req *r)
{
	static const char *const flags[] = {"false", "true", NULL};
	long long page, per_page;
	const char *component = "";
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 50, 1, 500, &per_page) ||
	    param_text_or_400(&r->params, "component", 50, "", &component))
		return;
	int cl = param_choice_or_400(&r->params, "cleared", flags);
	if (cl == -2)
		return;
	if (api_cp_or_404(r))
		return;
	/* cp_id is not optional: bound once, the others twice. */
	const char *cleared = cl < 0 ? "" : cl ? "1" : "0";
	struct db_rows rows;
	long long total = 0;
	int rc;
	if (db_query(r->db, &rows, sql_count, "sssss", r->arg, component,
	             component, cleared, cleared)) {
		api_db_error(r);
		return;
	}
	if ((rc = db_next(&rows)) == 1)
		total = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (db_query(r->db, &rows, sql_page, "sssssll", r->arg, component,
	             component, cleared, cleared, per_page,
	             (page - 1) * per_page)) {
		api_db_error(r);
		return;
	}
	api_send_items(r, &rows, event_object, page, per_page, total);
}
