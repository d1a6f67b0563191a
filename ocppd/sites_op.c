/*
 * sites_op.c — see sites_op.h.
 */
#include "sites_op.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cp_auth.h"
#include "dbq.h"
#include "jsonutil.h"
#include "load_mgmt.h"
#include "log.h"
#include "sites_parse.h"
#include "takeover.h"
#include "timeutil.h"
#include "ws.h"

#define CLOSE_POLICY_VIOLATION 1008

struct site_job {
	struct job job;
	struct site_op s;
	uint64_t client;
	int64_t now_ms;
	/* the outcome: an error code and message, or the answer */
	const char *code;
	char msg[200];
	cJSON *row;
	cJSON *load; /* cp_set_load: the settings now */
	/* cp_retire, cp_unretire: the credentials, for the handshake's map */
	int sec_profile;
	char sec_hash[CP_HASH_MAX + 1];
};

static const char sql_site_row[] =
    "SELECT id, name, address, latitude, longitude, time_zone, "
    "grid_limit_a, grid_phases, grid_voltage, grid_limit_unit, notes, "
    "created_at, updated_at, load_management FROM sites WHERE id = ?";

static int add_num_or_null(cJSON *o, const char *name, const struct db_rows *r,
                           int col)
{
	return db_isnull(r, col)
	           ? !cJSON_AddNullToObject(o, name)
	           : !cJSON_AddNumberToObject(o, name, db_dbl(r, col));
}

static int add_str_or_null(cJSON *o, const char *name, const char *v)
{
	return v ? !cJSON_AddStringToObject(o, name, v)
	         : !cJSON_AddNullToObject(o, name);
}

