/*
 * ui-tariffs.c — see ui-tariffs.h.  The page reads each tariff as the API
 * answers it (lib/tariff_json.h), so both show the same figures.
 */
#include "ui-tariffs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tariff_json.h"
#include "ui-error.h"
#include "ui-post.h"

#define TARIFFS_MAX 200

static const char *jstr(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static TMPL_varlist *add_num(TMPL_varlist *vl, const char *name, const cJSON *o,
                             const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char b[32];
	if (!cJSON_IsNumber(v))
		return vl;
	snprintf(b, sizeof b, "%lld", (long long)v->valuedouble);
	return TMPL_add_var(vl, name, b, (char *)NULL);
}

static TMPL_varlist *version_vars(const cJSON *v)
{
	TMPL_varlist *vl = add_num(NULL, "vid", v, "id");
	static const char *const keys[] = {
	    "valid_from", "valid_to",   "energy_price",
	    "time_price", "idle_price", "session_fee",
	    "min_price",  "max_price",  "vat_rate"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *s = jstr(v, keys[i]);
		if (s)
			vl = TMPL_add_var(vl, keys[i], s, (char *)NULL);
	}
	vl = add_num(vl, "idle_grace_min", v, "idle_grace_min");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "current")))
		vl = TMPL_add_var(vl, "current", "1", (char *)NULL);
	if (cJSON_IsTrue(
	        cJSON_GetObjectItemCaseSensitive(v, "prices_include_vat")))
		vl = TMPL_add_var(vl, "incl", "1", (char *)NULL);
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(v, "bands");
	if (cJSON_GetArraySize(b)) {
		char *text = cJSON_PrintUnformatted(b);
		if (text)
			vl = TMPL_add_var(vl, "bands", text, (char *)NULL);
		free(text);
	}
	return vl;
}

static TMPL_varlist *tariff_vars(const cJSON *t)
{
	TMPL_varlist *vl = add_num(NULL, "id", t, "id");
	vl = TMPL_add_var(vl, "name", jstr(t, "name"), "currency",
	                  jstr(t, "currency"), (char *)NULL);
	TMPL_loop *versions = NULL;
	const cJSON *v;
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(t, "versions"))
	    versions = TMPL_add_varlist(versions, version_vars(v));
	if (versions)
		vl = TMPL_add_loop(vl, "versions", versions);
	TMPL_loop *as = NULL;
	const cJSON *a;
	cJSON_ArrayForEach(a,
	                   cJSON_GetObjectItemCaseSensitive(t, "assignments"))
	{
		TMPL_varlist *al = add_num(NULL, "aid", a, "id");
		al = add_num(al, "site_id", a, "site_id");
		al = add_num(al, "connector_id", a, "connector_id");
		if (jstr(a, "cp_id"))
			al = TMPL_add_var(al, "cp_id", jstr(a, "cp_id"),
			                  (char *)NULL);
		if (jstr(a, "id_tag_group"))
			al = TMPL_add_var(al, "group", jstr(a, "id_tag_group"),
			                  (char *)NULL);
		as = TMPL_add_varlist(as, al);
	}
	if (as)
		vl = TMPL_add_loop(vl, "assignments", as);
	return vl;
}

void ui_tariffs(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT id FROM tariffs ORDER BY name LIMIT 200", "")) {
		ui_db_error(r, "tariffs");
		return;
	}
	long long ids[TARIFFS_MAX];
	int n = 0, rc;
	while ((rc = db_next(&rows)) > 0 && n < TARIFFS_MAX)
		ids[n++] = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0) {
		ui_db_error(r, "tariffs");
		return;
	}
	cJSON *all = cJSON_CreateArray();
	for (int i = 0; all && i < n; i++) {
		int dberr;
		cJSON *t = tariff_json_load(r->db, ids[i], r->now, &dberr);
		if (dberr) {
			cJSON_Delete(all);
			ui_db_error(r, "tariffs");
			return;
		}
		if (t)
			cJSON_AddItemToArray(all, t);
	}
	TMPL_loop *loop = NULL;
	const cJSON *t;
	cJSON_ArrayForEach(t, all) loop =
	    TMPL_add_varlist(loop, tariff_vars(t));
	cJSON_Delete(all);
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Tariffs", "tariffs", 0);
	if (loop)
		vl = TMPL_add_loop(vl, "tariffs", loop);
	const char *token = ui_csrf_for_admin(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	char price[32];
	snprintf(price, sizeof price, "%.6f", r->ctx->cfg.price_per_kwh);
	vl = TMPL_add_var(vl, "forms", "1", "default_price", price,
	                  "default_currency", r->ctx->cfg.currency,
	                  (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "tariffs.tmpl", vl);
}

/* The form's fields as control parameters: what is empty is left out
 * (the defaults apply), a checkbox is a boolean. */
static cJSON *params_of(const struct ui_form *f)
{
	static const char *const text[] = {
	    "name",         "currency",       "valid_from",   "energy_price",
	    "time_price",   "idle_price",     "session_fee",  "min_price",
	    "max_price",    "vat_rate",       "bands",        "cp_id",
	    "id_tag_group", "idle_grace_min", "minor_digits", "site_id",
	    "connector_id", "tariff_id",      "assignment_id"};
	cJSON *p = cJSON_CreateObject();
	for (size_t i = 0; p && i < sizeof text / sizeof text[0]; i++) {
		const char *v = ui_form_get(f, text[i]);
		if (v && *v)
			cJSON_AddStringToObject(p, text[i], v);
	}
	if (p && ui_form_get(f, "version_form"))
		cJSON_AddBoolToObject(p, "prices_include_vat",
		                      ui_form_get(f, "prices_include_vat") !=
		                          NULL);
	return p;
}

void ui_tariffs_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	static const char *const actions[][2] = {
	    {"add", "tariff_add"},
	    {"version", "tariff_version_add"},
	    {"assign", "tariff_assign"},
	    {"unassign", "tariff_unassign"},
	    {"delete", "tariff_delete"}};
	static const char *const what[] = {"New tariff", "New prices",
	                                   "Assignment", "Assignment",
	                                   "Delete tariff"};
	const char *action = ui_form_get(&f, "action");
	int k = -1;
	for (int i = 0; action && i < 5; i++)
		if (!strcmp(action, actions[i][0]))
			k = i;
	struct ui_outcome o = {"invalid", "unknown action"};
	if (k >= 0) {
		cJSON *p = params_of(&f);
		cJSON *res = NULL;
		ui_control(r, actions[k][1], NULL, p, &o, &res);
		if (!strcmp(o.kind, "ok"))
			snprintf(o.msg, sizeof o.msg, "%s",
			         k == 4 ? "deleted" : "saved");
		cJSON_Delete(res);
		cJSON_Delete(p);
	}
	ui_form_free(&f);
	ui_redirect_outcome(r, "/tariffs", "/tariffs",
	                    k >= 0 ? what[k] : "Tariff", &o);
}
