/*
 * tariff_json.c — see tariff_json.h.
 */
#include "tariff_json.h"

#include <stdlib.h>
#include <string.h>

#include "tariff.h"
#include "timeutil.h"

static void add_time(cJSON *o, const char *name, int64_t ms)
{
	char t[32];
	if (ms == DB_NULL_TIME) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	time_format_iso8601(ms, t);
	cJSON_AddStringToObject(o, name, t);
}

/* A money amount in minor units as a decimal string, or null. */
static void add_minor(cJSON *o, const char *name, const struct db_rows *r,
                      int col, int digits)
{
	char v[32];
	if (db_isnull(r, col)) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	tariff_format_fixed(db_int(r, col), digits, v);
	cJSON_AddStringToObject(o, name, v);
}

/* "0.300000" as stored; trailing zeros kept: prices have six places. */
static void add_dec(cJSON *o, const char *name, const char *v)
{
	cJSON_AddStringToObject(o, name, v ? v : "0");
}

cJSON *tariff_version_json(const struct db_rows *r, int col, int digits,
                           int64_t now_ms)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	int64_t from = db_time_ms(r, col + 1), to = db_time_ms(r, col + 2);
	char vat[32];
	cJSON_AddNumberToObject(o, "id", (double)db_int(r, col));
	add_time(o, "valid_from", from);
	add_time(o, "valid_to", to);
	cJSON_AddBoolToObject(o, "current",
	                      from <= now_ms &&
	                          (to == DB_NULL_TIME || to > now_ms));
	add_dec(o, "energy_price", db_str(r, col + 3));
	add_dec(o, "time_price", db_str(r, col + 4));
	add_dec(o, "idle_price", db_str(r, col + 5));
	cJSON_AddNumberToObject(o, "idle_grace_min",
	                        (double)db_int(r, col + 6));
	add_minor(o, "session_fee", r, col + 7, digits);
	add_minor(o, "min_price", r, col + 8, digits);
	add_minor(o, "max_price", r, col + 9, digits);
	tariff_format_fixed(db_int(r, col + 10), 2, vat);
	cJSON_AddStringToObject(o, "vat_rate", vat);
	cJSON_AddBoolToObject(o, "prices_include_vat", db_int(r, col + 11));
	const char *b = db_str(r, col + 12);
	cJSON *bands = b && *b ? cJSON_Parse(b) : NULL;
	cJSON_AddItemToObject(o, "bands", bands ? bands : cJSON_CreateArray());
	add_time(o, "created_at", db_time_ms(r, col + 13));
	return o;
}

static int add_versions(struct db *db, cJSON *t, long long id, int digits,
                        int64_t now_ms)
{
	cJSON *arr = cJSON_AddArrayToObject(t, "versions");
	struct db_rows r;
	if (!arr || db_query(db, &r,
	                     "SELECT " TARIFF_VERSION_COLS
	                     " FROM tariff_versions v WHERE v.tariff_id = ? "
	                     "ORDER BY v.valid_from DESC, v.id DESC",
	                     "l", id))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		cJSON *v = tariff_version_json(&r, 0, digits, now_ms);
		if (v)
			cJSON_AddItemToArray(arr, v);
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

static int add_assignments(struct db *db, cJSON *t, long long id)
{
	cJSON *arr = cJSON_AddArrayToObject(t, "assignments");
	struct db_rows r;
	if (!arr || db_query(db, &r,
	                     "SELECT id, site_id, cp_id, connector_id, "
	                     "id_tag_group, created_at FROM tariff_assignments "
	                     "WHERE tariff_id = ? ORDER BY id",
	                     "l", id))
		return -1;
	int rc;
	while ((rc = db_next(&r)) > 0) {
		cJSON *a = cJSON_CreateObject();
		if (!a)
			continue;
		cJSON_AddNumberToObject(a, "id", (double)db_int(&r, 0));
		if (db_isnull(&r, 1))
			cJSON_AddNullToObject(a, "site_id");
		else
			cJSON_AddNumberToObject(a, "site_id",
			                        (double)db_int(&r, 1));
		if (db_str(&r, 2))
			cJSON_AddStringToObject(a, "cp_id", db_str(&r, 2));
		else
			cJSON_AddNullToObject(a, "cp_id");
		if (db_isnull(&r, 3))
			cJSON_AddNullToObject(a, "connector_id");
		else
			cJSON_AddNumberToObject(a, "connector_id",
			                        (double)db_int(&r, 3));
		if (db_str(&r, 4))
			cJSON_AddStringToObject(a, "id_tag_group",
			                        db_str(&r, 4));
		else
			cJSON_AddNullToObject(a, "id_tag_group");
		add_time(a, "created_at", db_time_ms(&r, 5));
		cJSON_AddItemToArray(arr, a);
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

cJSON *tariff_json_load(struct db *db, long long id, int64_t now_ms, int *dberr)
{
	*dberr = 0;
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT id, name, currency, minor_digits, created_at "
	             "FROM tariffs WHERE id = ?",
	             "l", id)) {
		*dberr = 1;
		return NULL;
	}
	int rc = db_next(&r);
	cJSON *t = NULL;
	int digits = 2;
	if (rc > 0 && (t = cJSON_CreateObject())) {
		digits = (int)db_int(&r, 3);
		cJSON_AddNumberToObject(t, "id", (double)db_int(&r, 0));
		cJSON_AddStringToObject(t, "name", db_str(&r, 1));
		cJSON_AddStringToObject(t, "currency", db_str(&r, 2));
		cJSON_AddNumberToObject(t, "minor_digits", digits);
		add_time(t, "created_at", db_time_ms(&r, 4));
	}
	db_rows_end(&r);
	if (rc < 0) {
		*dberr = 1;
		return NULL;
	}
	if (!t)
		return NULL;
	if (add_versions(db, t, id, digits, now_ms) ||
	    add_assignments(db, t, id)) {
		cJSON_Delete(t);
		*dberr = 1;
		return NULL;
	}
	return t;
}
