/*
 * api-local-lists.c — see api-local-lists.h.
 */
#include "api-local-lists.h"

#include "api-json.h"

#define ROWS_MAX 1000

static const char sql_seq[] = "SELECT seq FROM local_list_seq WHERE id = 1";
static const char sql_rows[] =
    "SELECT cp_id, version_confirmed, version_sent, update_type, status, "
    "last_answer, updated_at FROM local_lists "
    "WHERE (? = '' OR status = ?) AND (? = '' OR cp_id = ?) "
    "ORDER BY cp_id LIMIT ?";

static const char *const statuses[] = {"sending",     "in_sync",   "failed",
                                       "unsupported", "no_answer", NULL};

void api_local_lists(struct api_req *r)
{
	const char *status = "", *cp = "";
	int st = param_choice_or_400(&r->params, "status", statuses);
	if (st == -2 || param_text_or_400(&r->params, "cp_id", 50, "", &cp))
		return;
	if (st >= 0)
		status = statuses[st];
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_seq, "")) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	long long seq = rc == 1 ? db_int(&rows, 0) : 0;
	db_rows_end(&rows);
	if (rc < 0 || db_query(r->db, &rows, sql_rows, "ssssi", status, status,
	                       cp, cp, ROWS_MAX)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	api_json_int(body, "tags_version", seq);
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	while ((rc = db_next(&rows)) == 1) {
		cJSON *o = cJSON_CreateObject();
		api_json_str(o, "cp_id", db_str(&rows, 0));
		api_json_int(o, "version_confirmed", db_int(&rows, 1));
		api_json_int_or_null(o, "version_sent", db_str(&rows, 2));
		api_json_str(o, "update_type", db_str(&rows, 3));
		api_json_str(o, "status", db_str(&rows, 4));
		api_json_str(o, "last_answer", db_str(&rows, 5));
		api_json_time(o, "updated_at", db_time_ms(&rows, 6));
		cJSON_AddBoolToObject(o, "behind", db_int(&rows, 1) < seq);
		cJSON_AddItemToArray(items, o);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", cJSON_GetArraySize(items));
	api_send_json(r, 200, body);
}
