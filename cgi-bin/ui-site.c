/*
 * ui-site.c — see ui-site.h.
 */
#include "ui-site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param.h"
#include "sitequery.h"
#include "timeutil.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-siteload.h"

#define CPS_MAX 500

static const char sql_one[] = SITEQ_ONE;

static const char sql_cps[] =
    "SELECT cp.id, cp.vendor, cp.model, cp.connected, cp.last_seen, "
    "cp.retired, (SELECT GROUP_CONCAT(CONCAT(k.connector_id, ' ', "
    "k.status) ORDER BY k.connector_id SEPARATOR ', ') FROM connectors k "
    "WHERE k.cp_id = cp.id AND k.connector_id > 0) "
    "FROM charge_points cp WHERE cp.site_id = ? ORDER BY cp.id LIMIT ?";

static const char *str(const struct db_rows *r, int col)
{
	return db_str(r, col) ? db_str(r, col) : "";
}

TMPL_varlist *ui_site_vars(struct ui_req *r, const struct db_rows *rows)
{
	char buf[64];
	TMPL_varlist *vl =
	    ui_add_fmt(NULL, "id", "%lld", db_int(rows, SITEQ_ID));
	vl = TMPL_add_var(vl, "name", str(rows, SITEQ_NAME), "address",
	                  str(rows, SITEQ_ADDRESS), "time_zone",
	                  str(rows, SITEQ_TZ), "notes", str(rows, SITEQ_NOTES),
	                  "unit", str(rows, SITEQ_UNIT), (char *)NULL);
	if (!db_isnull(rows, SITEQ_LAT)) {
		vl =
		    ui_add_fmt(vl, "latitude", "%.6g", db_dbl(rows, SITEQ_LAT));
		vl = ui_add_fmt(vl, "longitude", "%.6g",
		                db_dbl(rows, SITEQ_LON));
	}
	long long ph = db_int(rows, SITEQ_PHASES);
	long long v = db_int(rows, SITEQ_VOLTAGE);
	vl = ui_add_fmt(vl, "phases", "%lld", ph);
	vl = ui_add_fmt(vl, "voltage", "%lld", v);
	if (ph == 1)
		vl = TMPL_add_var(vl, "one_phase", "1", (char *)NULL);
	if (!db_isnull(rows, SITEQ_LIMIT_A)) {
		double a = db_dbl(rows, SITEQ_LIMIT_A);
		vl = ui_add_fmt(vl, "limit_a", "%.1f", a);
		vl = ui_add_fmt(vl, "limit_kw", "%.1f", siteq_kw(a, ph, v));
		/* The form shows the limit in the unit it was given in. */
		if (!strcmp(str(rows, SITEQ_UNIT), "kW"))
			vl = ui_add_fmt(vl, "limit_given", "%.1f",
			                siteq_kw(a, ph, v));
		else
			vl = ui_add_fmt(vl, "limit_given", "%.1f", a);
	}
	if (!strcmp(str(rows, SITEQ_UNIT), "kW"))
		vl = TMPL_add_var(vl, "unit_kw", "1", (char *)NULL);
	if (db_int(rows, SITEQ_LM))
		vl = TMPL_add_var(vl, "lm_on", "1", (char *)NULL);
	ui_fmt_count(db_int(rows, SITEQ_N_CPS), buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_cps", buf, (char *)NULL);
	ui_fmt_count(db_int(rows, SITEQ_N_ONLINE), buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_online", buf, (char *)NULL);
	ui_fmt_count(db_int(rows, SITEQ_N_CHARGING), buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_charging", buf, (char *)NULL);
	ui_fmt_kwh(db_dbl(rows, SITEQ_WH_TODAY), 1, buf, sizeof buf);
	(void)r;
	return TMPL_add_var(vl, "kwh_today", buf, (char *)NULL);
}

/* A site id from the path: 1..2^31-1, else 0. */
static long long site_id_of(const char *arg)
{
	long long id;
	return param_parse_int(arg, 1, 2147483647, &id) ? 0 : id;
}

static TMPL_loop *cp_rows(struct ui_req *r, struct db_rows *rows, int *rc)
{
	TMPL_loop *loop = NULL;
	char buf[64];
	while ((*rc = db_next(rows)) > 0) {
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "id", str(rows, 0), "vendor", str(rows, 1), "model",
		    str(rows, 2), "connectors", str(rows, 6), (char *)NULL);
		if (db_int(rows, 3) == 1)
			row = TMPL_add_var(row, "online", "1", (char *)NULL);
		if (db_int(rows, 5) == 1)
			row = TMPL_add_var(row, "retired", "1", (char *)NULL);
		int64_t seen = db_time_ms(rows, 4);
		if (seen != DB_NULL_TIME) {
			ui_fmt_ago(seen, r->now, buf, sizeof buf);
			row = TMPL_add_var(row, "seen", buf, (char *)NULL);
		}
		loop = TMPL_add_varlist(loop, row);
	}
	return loop;
}

void ui_site(struct ui_req *r, const char *arg)
{
	long long id = site_id_of(arg);
	if (!id) {
		ui_error(r, 404, "Site not found", "No site has this id.");
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_one, "ttl", time_day_start(r->now),
	             time_day_start(r->now), id)) {
		ui_db_error(r, "site");
		return;
	}
	int rc = db_next(&rows);
	TMPL_varlist *vl = NULL;
	if (rc > 0) {
		vl = ui_site_vars(r, &rows);
		vl = ui_frame_vars(r, vl, str(&rows, SITEQ_NAME), "sites", 0);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "site");
		return;
	}
	if (!rc) {
		ui_error(r, 404, "Site not found", "No site has this id.");
		return;
	}
	if (db_query(r->db, &rows, sql_cps, "li", id, CPS_MAX)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "charge points");
		return;
	}
	TMPL_loop *cps = cp_rows(r, &rows, &rc);
	db_rows_end(&rows);
	if (cps)
		vl = TMPL_add_loop(vl, "cps", cps);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "charge points");
		return;
	}
	if (ui_siteload_vars(r, id, &vl)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "load management");
		return;
	}
	const char *token = ui_csrf_for(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = TMPL_add_var(vl, "forms", "1", "edit", "1", (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "site.tmpl", vl);
}

/* "" → null; a number → a number; anything else as given. */
static void add_value(cJSON *o, const char *name, const char *v)
{
	if (!v || !*v) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	char *end;
	double d = strtod(v, &end);
	if (!*end && end != v && strspn(v, "0123456789.-+") == strlen(v))
		cJSON_AddNumberToObject(o, name, d);
	else
		cJSON_AddStringToObject(o, name, v);
}

cJSON *ui_site_params(const struct ui_form *f)
{
	cJSON *p = cJSON_CreateObject();
	const char *v;
	cJSON_AddStringToObject(p, "name",
	                        (v = ui_form_get(f, "name")) ? v : "");
	v = ui_form_get(f, "address");
	if (v && *v)
		cJSON_AddStringToObject(p, "address", v);
	else
		cJSON_AddNullToObject(p, "address");
	add_value(p, "latitude", ui_form_get(f, "latitude"));
	add_value(p, "longitude", ui_form_get(f, "longitude"));
	if ((v = ui_form_get(f, "time_zone")) && *v)
		cJSON_AddStringToObject(p, "time_zone", v);
	add_value(p, "grid_limit", ui_form_get(f, "grid_limit"));
	if ((v = ui_form_get(f, "grid_limit_unit")) && *v)
		cJSON_AddStringToObject(p, "grid_limit_unit", v);
	if ((v = ui_form_get(f, "grid_phases")) && *v)
		add_value(p, "grid_phases", v);
	if ((v = ui_form_get(f, "grid_voltage")) && *v)
		add_value(p, "grid_voltage", v);
	v = ui_form_get(f, "notes");
	if (v && *v)
		cJSON_AddStringToObject(p, "notes", v);
	else
		cJSON_AddNullToObject(p, "notes");
	/* A checkbox: sent when ticked, absent when not. */
	cJSON_AddBoolToObject(p, "load_management",
	                      ui_form_get(f, "load_management") != NULL);
	return p;
}

void ui_site_post(struct ui_req *r, const char *arg)
{
	long long id = site_id_of(arg);
	struct ui_form f;
	if (!id) {
		ui_error(r, 404, "Site not found", "No site has this id.");
		return;
	}
	if (ui_form_read_or_error(r, &f))
		return;
	const char *what = ui_form_get(&f, "do");
	int del = what && !strcmp(what, "delete");
	cJSON *p = del ? cJSON_CreateObject() : ui_site_params(&f);
	/* A limit shown in kW is the stored amps converted and rounded:
	 * saved back unchanged it would be converted again and drift, so
	 * an unchanged limit is left as stored. */
	const char *lim = ui_form_get(&f, "grid_limit");
	const char *unit = ui_form_get(&f, "grid_limit_unit");
	const char *lim_was = ui_form_get(&f, "grid_limit_shown");
	const char *unit_was = ui_form_get(&f, "grid_limit_unit_shown");
	if (!del && lim && unit && lim_was && unit_was &&
	    !strcmp(lim, lim_was) && !strcmp(unit, unit_was)) {
		cJSON_DeleteItemFromObjectCaseSensitive(p, "grid_limit");
		cJSON_DeleteItemFromObjectCaseSensitive(p, "grid_limit_unit");
	}
	cJSON_AddNumberToObject(p, "id", (double)id);
	struct ui_outcome o = {"invalid", ""};
	ui_control(r, del ? "site_delete" : "site_update", NULL, p, &o, NULL);
	cJSON_Delete(p);
	ui_form_free(&f);
	char page[64];
	snprintf(page, sizeof page, "/sites/%lld", id);
	int ok = !strcmp(o.kind, "ok");
	if (ok)
		snprintf(o.msg, sizeof o.msg, "%s", del ? "deleted" : "saved");
	if (ok && del)
		ui_redirect_outcome(r, "/sites", "/sites", "Site", &o);
	else
		ui_redirect_outcome(r, page, page, "Site", &o);
}
