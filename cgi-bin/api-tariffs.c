/*
 * api-tariffs.c — see api-tariffs.h.
 */
#include "api-tariffs.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "tariff.h"
#include "tariff_json.h"
#include "timeutil.h"

#define TARIFFS_MAX 500

static int path_id(struct api_req *r, const char *s, const char *name,
                   long long *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 1 || v > 2147483647) {
		api_bad_param(r, name, "%s is a positive integer", name);
		return -1;
	}
	*id = v;
	return 0;
}

static void tariffs_list(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT id FROM tariffs ORDER BY name "
	             "LIMIT "
	             "500",
	             "")) {
		api_db_error(r);
		return;
	}
	long long ids[TARIFFS_MAX];
	int n = 0, rc;
	while ((rc = db_next(&rows)) == 1 && n < TARIFFS_MAX)
		ids[n++] = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	for (int i = 0; i < n; i++) {
		int dberr;
		cJSON *t = tariff_json_load(r->db, ids[i], r->now_ms, &dberr);
		if (dberr) {
			cJSON_Delete(body);
			api_db_error(r);
			return;
		}
		if (t)
			cJSON_AddItemToArray(items, t);
	}
	api_json_int(body, "count", cJSON_GetArraySize(items));
	api_send_json(r, 200, body);
}

void api_tariffs_route(struct api_req *r)
{
	if (strcmp(r->cgi->method, "POST")) {
		tariffs_list(r);
		return;
	}
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	cJSON *row = api_control_call(r, "tariff_add", NULL, body, 0);
	cJSON_Delete(body);
	if (row)
		api_send_json(r, 201, row);
}

/* body + {"tariff_id": id} to op; the answer as 200 (or 201). */
static void send_op(struct api_req *r, const char *op, long long id,
                    cJSON *body, int status)
{
	cJSON_DeleteItemFromObjectCaseSensitive(body, "tariff_id");
	cJSON_AddNumberToObject(body, "tariff_id", (double)id);
	cJSON *res = api_control_call(r, op, NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, status, res);
}

void api_tariff_route(struct api_req *r)
{
	long long id;
	if (path_id(r, r->arg, "tariff_id", &id))
		return;
	const char *m = r->cgi->method;
	if (!strcmp(m, "GET") || !strcmp(m, "HEAD")) {
		int dberr;
		cJSON *t = tariff_json_load(r->db, id, r->now_ms, &dberr);
		if (dberr)
			api_db_error(r);
		else if (!t)
			api_error(r, 404, "not_found", "no tariff %lld", id);
		else
			api_send_json(r, 200, t);
		return;
	}
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	if (!strcmp(m, "DELETE") && cJSON_GetArraySize(body)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body", "DELETE takes no body");
		return;
	}
	send_op(r, strcmp(m, "DELETE") ? "tariff_version_add" : "tariff_delete",
	        id, body, 200);
}

void api_tariff_assignments(struct api_req *r)
{
	long long id;
	if (path_id(r, r->arg, "tariff_id", &id))
		return;
	cJSON *body = api_change_begin(r);
	if (body)
		send_op(r, "tariff_assign", id, body, 201);
}

void api_tariff_assignment(struct api_req *r)
{
	long long id, aid;
	if (path_id(r, r->arg, "tariff_id", &id) ||
	    path_id(r, r->arg2, "assignment_id", &aid))
		return;
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	if (cJSON_GetArraySize(body)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body", "DELETE takes no body");
		return;
	}
	cJSON_AddNumberToObject(body, "assignment_id", (double)aid);
	send_op(r, "tariff_unassign", id, body, 200);
}

/*
 * Totals of the stored costs by site, id tag or month (UTC) of the
 * session's start, each per currency (amounts in different currencies
 * are never added), from tx_costs: what an invoice run reads.
 */
void api_costs(struct api_req *r)
{
	static const char *const bys[] = {"site", "id_tag", "month", NULL};
	int64_t from, to;
	int has_from, has_to;
	int by = param_choice_or_400(&r->params, "by", bys);
	if (by == -2 ||
	    param_time_or_400(&r->params, "from", 0, &from, &has_from) ||
	    param_time_or_400(&r->params, "to", 1, &to, &has_to))
		return;
	if (by < 0)
		by = 2;
		/* Three fixed statements: lib/db.c caches prepared statements
		 * by their text's address, so the SQL is never built at run
		 * time. */
#define COSTS_SQL(key)                                                         \
	"SELECT " key " AS k, c.currency, c.minor_digits, COUNT(*), "          \
	"SUM(c.energy_wh), SUM(c.net_minor), SUM(c.vat_minor), "               \
	"SUM(c.gross_minor) FROM tx_costs c JOIN transactions t ON "           \
	"t.id = c.tx_id LEFT JOIN charge_points cp ON cp.id = t.cp_id "        \
	"WHERE (? IS NULL OR t.start_ts >= ?) AND (? IS NULL OR "              \
	"t.start_ts < ?) GROUP BY k, c.currency, c.minor_digits "              \
	"ORDER BY k, c.currency LIMIT 10000"
	static const char *const sqls[] = {
	    COSTS_SQL("IFNULL(CAST(cp.site_id AS CHAR), '')"),
	    COSTS_SQL("t.id_tag"),
	    COSTS_SQL("DATE_FORMAT(t.start_ts, '%Y-%m')")};
	const char *sql = sqls[by];
	struct db_rows rows;
	int64_t f = has_from ? from : DB_NULL_TIME;
	int64_t t = has_to ? to : DB_NULL_TIME;
	if (db_query(r->db, &rows, sql, "tttt", f, f, t, t)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "by", bys[by]);
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		cJSON *o = cJSON_CreateObject();
		const char *k = db_str(&rows, 0);
		if (by == 0 && (!k || !*k))
			cJSON_AddNullToObject(o, "site_id");
		else if (by == 0)
			api_json_int(o, "site_id", atoll(k));
		else
			api_json_str(o, bys[by], k);
		api_json_str(o, "currency", db_str(&rows, 1));
		int digits = (int)db_int(&rows, 2);
		api_json_int(o, "sessions", db_int(&rows, 3));
		api_json_num(o, "energy_kwh", db_dbl(&rows, 4) / 1000);
		const char *names[] = {"net", "vat", "gross"};
		for (int i = 0; i < 3; i++) {
			char v[32];
			tariff_format_fixed(db_int(&rows, 5 + i), digits, v);
			api_json_str(o, names[i], v);
		}
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
