/*
 * ui-group.c — see ui-group.h.
 */
#include "ui-group.h"
#include "webrole.h"

#include <stdio.h>
#include <string.h>

#include "param.h"
#include "ui-error.h"
#include "ui-post.h"

#define CPS_MAX 1000

static const char sql_group[] =
    "SELECT id, name, description FROM cp_groups WHERE id = ?";
static const char sql_members[] =
    "SELECT cp.id, cp.connected, cp.retired, cp.firmware_version FROM "
    "cp_group_members m JOIN charge_points cp ON cp.id = m.cp_id WHERE "
    "m.group_id = ? ORDER BY cp.id LIMIT ?";

static long long group_id_of(const char *arg)
{
	long long id;
	return param_parse_int(arg, 1, 2147483647, &id) ? 0 : id;
}

void ui_group(struct ui_req *r, const char *arg)
{
	long long id = group_id_of(arg);
	if (!id) {
		ui_error(r, 404, "Group not found", "No group has this id.");
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_group, "l", id)) {
		ui_db_error(r, "group");
		return;
	}
	int rc = db_next(&rows);
	TMPL_varlist *vl = NULL;
	if (rc > 0) {
		vl = ui_add_fmt(NULL, "id", "%lld", id);
		vl = TMPL_add_var(vl, "name", db_str(&rows, 1), "group_page",
		                  "1", (char *)NULL);
		if (db_str(&rows, 2) && *db_str(&rows, 2))
			vl = TMPL_add_var(vl, "description", db_str(&rows, 2),
			                  (char *)NULL);
		vl = ui_frame_vars(r, vl, db_str(&rows, 1), "groups", 0);
	}
	db_rows_end(&rows);
	if (rc <= 0) {
		TMPL_free_varlist(vl);
		if (rc < 0)
			ui_db_error(r, "group");
		else
			ui_error(r, 404, "Group not found",
			         "No group has this id.");
		return;
	}
	if (db_query(r->db, &rows, sql_members, "li", id, CPS_MAX)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "charge points");
		return;
	}
	TMPL_loop *loop = NULL;
	const char *token = ui_csrf_for(r);
	while ((rc = db_next(&rows)) > 0) {
		TMPL_varlist *c =
		    TMPL_add_var(NULL, "cp_id", db_str(&rows, 0), (char *)NULL);
		if (db_int(&rows, 1) == 1)
			c = TMPL_add_var(c, "online", "1", (char *)NULL);
		if (db_int(&rows, 2))
			c = TMPL_add_var(c, "retired", "1", (char *)NULL);
		if (db_str(&rows, 3))
			c = TMPL_add_var(c, "firmware", db_str(&rows, 3),
			                 (char *)NULL);
		/* The loop's rows see only their own names. */
		c = ui_add_fmt(c, "id", "%lld", id);
		if (token && r->role >= ROLE_ADMIN)
			c = TMPL_add_var(c, "csrf", token, (char *)NULL);
		loop = TMPL_add_varlist(loop, c);
	}
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "cps", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "charge points");
		return;
	}
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "group.tmpl", vl);
}

void ui_group_post(struct ui_req *r, const char *arg)
{
	long long id = group_id_of(arg);
	if (!id) {
		ui_error(r, 404, "Group not found", "No group has this id.");
		return;
	}
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *what = ui_form_get(&f, "do");
	const char *cp = ui_form_get(&f, "cp_id");
	const char *op = NULL, *done = NULL;
	if (what && !strcmp(what, "update")) {
		op = "group_update";
		done = "saved";
	} else if (what && !strcmp(what, "delete")) {
		op = "group_delete";
		done = "deleted";
	} else if (what && !strcmp(what, "add_cp")) {
		op = "group_add_cp";
		done = "charge point added";
	} else if (what && !strcmp(what, "remove_cp")) {
		op = "group_remove_cp";
		done = "charge point removed";
	}
	char page[64];
	snprintf(page, sizeof page, "/groups/%lld", id);
	struct ui_outcome o = {"invalid", "unknown action"};
	if (op) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "id", (double)id);
		if (!strcmp(what, "update")) {
			const char *name = ui_form_get(&f, "name");
			const char *desc = ui_form_get(&f, "description");
			cJSON_AddStringToObject(p, "name", name ? name : "");
			if (desc && *desc)
				cJSON_AddStringToObject(p, "description", desc);
			else
				cJSON_AddNullToObject(p, "description");
		}
		int member =
		    !strcmp(what, "add_cp") || !strcmp(what, "remove_cp");
		if (member && (!cp || !*cp)) {
			snprintf(o.msg, sizeof o.msg, "cp_id: required");
		} else {
			ui_control(r, op, member ? cp : NULL, p, &o, NULL);
			if (!strcmp(o.kind, "ok"))
				snprintf(o.msg, sizeof o.msg, "%s", done);
		}
		cJSON_Delete(p);
	}
	ui_form_free(&f);
	if (!strcmp(o.kind, "ok") && !strcmp(what, "delete"))
		ui_redirect_outcome(r, "/groups", "/groups", "Group", &o);
	else
		ui_redirect_outcome(r, page, page, "Group", &o);
}
