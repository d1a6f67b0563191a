/*
 * api-reservations.c — see api-reservations.h.
 *
 * The optional filters are fixed in the statement (`? = '' OR col = ?`):
 * one prepared statement, no SQL built from the request.
 */
#include "api-reservations.h"

#include <stdlib.h>

#include "api-json.h"

#define COLS                                                                   \
	"SELECT id, cp_id, reservation_id, connector_id, id_tag, "             \
	"parent_id_tag, expiry_date, status, answer, command_uid, "            \
	"transaction_id, requested_by, created_at, updated_at "                \
	"FROM reservations "
#define FILTER                                                                 \
	"WHERE (? = '' OR cp_id = ?) AND (? = '' OR status = ?) "              \
	"AND (? = '' OR id_tag = ?) "

static const char sql_count[] = "SELECT COUNT(*) FROM reservations " FILTER;
static const char sql_page[] =
    COLS FILTER "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
static const char sql_one[] = COLS "WHERE id = ?";

static const char *const reservation_statuses[] = {
    "requested", "active", "refused", "failed",  "replaced",
    "cancelled", "used",   "expired", "removed", NULL};

static cJSON *row_json(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, 0));
	api_json_str(o, "cp_id", db_str(rows, 1));
	api_json_int(o, "reservation_id", db_int(rows, 2));
	api_json_int(o, "connector_id", db_int(rows, 3));
	api_json_str(o, "id_tag", db_str(rows, 4));
	api_json_str(o, "parent_id_tag", db_str(rows, 5));
	api_json_time(o, "expiry_date", db_time_ms(rows, 6));
	api_json_str(o, "status", db_str(rows, 7));
	api_json_str(o, "answer", db_str(rows, 8));
	api_json_str(o, "command_uid", db_str(rows, 9));
	api_json_int_or_null(o, "transaction_id", db_str(rows, 10));
	api_json_str(o, "requested_by", db_str(rows, 11));
	api_json_time(o, "created_at", db_time_ms(rows, 12));
	api_json_time(o, "updated_at", db_time_ms(rows, 13));
	return o;
}

void api_reservations_list(struct api_req *r)
{
	long long page, per_page;
	const char *cp = "", *tag = "", *status = "";
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 20, 1, 500, &per_page) ||
	    param_text_or_400(&r->params, "cp_id", 50, "", &cp) ||
	    param_text_or_400(&r->params, "id_tag", 20, "", &tag))
		return;
	int st =
	    param_choice_or_400(&r->params, "status", reservation_statuses);
	if (st == -2)
		return;
	if (st >= 0)
		status = reservation_statuses[st];
	const char *const filters[] = {cp, status, tag};
	api_send_filtered_page(r, sql_count, sql_page, filters, 3, page,
	                       per_page, row_json);
}

void api_reservation_one(struct api_req *r)
{
	long long id;
	if (param_parse_int(r->arg, 1, 9223372036854775807LL, &id)) {
		api_error(r, 404, "not_found", "no reservation %.40s", r->arg);
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_one, "l", id)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *o = rc == 1 ? row_json(&rows) : NULL;
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(o);
		api_db_error(r);
		return;
	}
	if (!o) {
		api_error(r, 404, "not_found", "no reservation %lld", id);
		return;
	}
	api_send_json(r, 200, o);
}