static cJSON *site_json(const struct db_rows *r)
{
	cJSON *o = cJSON_CreateObject();
	char c[32], u[32];
	time_format_iso8601(db_time_ms(r, 11), c);
	time_format_iso8601(db_time_ms(r, 12), u);
	double a = db_dbl(r, 6);
	long long ph = db_int(r, 7), v = db_int(r, 8);
	if (!o || json_add_int(o, "id", db_int(r, 0)) ||
	    json_add_str(o, "name", db_str(r, 1)) ||
	    add_str_or_null(o, "address", db_str(r, 2)) ||
	    add_num_or_null(o, "latitude", r, 3) ||
	    add_num_or_null(o, "longitude", r, 4) ||
	    json_add_str(o, "time_zone", db_str(r, 5)) ||
	    add_num_or_null(o, "grid_limit_a", r, 6) ||
	    (db_isnull(r, 6)
	         ? !cJSON_AddNullToObject(o, "grid_limit_kw")
	         : !cJSON_AddNumberToObject(
	               o, "grid_limit_kw",
	               (double)(long long)(a * (double)(ph * v) / 100.0) /
	                   10.0)) ||
	    json_add_int(o, "grid_phases", ph) ||
	    json_add_int(o, "grid_voltage", v) ||
	    json_add_str(o, "grid_limit_unit", db_str(r, 9)) ||
	    add_str_or_null(o, "notes", db_str(r, 10)) ||
	    !cJSON_AddBoolToObject(o, "load_management", db_int(r, 13)) ||
	    json_add_str(o, "created_at", c) ||
	    json_add_str(o, "updated_at", u)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* One row of sql into *n (0 when none); -1 on a database error. */
static int count_of(struct db *db, long long *n, const char *sql,
                    const char *fmt, const char *s, long long l)
{
	struct db_rows r;
	int rc = fmt[0] == 's' ? db_query(db, &r, sql, fmt, s)
	                       : db_query(db, &r, sql, fmt, l);
	if (rc)
		return -1;
	rc = db_next(&r);
	*n = rc > 0 ? db_int(&r, 0) : 0;
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

static enum hres fail_with(struct site_job *k, const char *code,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum hres fail_with(struct site_job *k, const char *code,
                           const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->msg, sizeof k->msg, fmt, ap);
	va_end(ap);
	k->code = code;
	return H_OK;
}

static enum hres load_site(struct site_job *k, struct db *db, long long id)
{
	struct db_rows r;
	if (db_query(db, &r, sql_site_row, "l", id))
		return H_DB_ERROR;
	int rc = db_next(&r);
	if (rc > 0 && !(k->row = site_json(&r)))
		rc = -2;
	db_rows_end(&r);
	if (rc == -1)
		return H_DB_ERROR;
	if (rc == -2)
		return H_INTERNAL;
	if (!rc)
		return fail_with(k, "not_found", "no site %lld", id);
	return H_OK;
}

/* The name is free (for another id than self). */
static enum hres name_free(struct site_job *k, struct db *db,
                           const char *table_sql, long long self)
{
	long long other;
	if (count_of(db, &other, table_sql, "s", k->s.name, 0))
		return H_DB_ERROR;
	if (other && other != self)
		return fail_with(k, "exists", "name: \"%.100s\" is taken",
		                 k->s.name);
	return H_OK;
}

static enum hres site_write(struct site_job *k, struct db *db)
{
	struct site_op *s = &k->s;
	enum hres h;
	if ((s->set & SITE_SET_NAME) &&
	    ((h = name_free(k, db, "SELECT id FROM sites WHERE name = ?",
	                    s->id)) != H_OK ||
	     k->code))
		return h;
	char unit[3] = "A";
	int has_amps = 0;
	double amps = 0;
	if (s->kind == SITE_UPDATE) {
		struct db_rows r;
		if (db_query(
		        db, &r,
		        "SELECT grid_limit_a, grid_phases, grid_voltage, "
		        "grid_limit_unit FROM sites WHERE id = ? FOR UPDATE",
		        "l", s->id))
			return H_DB_ERROR;
		int rc = db_next(&r);
		if (rc > 0) {
			has_amps = !db_isnull(&r, 0);
			amps = db_dbl(&r, 0);
			if (!(s->set & SITE_SET_PHASES))
				s->phases = (int)db_int(&r, 1);
			if (!(s->set & SITE_SET_VOLTAGE))
				s->voltage = (int)db_int(&r, 2);
			snprintf(unit, sizeof unit, "%s",
			         db_str(&r, 3) ? db_str(&r, 3) : "A");
		}
		db_rows_end(&r);
		if (rc < 0)
			return H_DB_ERROR;
		if (!rc)
			return fail_with(k, "not_found", "no site %lld", s->id);
	}
	if (s->set & SITE_SET_LIMIT) {
		has_amps = s->has_limit;
		if (has_amps)
			amps = site_limit_amps(s->limit, s->limit_unit,
			                       s->phases, s->voltage);
		snprintf(unit, sizeof unit, "%s", s->limit_unit);
	}
	char a[32], lat[32], lon[32];
	snprintf(a, sizeof a, "%.1f", amps);
	snprintf(lat, sizeof lat, "%.6f", s->latitude);
	snprintf(lon, sizeof lon, "%.6f", s->longitude);
	const char *pa = has_amps ? a : NULL;
	const char *plat = s->has_coords ? lat : NULL;
	const char *plon = s->has_coords ? lon : NULL;
	long long n;
	if (s->kind == SITE_ADD) {
		n = db_exec(db,
		            "INSERT INTO sites (name, address, latitude, "
		            "longitude, time_zone, grid_limit_a, grid_phases, "
		            "grid_voltage, grid_limit_unit, notes, created_at, "
		            "updated_at, load_management) VALUES (?, ?, ?, ?, "
		            "?, ?, ?, ?, ?, ?, ?, ?, ?)",
		            "ssssssiisstti", s->name, s->address, plat, plon,
		            s->tz, pa, s->phases, s->voltage, unit, s->notes,
		            k->now_ms, k->now_ms, s->load_mgmt);
		if (n < 0)
			return H_DB_ERROR;
		s->id = (long long)db_insert_id(db);
	} else {
		n = db_exec(db,
		            "UPDATE sites SET name = IF(?, ?, name), "
		            "address = IF(?, ?, address), "
		            "latitude = IF(?, ?, latitude), "
		            "longitude = IF(?, ?, longitude), "
		            "time_zone = IF(?, ?, time_zone), "
		            "grid_limit_a = ?, grid_phases = ?, "
		            "grid_voltage = ?, grid_limit_unit = ?, "
		            "notes = IF(?, ?, notes), "
		            "load_management = IF(?, ?, load_management), "
		            "updated_at = ? WHERE id = ?",
		            "isisisisissiisisiitl", !!(s->set & SITE_SET_NAME),
		            s->name, !!(s->set & SITE_SET_ADDRESS), s->address,
		            !!(s->set & SITE_SET_COORDS), plat,
		            !!(s->set & SITE_SET_COORDS), plon,
		            !!(s->set & SITE_SET_TZ), s->tz, pa, s->phases,
		            s->voltage, unit, !!(s->set & SITE_SET_NOTES),
		            s->notes, !!(s->set & SITE_SET_LM), s->load_mgmt,
		            k->now_ms, s->id);
		if (n < 0)
			return H_DB_ERROR;
	}
	return load_site(k, db, s->id);
}

static enum hres group_row(struct site_job *k, struct db *db, long long id)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT id, name, description, created_at, "
	             "(SELECT COUNT(*) FROM cp_group_members m WHERE "
	             "m.group_id = g.id) FROM cp_groups g WHERE id = ?",
	             "l", id))
		return H_DB_ERROR;
	int rc = db_next(&r);
	if (rc > 0) {
		char c[32];
		time_format_iso8601(db_time_ms(&r, 3), c);
		cJSON *o = cJSON_CreateObject();
		if (!o || json_add_int(o, "id", db_int(&r, 0)) ||
		    json_add_str(o, "name", db_str(&r, 1)) ||
		    add_str_or_null(o, "description", db_str(&r, 2)) ||
		    json_add_str(o, "created_at", c) ||
		    json_add_int(o, "charge_points", db_int(&r, 4))) {
			cJSON_Delete(o);
			rc = -2;
		} else {
			k->row = o;
		}
	}
	db_rows_end(&r);
	if (rc == -1)
		return H_DB_ERROR;
	if (rc == -2)
		return H_INTERNAL;
	if (!rc)
		return fail_with(k, "not_found", "no group %lld", id);
	return H_OK;
}

