/*
 * api-users.c — the id tags (users table) in id_tag order, read-only:
 * editing tags is ocppd's business, through its control socket.
 */
#include "api-users.h"

#include <stdlib.h>

#include "api-json.h"

static const char sql_users[] =
    "SELECT id_tag, name, status, expiry_date, parent_id_tag"
    " FROM users ORDER BY id_tag";

void api_users(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_users, "")) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc, n = 0;
	while ((rc = db_next(&rows)) == 1) {
		cJSON *u = cJSON_CreateObject();
		api_json_str(u, "id_tag", db_str(&rows, 0));
		api_json_str(u, "name", db_str(&rows, 1));
		api_json_str(u, "status", db_str(&rows, 2));
		api_json_time(u, "expiry_date", db_time_ms(&rows, 3));
		api_json_str(u, "parent_id_tag", db_str(&rows, 4));
		cJSON_AddItemToArray(items, u);
		n++;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", n);
	api_send_json(r, 200, body);
}
