/*
 * ui-devmodel.c — /cp/{id}/variables: a 2.0.1 station's device model as
 * its NotifyReports left it in device_vars (what GET /cps/{id}/variables
 * reads), browsed by component: the list of components with how many
 * attributes each has, and the chosen component's variables a page at a
 * time, each writable one with a SetVariables form, and a Refresh that
 * asks for a new report (GetBaseReport).  The forms POST to
 * /cp/{id}/command (ui-command.c) and come back here with the outcome.
 *
 * A station may report thousands of variables: the components come from
 * one GROUP BY over the station's primary key range, and only one page
 * of one component's rows is read in full.
 */
#include "ui-devmodel.h"

#include <stdio.h>
#include <string.h>

#include "ocpp_secret.h"
#include "param.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define CP_ID_MAX      50  /* charge_points.id */
#define NAME_MAX_LEN   50  /* device_vars' component and variable columns */
#define PER_PAGE       100 /* variables of one component on a page */
#define COMPONENTS_MAX 1000

static const char sql_cp[] = "SELECT protocol FROM charge_points WHERE id = ?";

/* The primary key's order: one range read, grouped as it goes. */
static const char sql_components[] =
    "SELECT component, component_instance, evse_id, connector_id, "
    "COUNT(*), SUM(mutability IS NULL OR mutability <> 'ReadOnly') "
    "FROM device_vars WHERE cp_id = ? "
    "GROUP BY component, component_instance, evse_id, connector_id "
    "ORDER BY component, component_instance, evse_id, connector_id "
    "LIMIT 1000";
_Static_assert(COMPONENTS_MAX == 1000, "sql_components' LIMIT");

static const char sql_count[] =
    "SELECT COUNT(*) FROM device_vars WHERE cp_id = ? AND component = ? "
    "AND component_instance = ? AND evse_id = ? AND connector_id = ?";

static const char sql_vars[] =
    "SELECT variable, variable_instance, attr_type, value, mutability, "
    "data_type, unit, updated_at FROM device_vars WHERE cp_id = ? "
    "AND component = ? AND component_instance = ? AND evse_id = ? "
    "AND connector_id = ? "
    "ORDER BY variable, variable_instance, attr_type LIMIT ? OFFSET ?";

/* The component a page shows: its key columns ('' and -1 = not given,
 * as the table stores them). */
struct comp {
	const char *name, *instance;
	long long evse, conn;
};

/* "EVSEManager (inst) EVSE 1 connector 2" */
static void comp_label(const char *name, const char *inst, long long evse,
                       long long conn, char *out, size_t n)
{
	int k = snprintf(out, n, "%s", name);
	if (inst && *inst && k >= 0 && (size_t)k < n)
		k += snprintf(out + k, n - k, " (%s)", inst);
	if (evse >= 0 && k >= 0 && (size_t)k < n)
		k += snprintf(out + k, n - k, " · EVSE %lld", evse);
	if (conn >= 0 && k >= 0 && (size_t)k < n)
		snprintf(out + k, n - k, " connector %lld", conn);
}

/* The query string that selects a component. */
static void comp_qs(struct ui_qs *qs, const char *name, const char *inst,
                    long long evse, long long conn)
{
	ui_qs_init(qs);
	ui_qs_add(qs, "component", name);
	if (inst && *inst)
		ui_qs_add(qs, "instance", inst);
	if (evse >= 0)
		ui_qs_add_long(qs, "evse", (long)evse);
	if (conn >= 0)
		ui_qs_add_long(qs, "connector", (long)conn);
}