static enum hres group_write(struct site_job *k, struct db *db)
{
	struct site_op *s = &k->s;
	enum hres h;
	if ((s->set & SITE_SET_NAME) &&
	    ((h = name_free(k, db, "SELECT id FROM cp_groups WHERE name = ?",
	                    s->id)) != H_OK ||
	     k->code))
		return h;
	long long n;
	if (s->kind == GROUP_ADD) {
		n = db_exec(db,
		            "INSERT INTO cp_groups (name, description, "
		            "created_at) VALUES (?, ?, ?)",
		            "sst", s->name, s->desc, k->now_ms);
		if (n < 0)
			return H_DB_ERROR;
		s->id = (long long)db_insert_id(db);
	} else if (db_exec(db,
	                   "UPDATE cp_groups SET name = IF(?, ?, name), "
	                   "description = IF(?, ?, description) WHERE id = ?",
	                   "isisl", !!(s->set & SITE_SET_NAME), s->name,
	                   !!(s->set & SITE_SET_DESC), s->desc, s->id) < 0) {
		return H_DB_ERROR;
	}
	return group_row(k, db, s->id);
}

/* The charge point's row exists: 1, 0, or -1 on a database error; with
 * its connected flag and its number of transactions when asked. */
static int cp_exists(struct db *db, const char *cp_id, int *connected)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT connected FROM charge_points WHERE id = ? FOR "
	             "UPDATE",
	             "s", cp_id))
		return -1;
	int rc = db_next(&r);
	if (rc > 0 && connected)
		*connected = db_int(&r, 0) == 1;
	db_rows_end(&r);
	return rc < 0 ? -1 : rc > 0;
}

/* The charge point's credentials, so done can put its entry in the
 * handshake's map as the database has it (retired or not). */
