/*
 * tariffs_op.c — see tariffs_op.h.
 */
#include "tariffs_op.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "tariff.h"
#include "tariff_bands.h"
#include "tariff_json.h"
#include "timeutil.h"
#include "txcost.h"

enum tkind { T_ADD, T_VERSION, T_DELETE, T_ASSIGN, T_UNASSIGN };

static const char *const kind_names[] = {"tariff_add", "tariff_version_add",
                                         "tariff_delete", "tariff_assign",
                                         "tariff_unassign"};

/* A version's fields as given; money in micro-units until the tariff's
 * minor digits are known (on the worker). */
struct tversion {
	int64_t valid_from;
	long long energy, time, idle, fee, min, max;
	int has_min, has_max, grace, vat_bp, incl;
	char *bands; /* canonical JSON, malloc'd */
};

struct tariff_job {
	struct job job;
	enum tkind kind;
	uint64_t client;
	int64_t now_ms;
	long long id, assignment_id;
	char name[101], currency[4];
	int digits;
	struct tversion v;
	/* tariff_assign */
	long long site_id, connector_id;
	int has_site, has_connector;
	char cp_id[51], group[21];
	/* the outcome */
	const char *code;
	char msg[200];
	cJSON *row;
};

static int fail(char *why, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return -1;
}

/* An optional integer member in [lo, hi]: 1 given, 0 absent or null,
 * -1 wrong. */
static int get_int(const cJSON *p, const char *name, long long lo, long long hi,
                   long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
	if (!v || cJSON_IsNull(v))
		return 0;
	double d = v->valuedouble;
	if (cJSON_IsString(v)) {
		char *e;
		long long x = strtoll(v->valuestring, &e, 10);
		if (*e || e == v->valuestring || x < lo || x > hi)
			return -1;
		*out = x;
		return 1;
	}
	if (!cJSON_IsNumber(v) || d != (double)(long long)d || d < (double)lo ||
	    d > (double)hi)
		return -1;
	*out = (long long)d;
	return 1;
}

static int get_bool(const cJSON *p, const char *name, int *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsBool(v))
		*out = cJSON_IsTrue(v);
	else if (cJSON_IsString(v) && (!strcmp(v->valuestring, "true") ||
	                               !strcmp(v->valuestring, "1") ||
	                               !strcmp(v->valuestring, "on")))
		*out = 1;
	else if (cJSON_IsString(v) &&
	         (!strcmp(v->valuestring, "false") ||
	          !strcmp(v->valuestring, "0") || !strcmp(v->valuestring, "")))
		*out = 0;
	else
		return -1;
	return 1;
}

/* A price (>= 0, six places); 1 given, 0 absent or null or "", -1 wrong. */
static int get_micro(const cJSON *p, const char *name, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, name);
	if (!v || cJSON_IsNull(v) || (cJSON_IsString(v) && !*v->valuestring))
		return 0;
	return tariff_json_micro(v, out) ? -1 : 1;
}

