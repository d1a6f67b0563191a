/*
 * api-charging-profiles.c — see api-charging-profiles.h.
 *
 * The optional filters are fixed in the statement (`? = '' OR col = ?`):
 * one prepared statement, no SQL built from the request.
 */
#include "api-charging-profiles.h"

#include <stdlib.h>

#include "api-json.h"

#define COLS                                                                   \
	"SELECT id, cp_id, connector_id, profile_id, stack_level, purpose, "   \
	"kind, recurrency, valid_from, valid_to, transaction_id, schedule, "   \
	"source, status, answer, command_uid, requested_by, created_at, "      \
	"updated_at FROM charging_profiles "
#define FILTER                                                                 \
	"WHERE (? = '' OR cp_id = ?) AND (? = '' OR status = ?) "              \
	"AND (? = '' OR purpose = ?) "

static const char sql_count[] =
    "SELECT COUNT(*) FROM charging_profiles " FILTER;
static const char sql_page[] =
    COLS FILTER "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
static const char sql_known[] =
    "SELECT 1 FROM charge_points WHERE id = ? UNION ALL "
    "SELECT 1 FROM charging_profiles WHERE cp_id = ? UNION ALL "
    "SELECT 1 FROM composite_schedules WHERE cp_id = ? LIMIT 1";
static const char sql_composite[] =
    "SELECT connector_id, duration, schedule_start, charging_rate_unit, "
    "schedule, command_uid, requested_by, received_at "
    "FROM composite_schedules WHERE cp_id = ? "
    "AND (? < 0 OR connector_id = ?) ORDER BY connector_id";

static const char *const profile_statuses[] = {
    "pending",  "accepted", "rejected", "failed",
    "replaced", "cleared",  "ended",    NULL};
static const char *const profile_purposes[] = {
    "ChargePointMaxProfile", "TxDefaultProfile", "TxProfile", NULL};

/* A JSON column as JSON (null when NULL or unreadable). */
static void add_json_column(cJSON *o, const char *key, const char *text)
{
	cJSON *v = text ? cJSON_Parse(text) : NULL;
	if (v)
		cJSON_AddItemToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *row_json(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, 0));
	api_json_str(o, "cp_id", db_str(rows, 1));
	api_json_int(o, "connector_id", db_int(rows, 2));
	api_json_int(o, "profile_id", db_int(rows, 3));
	api_json_int(o, "stack_level", db_int(rows, 4));
	api_json_str(o, "purpose", db_str(rows, 5));
	api_json_str(o, "kind", db_str(rows, 6));
	api_json_str(o, "recurrency", db_str(rows, 7));
	api_json_time(o, "valid_from", db_time_ms(rows, 8));
	api_json_time(o, "valid_to", db_time_ms(rows, 9));
	api_json_int_or_null(o, "transaction_id", db_str(rows, 10));
	add_json_column(o, "schedule", db_str(rows, 11));
	api_json_str(o, "source", db_str(rows, 12));
	api_json_str(o, "status", db_str(rows, 13));
	api_json_str(o, "answer", db_str(rows, 14));
	api_json_str(o, "command_uid", db_str(rows, 15));
	api_json_str(o, "requested_by", db_str(rows, 16));
	api_json_time(o, "created_at", db_time_ms(rows, 17));
	api_json_time(o, "updated_at", db_time_ms(rows, 18));
	return o;
}

/* 1 when cp_id is a charge point or has rows here, 0 not (answered 404),
 * -1 on a database error (answered). */
static int cp_known(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_known, "sss", r->arg, r->arg, r->arg)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	db_rows_end(&rows);
	if (rc < 0)
		api_db_error(r);
	else if (!rc)
		api_error(r, 404, "not_found", "no charge point with this id");
	return rc;
}

/* The list, for one charge point (cp: the path's) or all (cp NULL: the
 * cp_id filter). */
static void list(struct api_req *r, const char *cp)
{
	long long page, per_page;
	const char *status = "", *purpose = "";
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 20, 1, 500, &per_page))
		return;
	if (!cp && param_text_or_400(&r->params, "cp_id", 50, "", &cp))
		return;
	int st = param_choice_or_400(&r->params, "status", profile_statuses);
	if (st == -2)
		return;
	if (st >= 0)
		status = profile_statuses[st];
	int pu = param_choice_or_400(&r->params, "purpose", profile_purposes);
	if (pu == -2)
		return;
	if (pu >= 0)
		purpose = profile_purposes[pu];
	const char *const filters[] = {cp, status, purpose};
	api_send_filtered_page(r, sql_count, sql_page, filters, 3, page,
	                       per_page, row_json);
}

void api_charging_profiles_list(struct api_req *r)
{
	list(r, NULL);
}

void api_cp_charging_profiles(struct api_req *r)
{
	if (cp_known(r) <= 0)
		return;
	list(r, r->arg);
}

void api_cp_composite_schedule(struct api_req *r)
{
	long long conn;
	if (param_int_or_400(&r->params, "connector_id", -1, 0, 1000000,
	                     &conn) ||
	    cp_known(r) <= 0)
		return;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_composite, "sll", r->arg, conn, conn)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "cp_id", r->arg);
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		cJSON *o = cJSON_CreateObject();
		api_json_int(o, "connector_id", db_int(&rows, 0));
		api_json_int(o, "duration", db_int(&rows, 1));
		api_json_time(o, "schedule_start", db_time_ms(&rows, 2));
		api_json_str(o, "charging_rate_unit", db_str(&rows, 3));
		add_json_column(o, "schedule", db_str(&rows, 4));
		api_json_str(o, "command_uid", db_str(&rows, 5));
		api_json_str(o, "requested_by", db_str(&rows, 6));
		api_json_time(o, "received_at", db_time_ms(&rows, 7));
		cJSON_AddItemToArray(items, o);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_send_json(r, 200, body);
}
