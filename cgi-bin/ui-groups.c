/*
 * ui-groups.c — see ui-groups.h.
 */
#include "ui-groups.h"

#include <stdio.h>
#include <string.h>

#include "ui-error.h"
#include "ui-post.h"

#define GROUPS_MAX 1000

static const char sql_groups[] =
    "SELECT g.id, g.name, g.description, (SELECT COUNT(*) FROM "
    "cp_group_members m WHERE m.group_id = g.id) FROM cp_groups g "
    "ORDER BY g.name LIMIT ?";

void ui_groups(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_groups, "i", GROUPS_MAX)) {
		ui_db_error(r, "groups");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Groups", "groups", 0);
	TMPL_loop *loop = NULL;
	int rc;
	while ((rc = db_next(&rows)) > 0) {
		TMPL_varlist *g =
		    ui_add_fmt(NULL, "id", "%lld", db_int(&rows, 0));
		g = TMPL_add_var(g, "name",
		                 db_str(&rows, 1) ? db_str(&rows, 1) : "",
		                 (char *)NULL);
		if (db_str(&rows, 2) && *db_str(&rows, 2))
			g = TMPL_add_var(g, "description", db_str(&rows, 2),
			                 (char *)NULL);
		g = ui_add_fmt(g, "n_cps", "%lld", db_int(&rows, 3));
		loop = TMPL_add_varlist(loop, g);
	}
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "groups", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "groups");
		return;
	}
	const char *token = ui_csrf_for_admin(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "groups.tmpl", vl);
}

void ui_groups_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *name = ui_form_get(&f, "name");
	const char *desc = ui_form_get(&f, "description");
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "name", name ? name : "");
	if (desc && *desc)
		cJSON_AddStringToObject(p, "description", desc);
	struct ui_outcome o = {"invalid", ""};
	cJSON *res = NULL;
	ui_control(r, "group_add", NULL, p, &o, &res);
	cJSON_Delete(p);
	ui_form_free(&f);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
	if (!strcmp(o.kind, "ok") && cJSON_IsNumber(id)) {
		char page[64];
		snprintf(page, sizeof page, "/groups/%lld",
		         (long long)id->valuedouble);
		snprintf(o.msg, sizeof o.msg, "created");
		cJSON_Delete(res);
		ui_redirect_outcome(r, page, page, "Group", &o);
		return;
	}
	cJSON_Delete(res);
	ui_redirect_outcome(r, "/groups", "/groups", "New group", &o);
}