static int parse_version(const cJSON *p, int64_t now, struct tversion *v,
                         char *why, size_t n)
{
	memset(v, 0, sizeof *v);
	v->valid_from = now;
	const cJSON *vf = cJSON_GetObjectItemCaseSensitive(p, "valid_from");
	if (vf && !cJSON_IsNull(vf) &&
	    !(cJSON_IsString(vf) && !*vf->valuestring) &&
	    (!cJSON_IsString(vf) ||
	     time_parse_iso8601(vf->valuestring, &v->valid_from)))
		return fail(why, n, "valid_from: a date-time");
	static const char *const prices[] = {"energy_price", "time_price",
	                                     "idle_price", "session_fee"};
	long long *dst[] = {&v->energy, &v->time, &v->idle, &v->fee};
	for (int i = 0; i < 4; i++)
		if (get_micro(p, prices[i], dst[i]) < 0)
			return fail(why, n,
			            "%s: a decimal >= 0 with up to six places",
			            prices[i]);
	if ((v->has_min = get_micro(p, "min_price", &v->min)) < 0 ||
	    (v->has_max = get_micro(p, "max_price", &v->max)) < 0)
		return fail(why, n, "%s: a decimal >= 0, or null",
		            v->has_min < 0 ? "min_price" : "max_price");
	if (v->has_min > 0 && v->has_max > 0 && v->min > v->max)
		return fail(why, n, "min_price: above max_price");
	long long g = 0;
	if (get_int(p, "idle_grace_min", 0, 1440, &g) < 0)
		return fail(why, n, "idle_grace_min: minutes, 0 to 1440");
	v->grace = (int)g;
	const cJSON *vat = cJSON_GetObjectItemCaseSensitive(p, "vat_rate");
	long long bp = 0;
	if (vat && !cJSON_IsNull(vat)) {
		long long micro;
		/* percent with up to two places: micro-percent / 10000 */
		if (tariff_json_micro(vat, &micro) || micro % 10000 ||
		    micro > 100000000LL)
			return fail(
			    why, n,
			    "vat_rate: a percentage 0 to 100 with up to "
			    "two places");
		bp = micro / 10000;
	}
	v->vat_bp = (int)bp;
	if (get_bool(p, "prices_include_vat", &v->incl) < 0)
		return fail(why, n, "prices_include_vat: true or false");
	struct tariff t;
	memset(&t, 0, sizeof t);
	const cJSON *bands = cJSON_GetObjectItemCaseSensitive(p, "bands");
	cJSON *parsed = NULL;
	if (cJSON_IsString(bands) && *bands->valuestring) {
		/* a form's text field */
		if (!(parsed = cJSON_Parse(bands->valuestring)))
			return fail(why, n, "bands: not JSON");
		bands = parsed;
	} else if (cJSON_IsString(bands)) {
		bands = NULL;
	}
	int rc = tariff_bands_from_json(bands, &t, why, n);
	cJSON_Delete(parsed);
	if (rc)
		return -1;
	if (t.nbands && !(v->bands = tariff_bands_to_text(&t)))
		return fail(why, n, "out of memory");
	return 0;
}

static int parse(const struct control_req *r, struct tariff_job *k, char *why,
                 size_t n)
{
	const cJSON *p = r->params;
	long long x;
	if (k->kind != T_ADD) {
		if (get_int(p, "tariff_id", 1, 2147483647, &k->id) != 1)
			return fail(why, n, "tariff_id: a tariff's id");
	}
	if (k->kind == T_ADD) {
		const char *name = json_str(p, "name", NULL);
		if (!name || !*name || strlen(name) > 100)
			return fail(why, n, "name: 1 to 100 characters");
		snprintf(k->name, sizeof k->name, "%s", name);
		const char *cur = json_str(p, "currency", NULL);
		if (cur && *cur) {
			if (strlen(cur) != 3 ||
			    !isupper((unsigned char)cur[0]) ||
			    !isupper((unsigned char)cur[1]) ||
			    !isupper((unsigned char)cur[2]))
				return fail(why, n,
				            "currency: three capital letters "
				            "(ISO 4217)");
			snprintf(k->currency, sizeof k->currency, "%s", cur);
		}
		k->digits = 2;
		if (get_int(p, "minor_digits", 0, 4, &x) < 0)
			return fail(why, n, "minor_digits: 0 to 4");
		else if (get_int(p, "minor_digits", 0, 4, &x) > 0)
			k->digits = (int)x;
	}
	if (k->kind == T_ADD || k->kind == T_VERSION)
		return parse_version(p, k->now_ms, &k->v, why, n);
	if (k->kind == T_ASSIGN) {
		int s = get_int(p, "site_id", 1, 2147483647, &k->site_id);
		int c = get_int(p, "connector_id", 0, 1000, &k->connector_id);
		if (s < 0)
			return fail(why, n, "site_id: a site's id");
		if (c < 0)
			return fail(why, n, "connector_id: 0 to 1000");
		k->has_site = s > 0;
		k->has_connector = c > 0;
		const char *cp =
		    r->cp_id[0] ? r->cp_id : json_str(p, "cp_id", NULL);
		if (cp && strlen(cp) > 50)
			return fail(why, n, "cp_id: at most 50 characters");
		snprintf(k->cp_id, sizeof k->cp_id, "%s", cp ? cp : "");
		const char *g = json_str(p, "id_tag_group", NULL);
		if (g && strlen(g) > 20)
			return fail(why, n,
			            "id_tag_group: an id tag (at most 20 "
			            "characters)");
		snprintf(k->group, sizeof k->group, "%s", g ? g : "");
		if (k->has_connector && !k->cp_id[0])
			return fail(why, n, "connector_id: needs a cp_id");
	}
	if (k->kind == T_UNASSIGN &&
	    get_int(p, "assignment_id", 1, 2147483647, &k->assignment_id) != 1)
		return fail(why, n, "assignment_id: an assignment's id");
	return 0;
}

