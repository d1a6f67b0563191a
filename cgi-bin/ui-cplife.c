/*
 * ui-cplife.c — see ui-cplife.h.
 */
#include "ui-cplife.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define SITES_MAX 500

static const char sql_cp[] =
    "SELECT site_id, retired, retired_at, notes, (SELECT "
    "GROUP_CONCAT(g.name ORDER BY g.name SEPARATOR ', ') FROM "
    "cp_group_members m JOIN cp_groups g ON g.id = m.group_id WHERE "
    "m.cp_id = charge_points.id), (SELECT COUNT(*) FROM transactions t "
    "WHERE t.cp_id = charge_points.id) > 0, lm_phases, lm_min_a, lm_max_a, "
    "lm_priority FROM charge_points WHERE id = ?";

static const char sql_sites[] =
    "SELECT id, name FROM sites ORDER BY name LIMIT ?";

int ui_cplife_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_cp, "s", id))
		return -1;
	int rc = db_next(&rows);
	long long site = 0;
	if (rc > 0) {
		site = db_int(&rows, 0);
		if (db_int(&rows, 1) == 1) {
			char when[32] = "";
			int64_t at = db_time_ms(&rows, 2);
			if (at != DB_NULL_TIME)
				ui_fmt_datetime(at, when, sizeof when);
			*vl = TMPL_add_var(*vl, "retired", "1", "retired_at",
			                   when, (char *)NULL);
		}
		if (db_str(&rows, 3))
			*vl = TMPL_add_var(*vl, "cp_notes", db_str(&rows, 3),
			                   (char *)NULL);
		if (db_str(&rows, 4))
			*vl = TMPL_add_var(*vl, "cp_groups", db_str(&rows, 4),
			                   (char *)NULL);
		if (db_int(&rows, 5))
			*vl = TMPL_add_var(*vl, "has_tx", "1", (char *)NULL);
		const char *ph = db_str(&rows, 6) ? db_str(&rows, 6) : "";
		*vl = TMPL_add_var(*vl, "lm_phases", ph, (char *)NULL);
		*vl = TMPL_add_var(*vl,
		                   !strcmp(ph, "L1")   ? "lm_l1"
		                   : !strcmp(ph, "L2") ? "lm_l2"
		                   : !strcmp(ph, "L3") ? "lm_l3"
		                                       : "lm_l123",
		                   "1", (char *)NULL);
		*vl = ui_add_fmt(*vl, "lm_min", "%.1f", db_dbl(&rows, 7));
		*vl = ui_add_fmt(*vl, "lm_max", "%.1f", db_dbl(&rows, 8));
		*vl = ui_add_fmt(*vl, "lm_priority", "%lld", db_int(&rows, 9));
	}
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	if (db_query(r->db, &rows, sql_sites, "i", SITES_MAX))
		return -1;
	TMPL_loop *loop = NULL;
	while ((rc = db_next(&rows)) > 0) {
		TMPL_varlist *s =
		    ui_add_fmt(NULL, "site_id", "%lld", db_int(&rows, 0));
		s = TMPL_add_var(s, "site_name",
		                 db_str(&rows, 1) ? db_str(&rows, 1) : "",
		                 (char *)NULL);
		if (db_int(&rows, 0) == site) {
			s = TMPL_add_var(s, "selected", "1", (char *)NULL);
			*vl = TMPL_add_var(*vl, "cp_site_name",
			                   db_str(&rows, 1) ? db_str(&rows, 1)
			                                    : "",
			                   (char *)NULL);
			*vl = ui_add_fmt(*vl, "cp_site_id", "%lld", site);
		}
		loop = TMPL_add_varlist(loop, s);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "site_choices", loop);
	return rc < 0 ? -1 : 0;
}

void ui_cplife_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *id = ui_form_get(&f, "cp_id");
	const char *what = ui_form_get(&f, "do");
	if (!id || !*id || strlen(id) > 50 || !param_text_ok(id)) {
		ui_form_free(&f);
		ui_bad_param(r, "cp_id", "is not a charge point id");
		return;
	}
	static const char *const whats[] = {
	    "site", "notes", "retire", "unretire", "delete", "load", NULL};
	static const char *const ops[] = {"cp_set_site", "cp_set_notes",
	                                  "cp_retire",   "cp_unretire",
	                                  "cp_delete",   "cp_set_load"};
	static const char *const done_msg[] = {
	    "site saved",   "notes saved", "retired",
	    "brought back", "deleted",     "load management settings saved"};
	int k = -1;
	for (int i = 0; what && whats[i]; i++)
		if (!strcmp(what, whats[i]))
			k = i;
	if (k < 0) {
		ui_form_free(&f);
		ui_bad_param(r, "do",
		             "is site, notes, retire, unretire, delete or "
		             "load");
		return;
	}
	cJSON *p = cJSON_CreateObject();
	if (k == 0) {
		/* "" is no site; anything else goes to ocppd's check. */
		const char *v = ui_form_get(&f, "site_id");
		long long sid;
		if (!v || !*v)
			cJSON_AddNullToObject(p, "site_id");
		else if (!param_parse_int(v, 1, 2147483647, &sid))
			cJSON_AddNumberToObject(p, "site_id", (double)sid);
		else
			cJSON_AddStringToObject(p, "site_id", v);
	} else if (k == 1) {
		const char *v = ui_form_get(&f, "notes");
		cJSON_AddStringToObject(p, "notes", v ? v : "");
	} else if (k == 5) {
		/* Numbers as numbers, anything else as typed: ocppd's check
		 * (sites_parse.c) names the field. */
		static const char *const fields[] = {"min_a", "max_a",
		                                     "priority", NULL};
		const char *v = ui_form_get(&f, "phases");
		if (v && *v)
			cJSON_AddStringToObject(p, "phases", v);
		for (int i = 0; fields[i]; i++) {
			char *end;
			v = ui_form_get(&f, fields[i]);
			if (!v || !*v)
				continue;
			double d = strtod(v, &end);
			if (!*end && strspn(v, "0123456789.-+") == strlen(v))
				cJSON_AddNumberToObject(p, fields[i], d);
			else
				cJSON_AddStringToObject(p, fields[i], v);
		}
	}
	struct ui_outcome o = {"invalid", ""};
	ui_control(r, ops[k], id, p, &o, NULL);
	cJSON_Delete(p);
	if (!strcmp(o.kind, "ok"))
		snprintf(o.msg, sizeof o.msg, "%s %s", id, done_msg[k]);
	char page[64 + 3 * 50], url[64 + 3 * 50];
	snprintf(page, sizeof page, "/cp/%s", id);
	char seg[3 * 50 + 1];
	ui_path_escape(id, seg, sizeof seg);
	snprintf(url, sizeof url, "/cp/%s", seg);
	ui_form_free(&f);
	if (k == 4 && !strcmp(o.kind, "ok"))
		ui_redirect_outcome(r, "/", "/", "Charge point", &o);
	else
		ui_redirect_outcome(r, page, url, "Charge point", &o);
}