static int read_sec(struct site_job *k, struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT security_profile, auth_hash FROM charge_points "
	             "WHERE id = ?",
	             "s", k->s.cp_id))
		return -1;
	int rc = db_next(&r);
	if (rc > 0) {
		k->sec_profile = (int)db_int(&r, 0);
		snprintf(k->sec_hash, sizeof k->sec_hash, "%s",
		         db_str(&r, 1) ? db_str(&r, 1) : "");
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

static cJSON *cp_answer(const struct site_job *k)
{
	cJSON *o = cJSON_CreateObject();
	if (o && json_add_str(o, "id", k->s.cp_id)) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* cp_set_load: the settings as they are (lock held) or after the
 * change, into k->load; -1 on a database error. */
static int load_row(struct site_job *k, struct db *db, int lock)
{
	struct db_rows r;
	if (db_query(db, &r,
	             lock ? "SELECT lm_phases, lm_min_a, lm_max_a, lm_priority "
	                    "FROM charge_points WHERE id = ? FOR UPDATE"
	                  : "SELECT lm_phases, lm_min_a, lm_max_a, lm_priority "
	                    "FROM charge_points WHERE id = ?",
	             "s", k->s.cp_id))
		return -1;
	int rc = db_next(&r);
	cJSON_Delete(k->load);
	k->load = NULL;
	cJSON *o = rc > 0 ? cJSON_CreateObject() : NULL;
	if (o) {
		cJSON_AddStringToObject(o, "phases", db_str(&r, 0));
		cJSON_AddNumberToObject(o, "min_a", db_dbl(&r, 1));
		cJSON_AddNumberToObject(o, "max_a", db_dbl(&r, 2));
		cJSON_AddNumberToObject(o, "priority", db_dbl(&r, 3));
		k->load = o;
	}
	db_rows_end(&r);
	return rc < 0 ? -1 : 0;
}

/* A change that would leave the minimum above the maximum is refused
 * before anything is written. */
static int load_consistent(struct site_job *k)
{
	const struct site_op *s = &k->s;
	double mn = s->set & LOAD_SET_MIN
	                ? s->lm_min_a
	                : cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	                      k->load, "min_a"));
	double mx = s->set & LOAD_SET_MAX
	                ? s->lm_max_a
	                : cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	                      k->load, "max_a"));
	if (mn > mx) {
		fail_with(k, "invalid_params",
		          "min_a: %.1f A would be above max_a, %.1f A", mn, mx);
		return 0;
	}
	return 1;
}