static enum hres fail_with(struct tariff_job *k, const char *code,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum hres fail_with(struct tariff_job *k, const char *code,
                           const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->msg, sizeof k->msg, fmt, ap);
	va_end(ap);
	k->code = code;
	return H_OK;
}

/* micro-units as minor units of digits places; -1 when finer. */
static int to_minor(long long micro, int digits, long long *out)
{
	long long div = 1;
	for (int i = digits; i < 6; i++)
		div *= 10;
	if (micro % div)
		return -1;
	*out = micro / div;
	return 0;
}

static enum hres insert_version(struct tariff_job *k, struct db *db)
{
	const struct tversion *v = &k->v;
	long long fee, mn = 0, mx = 0;
	if (to_minor(v->fee, k->digits, &fee) ||
	    (v->has_min > 0 && to_minor(v->min, k->digits, &mn)) ||
	    (v->has_max > 0 && to_minor(v->max, k->digits, &mx)))
		return fail_with(k, "invalid_params",
		                 "session_fee: amounts have at most %d "
		                 "decimals in this currency",
		                 k->digits);
	/* The newest version must start before this one: history is not
	 * rewritten, and the one still open closes where this begins. */
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT MAX(valid_from) FROM tariff_versions WHERE "
	             "tariff_id = ? FOR UPDATE",
	             "l", k->id))
		return H_DB_ERROR;
	int rc = db_next(&r);
	int64_t newest = rc > 0 ? db_time_ms(&r, 0) : DB_NULL_TIME;
	db_rows_end(&r);
	if (rc < 0)
		return H_DB_ERROR;
	if (newest != DB_NULL_TIME && v->valid_from <= newest)
		return fail_with(k, "invalid_params",
		                 "valid_from: must be after the newest "
		                 "version's start");
	char e[32], t[32], i[32], smn[24], smx[24];
	tariff_format_fixed(v->energy, 6, e);
	tariff_format_fixed(v->time, 6, t);
	tariff_format_fixed(v->idle, 6, i);
	snprintf(smn, sizeof smn, "%lld", mn);
	snprintf(smx, sizeof smx, "%lld", mx);
	if (db_exec(db,
	            "UPDATE tariff_versions SET valid_to = ? WHERE tariff_id "
	            "= ? AND (valid_to IS NULL OR valid_to > ?)",
	            "tlt", v->valid_from, k->id, v->valid_from) < 0 ||
	    db_exec(db,
	            "INSERT INTO tariff_versions (tariff_id, valid_from, "
	            "energy_price, time_price, idle_price, idle_grace_min, "
	            "session_fee_minor, min_minor, max_minor, vat_rate_bp, "
	            "prices_include_vat, bands, created_at) VALUES (?, ?, ?, "
	            "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            "ltsssilssiist", k->id, v->valid_from, e, t, i, v->grace,
	            fee, v->has_min > 0 ? smn : NULL,
	            v->has_max > 0 ? smx : NULL, v->vat_bp, v->incl, v->bands,
	            k->now_ms) < 0)
		return H_DB_ERROR;
	return H_OK;
}

