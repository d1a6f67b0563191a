/*
 * api-sites.c — see api-sites.h.  Reads come from the read-only database;
 * writes are control requests, checked by ocppd.
 */
#include "api-sites.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "sitequery.h"
#include "timeutil.h"

static const char sql_page[] = SITEQ_PAGE;
static const char sql_one[] = SITEQ_ONE;

static void num_or_null(cJSON *o, const char *k, const struct db_rows *r,
                        int col)
{
	if (db_isnull(r, col))
		cJSON_AddNullToObject(o, k);
	else
		api_json_num(o, k, db_dbl(r, col));
}

static cJSON *site_object(const struct db_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(r, 0));
	api_json_str(o, "name", db_str(r, 1));
	api_json_str(o, "address", db_str(r, 2));
	num_or_null(o, "latitude", r, 3);
	num_or_null(o, "longitude", r, 4);
	api_json_str(o, "time_zone", db_str(r, 5));
	num_or_null(o, "grid_limit_a", r, 6);
	long long ph = db_int(r, 7), v = db_int(r, 8);
	if (db_isnull(r, 6))
		cJSON_AddNullToObject(o, "grid_limit_kw");
	else
		api_json_num(o, "grid_limit_kw",
		             (double)(long long)(db_dbl(r, 6) *
		                                 (double)(ph * v) / 100.0) /
		                 10.0);
	api_json_int(o, "grid_phases", ph);
	api_json_int(o, "grid_voltage", v);
	api_json_str(o, "grid_limit_unit", db_str(r, 9));
	api_json_str(o, "notes", db_str(r, 10));
	cJSON_AddBoolToObject(o, "load_management", db_int(r, SITEQ_LM));
	api_json_time(o, "created_at", db_time_ms(r, 11));
	api_json_time(o, "updated_at", db_time_ms(r, 12));
	cJSON *t = cJSON_AddObjectToObject(o, "totals");
	api_json_int(t, "charge_points", db_int(r, 13));
	api_json_int(t, "online", db_int(r, 14));
	api_json_int(t, "charging", db_int(r, 15));
	api_json_num(t, "energy_today_kwh",
	             (double)(long long)(db_dbl(r, 16) / 10.0 + 0.5) / 100.0);
	return o;
}

static void sites_list(struct api_req *r)
{
	long long after, limit;
	if (param_int_or_400(&r->params, "after", 0, 0, 2147483647, &after) ||
	    param_int_or_400(&r->params, "limit", API_SITES_LIMIT, 1,
	                     API_SITES_LIMIT_MAX, &limit))
		return;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_page, "ttll", time_day_start(r->now_ms),
	             time_day_start(r->now_ms), after, limit + 1)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc, n = 0, more = 0;
	long long last = 0;
	while ((rc = db_next(&rows)) == 1) {
		if (n == limit) {
			more = 1;
			continue;
		}
		last = db_int(&rows, 0);
		cJSON_AddItemToArray(items, site_object(&rows));
		n++;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", n);
	if (more)
		api_json_int(body, "next", last);
	else
		cJSON_AddNullToObject(body, "next");
	api_send_json(r, 200, body);
}

void api_sites_route(struct api_req *r)
{
	if (strcmp(r->cgi->method, "POST")) {
		sites_list(r);
		return;
	}
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *row = api_control_call(r, "site_add", NULL, body, 0);
	cJSON_Delete(body);
	if (row)
		api_send_json(r, 201, row);
}

/* The {id} of the path (what names it): a positive integer, or a 400. */
static int path_id(struct api_req *r, const char *what, long long *id)
{
	char *end;
	long long v = strtoll(r->arg, &end, 10);
	if (!*r->arg || *end || v < 1 || v > 2147483647) {
		api_bad_param(r, "id", "a %s id is a positive integer", what);
		return -1;
	}
	*id = v;
	return 0;
}

static void site_one(struct api_req *r, long long id)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_one, "ttl", time_day_start(r->now_ms),
	             time_day_start(r->now_ms), id)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *site = rc == 1 ? site_object(&rows) : NULL;
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(site);
		api_db_error(r);
		return;
	}
	if (!site) {
		api_error(r, 404, "not_found", "no site %lld", id);
		return;
	}
	api_send_json(r, 200, site);
}

/* PUT or DELETE on /{what}s/{id}: the body (with the path's id) to op. */
static void change_by_id(struct api_req *r, const char *update_op,
                         const char *delete_op, long long id)
{
	int del = !strcmp(r->cgi->method, "DELETE");
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	const cJSON *given = cJSON_GetObjectItemCaseSensitive(body, "id");
	if (given && !(cJSON_IsNumber(given) && given->valuedouble == id)) {
		cJSON_Delete(body);
		api_bad_param(r, "id", "id in the body differs from the path");
		return;
	}
	if (del && cJSON_GetArraySize(body) > (given ? 1 : 0)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body", "DELETE takes no body");
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(body, "id");
	cJSON_AddNumberToObject(body, "id", (double)id);
	cJSON *res =
	    api_control_call(r, del ? delete_op : update_op, NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}

void api_site_route(struct api_req *r)
{
	long long id;
	if (path_id(r, "site", &id))
		return;
	if (!strcmp(r->cgi->method, "GET") || !strcmp(r->cgi->method, "HEAD"))
		site_one(r, id);
	else
		change_by_id(r, "site_update", "site_delete", id);
}

static const char sql_groups[] =
    "SELECT g.id, g.name, g.description, g.created_at, "
    "(SELECT COUNT(*) FROM cp_group_members m WHERE m.group_id = g.id) "
    "FROM cp_groups g WHERE (? = '' OR g.id IN (SELECT group_id FROM "
    "cp_group_members WHERE cp_id = ?)) ORDER BY g.name LIMIT 1000";

static cJSON *group_object(const struct db_rows *rows)
{
	cJSON *g = cJSON_CreateObject();
	api_json_int(g, "id", db_int(rows, 0));
	api_json_str(g, "name", db_str(rows, 1));
	api_json_str(g, "description", db_str(rows, 2));
	api_json_time(g, "created_at", db_time_ms(rows, 3));
	api_json_int(g, "charge_points", db_int(rows, 4));
	return g;
}

static void groups_list(struct api_req *r)
{
	const char *cp;
	if (param_text_or_400(&r->params, "cp_id", 50, "", &cp))
		return;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_groups, "ss", cp, cp)) {
		api_db_error(r);
		return;
	}
	api_send_items(r, &rows, group_object, 0, 0, 0);
}

void api_groups_route(struct api_req *r)
{
	if (strcmp(r->cgi->method, "POST")) {
		groups_list(r);
		return;
	}
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *row = api_control_call(r, "group_add", NULL, body, 0);
	cJSON_Delete(body);
	if (row)
		api_send_json(r, 201, row);
}

void api_group_route(struct api_req *r)
{
	long long id;
	if (!path_id(r, "group", &id))
		change_by_id(r, "group_update", "group_delete", id);
}

void api_group_member(struct api_req *r)
{
	long long id;
	if (path_id(r, "group", &id))
		return;
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	if (cJSON_GetArraySize(body)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body",
		          "the charge point and group are in the path; the "
		          "body is empty");
		return;
	}
	cJSON_AddNumberToObject(body, "id", (double)id);
	cJSON *res = api_control_call(r,
	                              strcmp(r->cgi->method, "DELETE")
	                                  ? "group_add_cp"
	                                  : "group_remove_cp",
	                              r->arg2, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}

void api_cp_site(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *res = api_control_call(r, "cp_set_site", r->arg, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}