static int add_components(struct ui_req *r, const char *id,
                          const struct comp *sel, TMPL_varlist **vl)
{
	struct db_rows rows;
	TMPL_loop *loop = NULL;
	long long total = 0;
	int rc, n = 0;
	if (db_query(r->db, &rows, sql_components, "s", id))
		return -1;
	while ((rc = db_next(&rows)) > 0) {
		char label[200];
		struct ui_qs qs;
		const char *name = db_str(&rows, 0) ? db_str(&rows, 0) : "";
		const char *inst = db_str(&rows, 1) ? db_str(&rows, 1) : "";
		long long evse = db_int(&rows, 2), conn = db_int(&rows, 3);
		comp_label(name, inst, evse, conn, label, sizeof label);
		comp_qs(&qs, name, inst, evse, conn);
		TMPL_varlist *row =
		    TMPL_add_var(NULL, "label", label, "qs", qs.buf,
		                 "component", name, (char *)NULL);
		row = ui_add_fmt(row, "count", "%lld", db_int(&rows, 4));
		row = ui_add_fmt(row, "writable", "%lld", db_int(&rows, 5));
		if (sel->name && !strcmp(sel->name, name) &&
		    !strcmp(sel->instance, inst) && sel->evse == evse &&
		    sel->conn == conn)
			row = TMPL_add_var(row, "current", "1", (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
		total += db_int(&rows, 4);
		n++;
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "components", loop);
	*vl = ui_add_fmt(*vl, "component_count", "%d", n);
	*vl = ui_add_fmt(*vl, "var_total", "%lld", total);
	if (n >= COMPONENTS_MAX)
		*vl = TMPL_add_var(*vl, "components_cut", "1", (char *)NULL);
	return rc < 0 ? -1 : 0;
}

static TMPL_varlist *var_row(struct ui_req *r, const struct db_rows *rows)
{
	char when[32], iso[32];
	const char *var = db_str(rows, 0) ? db_str(rows, 0) : "";
	const char *mut = db_str(rows, 4);
	const char *value = db_str(rows, 3);
	/* A station should not report its password; one that does has it
	 * shown to no one (as the API masks it). */
	int secret = ocpp_secret_key(var) != 0;
	TMPL_varlist *row = TMPL_add_var(
	    NULL, "variable", var, "vinstance",
	    db_str(rows, 1) ? db_str(rows, 1) : "", "attr",
	    db_str(rows, 2) ? db_str(rows, 2) : "", "mutability",
	    mut ? mut : "", "data_type", db_str(rows, 5) ? db_str(rows, 5) : "",
	    "unit", db_str(rows, 6) ? db_str(rows, 6) : "", (char *)NULL);
	if (value)
		row = TMPL_add_var(row, "value",
		                   secret ? OCPP_SECRET_MASK : value,
		                   "has_value", "1", (char *)NULL);
	if (!secret && value)
		row = TMPL_add_var(row, "edit_value", value, (char *)NULL);
	if (!mut || strcmp(mut, "ReadOnly"))
		row = TMPL_add_var(row, "writable", "1", (char *)NULL);
	int64_t ms = db_time_ms(rows, 7);
	if (ms != DB_NULL_TIME) {
		ui_fmt_datetime(ms, when, sizeof when);
		ui_fmt_iso(ms, iso, sizeof iso);
		row = TMPL_add_var(row, "when", when, "when_iso", iso,
		                   (char *)NULL);
	}
	(void)r;
	return row;
}

static int add_vars(struct ui_req *r, const char *id, const struct comp *c,
                    long long page, const char *id_seg, TMPL_varlist **vl)
{
	struct db_rows rows;
	long long total = 0;
	int rc;
	if (db_query(r->db, &rows, sql_count, "sssii", id, c->name, c->instance,
	             (int)c->evse, (int)c->conn))
		return -1;
	if ((rc = db_next(&rows)) > 0)
		total = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	long pages = ui_page_count(total, PER_PAGE);
	if (page > pages)
		page = pages;
	if (db_query(r->db, &rows, sql_vars, "sssiiii", id, c->name,
	             c->instance, (int)c->evse, (int)c->conn, PER_PAGE,
	             (int)((page - 1) * PER_PAGE)))
		return -1;
	TMPL_loop *loop = NULL;
	while ((rc = db_next(&rows)) > 0)
		loop = TMPL_add_varlist(loop, var_row(r, &rows));
	db_rows_end(&rows);
	if (rc < 0) {
		if (loop)
			*vl = TMPL_add_loop(*vl, "variables", loop);
		return -1;
	}
	char label[200], path[3 * CP_ID_MAX + 20];
	struct ui_qs qs;
	comp_label(c->name, c->instance, c->evse, c->conn, label, sizeof label);
	comp_qs(&qs, c->name, c->instance, c->evse, c->conn);
	*vl = TMPL_add_var(*vl, "selected", label, "sel_component", c->name,
	                   "sel_instance", c->instance, (char *)NULL);
	if (c->evse >= 0)
		*vl = ui_add_fmt(*vl, "sel_evse", "%lld", c->evse);
	if (c->conn >= 0)
		*vl = ui_add_fmt(*vl, "sel_connector", "%lld", c->conn);
	*vl = ui_add_fmt(*vl, "sel_count", "%lld", total);
	if (loop)
		*vl = TMPL_add_loop(*vl, "variables", loop);
	snprintf(path, sizeof path, "/cp/%s/variables", id_seg);
	*vl = ui_pager_vars(r, *vl, path, qs.buf, (long)page, pages);
	return 0;
}

/* The component named by the query (name NULL: none chosen); -1 after
 * answering 400. */
static int selected(struct ui_req *r, struct comp *c, long long *page)
{
	c->name = cgi_param(r->cgi, "component");
	c->instance = cgi_param(r->cgi, "instance");
	if (!c->instance)
		c->instance = "";
	if (param_int_or_400(&r->params, "evse", -1, 0, 2147483647LL,
	                     &c->evse) ||
	    param_int_or_400(&r->params, "connector", -1, 0, 2147483647LL,
	                     &c->conn) ||
	    param_int_or_400(&r->params, "page", 1, 1, 1000000, page))
		return -1;
	if (c->name && !*c->name)
		c->name = NULL;
	if ((c->name &&
	     (strlen(c->name) > NAME_MAX_LEN || !param_text_ok(c->name))) ||
	    strlen(c->instance) > NAME_MAX_LEN || !param_text_ok(c->instance)) {
		ui_bad_param(r, "component", "is not a component name");
		return -1;
	}
	return 0;
}

void ui_devmodel(struct ui_req *r, const char *id)
{
	if (!*id || strlen(id) > CP_ID_MAX || !param_text_ok(id)) {
		ui_error(r, 404, "Charge point not found",
		         "No charge point has this id.");
		return;
	}
	struct comp c;
	long long page;
	if (selected(r, &c, &page))
		return;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_cp, "s", id)) {
		ui_db_error(r, "charge point");
		return;
	}
	int rc = db_next(&rows);
	int v201 = rc > 0 && ui_protocol_201(db_str(&rows, 0));
	db_rows_end(&rows);
	if (rc < 0) {
		ui_db_error(r, "charge point");
		return;
	}
	if (rc == 0) {
		ui_error(r, 404, "Charge point not found",
		         "No charge point has this id.");
		return;
	}
	char seg[3 * CP_ID_MAX + 1];
	ui_path_escape(id, seg, sizeof seg);
	TMPL_varlist *vl =
	    ui_frame_vars(r, NULL, "Device model", "overview", 0);
	vl = TMPL_add_var(vl, "id", id, "id_path", seg, (char *)NULL);
	if (v201)
		vl = TMPL_add_var(vl, "ocpp201", "1", (char *)NULL);
	if (add_components(r, id, &c, &vl) ||
	    (c.name && add_vars(r, id, &c, page, seg, &vl))) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "device model");
		return;
	}
	/* Without a token the forms are left out (the reason is logged). */
	const char *token = v201 ? ui_csrf_for(r) : NULL;
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "devmodel.tmpl", vl);
}