/* The tariff's minor digits (its row locked); 0 when it does not exist. */
static int tariff_digits(struct tariff_job *k, struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT minor_digits FROM tariffs WHERE id = ? FOR UPDATE",
	             "l", k->id))
		return -1;
	int rc = db_next(&r);
	if (rc > 0)
		k->digits = (int)db_int(&r, 0);
	db_rows_end(&r);
	return rc;
}

static enum hres write_assign(struct tariff_job *k, struct db *db)
{
	struct db_rows r;
	if (k->has_site) {
		if (db_query(db, &r, "SELECT 1 FROM sites WHERE id = ?", "l",
		             k->site_id))
			return H_DB_ERROR;
		int rc = db_next(&r);
		db_rows_end(&r);
		if (rc < 0)
			return H_DB_ERROR;
		if (!rc)
			return fail_with(k, "not_found",
			                 "site_id: no site %lld", k->site_id);
	}
	if (k->cp_id[0]) {
		if (db_query(db, &r, "SELECT 1 FROM charge_points WHERE id = ?",
		             "s", k->cp_id))
			return H_DB_ERROR;
		int rc = db_next(&r);
		db_rows_end(&r);
		if (rc < 0)
			return H_DB_ERROR;
		if (!rc)
			return fail_with(k, "not_found",
			                 "cp_id: no charge point %.50s",
			                 k->cp_id);
	}
	char sid[24], con[24];
	snprintf(sid, sizeof sid, "%lld", k->site_id);
	snprintf(con, sizeof con, "%lld", k->connector_id);
	if (db_exec(
	        db,
	        "INSERT INTO tariff_assignments (tariff_id, site_id, cp_id, "
	        "connector_id, id_tag_group, created_at) VALUES (?, ?, ?, "
	        "?, ?, ?)",
	        "lsssst", k->id, k->has_site ? sid : NULL,
	        k->cp_id[0] ? k->cp_id : NULL, k->has_connector ? con : NULL,
	        k->group[0] ? k->group : NULL, k->now_ms) < 0)
		return H_DB_ERROR;
	return H_OK;
}

static enum hres tariff_run(struct job *j, struct batch *b)
{
	struct tariff_job *k = (struct tariff_job *)j;
	struct db *db = b->db;
	cJSON_Delete(k->row);
	k->row = NULL;
	k->code = NULL;
	enum hres h = H_OK;
	if (k->kind == T_ADD) {
		struct db_rows r;
		if (db_query(db, &r, "SELECT id FROM tariffs WHERE name = ?",
		             "s", k->name))
			return H_DB_ERROR;
		int rc = db_next(&r);
		db_rows_end(&r);
		if (rc < 0)
			return H_DB_ERROR;
		if (rc > 0)
			return fail_with(k, "exists",
			                 "name: \"%.100s\" is taken", k->name);
		if (db_exec(
		        db,
		        "INSERT INTO tariffs (name, currency, minor_digits, "
		        "created_at) VALUES (?, ?, ?, ?)",
		        "ssit", k->name,
		        k->currency[0] ? k->currency : b->cfg->currency,
		        k->digits, k->now_ms) < 0)
			return H_DB_ERROR;
		k->id = (long long)db_insert_id(db);
		h = insert_version(k, db);
	} else {
		int rc = tariff_digits(k, db);
		if (rc < 0)
			return H_DB_ERROR;
		if (!rc)
			return fail_with(k, "not_found", "no tariff %lld",
			                 k->id);
		if (k->kind == T_VERSION) {
			h = insert_version(k, db);
		} else if (k->kind == T_ASSIGN) {
			h = write_assign(k, db);
		} else if (k->kind == T_UNASSIGN) {
			long long n = db_exec(db,
			                      "DELETE FROM tariff_assignments "
			                      "WHERE id = ? AND tariff_id = ?",
			                      "ll", k->assignment_id, k->id);
			if (n < 0)
				return H_DB_ERROR;
			if (!n)
				return fail_with(k, "not_found",
				                 "no assignment %lld of tariff "
				                 "%lld",
				                 k->assignment_id, k->id);
		} else {
			struct db_rows r;
			if (db_query(
			        db, &r,
			        "SELECT COUNT(*) FROM tx_costs c JOIN "
			        "tariff_versions v ON v.id = "
			        "c.tariff_version_id WHERE v.tariff_id = ?",
			        "l", k->id))
				return H_DB_ERROR;
			rc = db_next(&r);
			long long used = rc > 0 ? db_int(&r, 0) : 0;
			db_rows_end(&r);
			if (rc < 0)
				return H_DB_ERROR;
			if (used)
				return fail_with(
				    k, "in_use",
				    "tariff %lld priced %lld sessions: "
				    "unassign it instead",
				    k->id, used);
			if (db_exec(db, "DELETE FROM tariffs WHERE id = ?", "l",
			            k->id) < 0)
				return H_DB_ERROR;
			return H_OK;
		}
	}
	if (h != H_OK || k->code)
		return h;
	int dberr;
	k->row = tariff_json_load(db, k->id, k->now_ms, &dberr);
	return dberr ? H_DB_ERROR : H_OK;
}