static enum hres cp_write(struct site_job *k, struct db *db)
{
	struct site_op *s = &k->s;
	int connected = 0;
	int found = cp_exists(db, s->cp_id, &connected);
	if (found < 0)
		return H_DB_ERROR;
	if (!found)
		return fail_with(k, "not_found", "no charge point %.100s",
		                 s->cp_id);
	long long n = 0;
	switch (s->kind) {
	case GROUP_ADD_CP:
	case GROUP_REMOVE_CP:
		if (count_of(db, &n,
		             "SELECT COUNT(*) FROM cp_groups WHERE id = ?", "l",
		             NULL, s->id))
			return H_DB_ERROR;
		if (!n)
			return fail_with(k, "not_found", "no group %lld",
			                 s->id);
		n = s->kind == GROUP_ADD_CP
		        ? db_exec(db,
		                  "INSERT IGNORE INTO cp_group_members "
		                  "(group_id, cp_id) VALUES (?, ?)",
		                  "ls", s->id, s->cp_id)
		        : db_exec(db,
		                  "DELETE FROM cp_group_members WHERE "
		                  "group_id = ? AND cp_id = ?",
		                  "ls", s->id, s->cp_id);
		break;
	case CP_SET_SITE:
		if (s->site_id) {
			if (count_of(db, &n,
			             "SELECT COUNT(*) FROM sites WHERE id = ?",
			             "l", NULL, s->site_id))
				return H_DB_ERROR;
			if (!n)
				return fail_with(k, "not_found",
				                 "site_id: no site %lld",
				                 s->site_id);
		}
		char sid[24];
		snprintf(sid, sizeof sid, "%lld", s->site_id);
		n = db_exec(db,
		            "UPDATE charge_points SET site_id = ? WHERE id = ?",
		            "ss", s->site_id ? sid : NULL, s->cp_id);
		break;
	case CP_RETIRE:
	case CP_UNRETIRE:
		n = db_exec(db,
		            "UPDATE charge_points SET retired = ?, "
		            "retired_at = ? WHERE id = ?",
		            "its", s->kind == CP_RETIRE,
		            s->kind == CP_RETIRE ? k->now_ms : DB_NULL_TIME,
		            s->cp_id);
		if (n >= 0 && read_sec(k, db))
			return H_DB_ERROR;
		break;
	case CP_SET_NOTES:
		n = db_exec(db,
		            "UPDATE charge_points SET notes = ? WHERE id = ?",
		            "ss", s->notes, s->cp_id);
		break;
	case CP_SET_LOAD:
		if (load_row(k, db, 1))
			return H_DB_ERROR;
		if (!load_consistent(k))
			return H_OK;
		n = db_exec(db,
		            "UPDATE charge_points SET "
		            "lm_phases = IF(?, ?, lm_phases), "
		            "lm_min_a = IF(?, ?, lm_min_a), "
		            "lm_max_a = IF(?, ?, lm_max_a), "
		            "lm_priority = IF(?, ?, lm_priority) WHERE id = ?",
		            "isididiis", !!(s->set & LOAD_SET_PHASES),
		            s->lm_phases, !!(s->set & LOAD_SET_MIN),
		            s->lm_min_a, !!(s->set & LOAD_SET_MAX), s->lm_max_a,
		            !!(s->set & LOAD_SET_PRIORITY), s->lm_priority,
		            s->cp_id);
		if (n < 0 || load_row(k, db, 0))
			return H_DB_ERROR;
		break;
	case CP_DELETE:
		if (count_of(
		        db, &n,
		        "SELECT COUNT(*) FROM transactions WHERE cp_id = ?",
		        "s", s->cp_id, 0))
			return H_DB_ERROR;
		if (n)
			return fail_with(
			    k, "in_use",
			    "%.100s has %lld transactions: retire it "
			    "instead (its history is kept)",
			    s->cp_id, n);
		if (connected)
			return fail_with(
			    k, "in_use",
			    "%.100s is connected: retire it first, "
			    "which closes its link",
			    s->cp_id);
		n = db_exec(db, "DELETE FROM charge_points WHERE id = ?", "s",
		            s->cp_id);
		break;
	default:
		return H_INTERNAL;
	}
	if (n < 0)
		return H_DB_ERROR;
	if (!(k->row = cp_answer(k)))
		return H_INTERNAL;
	return H_OK;
}

static enum hres site_run(struct job *j, struct batch *b)
{
	struct site_job *k = (struct site_job *)j;
	/* A batch that failed runs again: start from nothing. */
	cJSON_Delete(k->row);
	cJSON_Delete(k->load);
	k->row = k->load = NULL;
	k->code = NULL;
	if (k->s.kind == SITE_UPDATE || k->s.kind == SITE_ADD)
		return site_write(k, b->db);
	if (k->s.kind == GROUP_ADD || k->s.kind == GROUP_UPDATE)
		return group_write(k, b->db);
	long long n;
	if (k->s.kind == SITE_DELETE) {
		if (count_of(
		        b->db, &n,
		        "SELECT COUNT(*) FROM charge_points WHERE site_id = ?",
		        "l", NULL, k->s.id))
			return H_DB_ERROR;
		if (n)
			return fail_with(k, "in_use",
			                 "site %lld has %lld charge points: "
			                 "assign them elsewhere first",
			                 k->s.id, n);
		n = db_exec(b->db, "DELETE FROM sites WHERE id = ?", "l",
		            k->s.id);
	} else if (k->s.kind == GROUP_DELETE) {
		n = db_exec(b->db, "DELETE FROM cp_groups WHERE id = ?", "l",
		            k->s.id);
	} else {
		return cp_write(k, b->db);
	}
	if (n < 0)
		return H_DB_ERROR;
	if (!n)
		return fail_with(k, "not_found", "no %s %lld",
		                 k->s.kind == SITE_DELETE ? "site" : "group",
		                 k->s.id);
	return H_OK;
}