static void tariff_done(struct job *j, enum hres r)
{
	struct tariff_job *k = (struct tariff_job *)j;
	const char *op = kind_names[k->kind];
	if (r != H_OK) {
		control_fail(k->client,
		             r == H_DB_ERROR ? "db_error" : "internal", NULL,
		             "%s: %s", op,
		             r == H_DB_ERROR ? "database error" : "failed");
		return;
	}
	if (k->code) {
		control_fail(k->client, k->code,
		             strstr(k->msg, ": ") ? control_field_of(k->msg)
		                                  : NULL,
		             "%s", k->msg);
		return;
	}
	log_info("ocppd: control | %s | tariff=%lld", op, k->id);
	/* Which sessions a tariff prices may have changed. */
	txcost_assignments_changed();
	cJSON *o = k->row;
	k->row = NULL;
	if (!o && (o = cJSON_CreateObject())) {
		cJSON_AddNumberToObject(o, "id", (double)k->id);
		cJSON_AddTrueToObject(o, "deleted");
	}
	if (!o) {
		control_fail(k->client, "internal", NULL, "out of memory");
		return;
	}
	control_ok(k->client, o);
}

static void tariff_fail(struct job *j)
{
	control_fail(((struct tariff_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void tariff_free(struct job *j)
{
	struct tariff_job *k = (struct tariff_job *)j;
	cJSON_Delete(k->row);
	free(k->v.bands);
	free(k);
}

static const struct job_ops tariff_ops = {.run = tariff_run,
                                          .done = tariff_done,
                                          .fail = tariff_fail,
                                          .free = tariff_free};

void tariffs_request(const struct control_req *r)
{
	char why[256];
	struct tariff_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	int kind = -1;
	for (int i = 0; i < 5; i++)
		if (!strcmp(r->op, kind_names[i]))
			kind = i;
	k->kind = (enum tkind)kind;
	k->client = r->client;
	k->now_ms = time_now_ms();
	if (kind < 0 || parse(r, k, why, sizeof why)) {
		if (kind < 0)
			snprintf(why, sizeof why, "unknown op");
		tariff_free(&k->job);
		control_fail(r->client, "invalid_params", control_field_of(why),
		             "%s", why);
		return;
	}
	k->job.ops = &tariff_ops;
	k->job.what = kind_names[kind];
	k->job.who = "";
	/* Every tariff change on one route: in order, one at a time. */
	if (dbq_submit(&k->job, "tariffs", 0)) {
		tariff_free(&k->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