static void site_done(struct job *j, enum hres r)
{
	struct site_job *k = (struct site_job *)j;
	const char *op = site_op_name(k->s.kind);
	if (r != H_OK) {
		control_fail(k->client,
		             r == H_DB_ERROR ? "db_error" : "internal", NULL,
		             "%s: %s", op,
		             r == H_DB_ERROR ? "database error" : "failed");
		return;
	}
	if (k->code) {
		control_fail(k->client, k->code,
		             strchr(k->msg, ':') ? control_field_of(k->msg)
		                                 : NULL,
		             "%s", k->msg);
		return;
	}
	if (k->s.cp_id[0])
		log_info("ocppd: control | %s | %s%s%lld", op, k->s.cp_id,
		         k->s.id ? " id=" : "", k->s.id);
	else
		log_info("ocppd: control | %s | id=%lld", op, k->s.id);
	if (k->s.kind == CP_RETIRE || k->s.kind == CP_UNRETIRE) {
		int retired = k->s.kind == CP_RETIRE;
		/* At once on this node (a charge point registered by its
		 * first connection may not be in the map yet); the others
		 * at their next reload. */
		struct cp_sec *sec = cp_sec_new(k->sec_profile, k->sec_hash);
		if (sec)
			sec->retired = retired;
		if (!sec || cp_auth_known_set(k->s.cp_id, sec)) {
			free(sec);
			cp_auth_set_retired(k->s.cp_id, retired);
		}
		struct conn *c = retired ? takeover_find(k->s.cp_id) : NULL;
		if (c) {
			log_info("ocppd: %s retired: closing its link",
			         k->s.cp_id);
			ws_close(c, CLOSE_POLICY_VIOLATION,
			         "charge point retired");
		}
		cJSON_AddBoolToObject(k->row, "retired", retired);
	}
	cJSON *o = k->row;
	k->row = NULL;
	if (!o && !(o = cJSON_CreateObject())) {
		control_fail(k->client, "internal", NULL, "out of memory");
		return;
	}
	if (k->s.kind == SITE_DELETE || k->s.kind == GROUP_DELETE) {
		json_add_int(o, "id", k->s.id);
		cJSON_AddTrueToObject(o, "deleted");
	} else if (k->s.kind == CP_DELETE) {
		cJSON_AddTrueToObject(o, "deleted");
	} else if (k->s.kind == CP_SET_SITE) {
		if (k->s.site_id)
			json_add_int(o, "site_id", k->s.site_id);
		else
			cJSON_AddNullToObject(o, "site_id");
	} else if (k->s.kind == GROUP_ADD_CP || k->s.kind == GROUP_REMOVE_CP) {
		json_add_int(o, "group_id", k->s.id);
		cJSON_AddBoolToObject(o, "member", k->s.kind == GROUP_ADD_CP);
	} else if (k->s.kind == CP_SET_NOTES) {
		add_str_or_null(o, "notes", k->s.notes);
	} else if (k->s.kind == CP_SET_LOAD && k->load) {
		cJSON_AddItemToObject(o, "load", k->load);
		k->load = NULL;
	}
	/* A site's limit or its charge points changed: plan again. */
	if (k->s.kind == SITE_UPDATE || k->s.kind == CP_SET_SITE ||
	    k->s.kind == CP_SET_LOAD)
		load_mgmt_poke();
	control_ok(k->client, o);
}

static void site_fail(struct job *j)
{
	control_fail(((struct site_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void site_free(struct job *j)
{
	struct site_job *k = (struct site_job *)j;
	cJSON_Delete(k->row);
	cJSON_Delete(k->load);
	site_op_free(&k->s);
	free(k);
}

static const struct job_ops site_ops = {
    .run = site_run, .done = site_done, .fail = site_fail, .free = site_free};

void sites_request(const struct control_req *r)
{
	char why[256];
	struct site_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (site_op_parse(r->op, r->cp_id, r->params, &k->s, why, sizeof why)) {
		site_free(&k->job);
		control_fail(r->client, "invalid_params", control_field_of(why),
		             "%s", why);
		return;
	}
	k->client = r->client;
	k->now_ms = time_now_ms();
	k->job.ops = &site_ops;
	k->job.what = site_op_name(k->s.kind);
	k->job.who = k->s.cp_id;
	/* A charge point's change in order with its own jobs; sites and
	 * groups on one route. */
	if (dbq_submit(&k->job, k->s.cp_id[0] ? k->s.cp_id : "sites", 0)) {
		site_free(&k->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
