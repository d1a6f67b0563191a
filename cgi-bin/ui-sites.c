/*
 * ui-sites.c — see ui-sites.h.
 */
#include "ui-sites.h"

#include <stdio.h>
#include <string.h>

#include "sitequery.h"
#include "timeutil.h"
#include "ui-error.h"
#include "ui-post.h"
#include "ui-site.h"

#define SITES_MAX 500

static const char sql_page[] = SITEQ_PAGE;

void ui_sites(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_page, "ttli", time_day_start(r->now),
	             time_day_start(r->now), 0LL, SITES_MAX)) {
		ui_db_error(r, "sites");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Sites", "sites", 0);
	TMPL_loop *loop = NULL;
	int rc;
	while ((rc = db_next(&rows)) > 0)
		loop = TMPL_add_varlist(loop, ui_site_vars(r, &rows));
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "sites", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "sites");
		return;
	}
	const char *token = ui_csrf_for_admin(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = TMPL_add_var(vl, "forms", "1", "voltage", "230", "time_zone",
	                  "UTC", (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "sites.tmpl", vl);
}

void ui_sites_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	cJSON *p = ui_site_params(&f);
	/* A new site leaves out what is empty (the defaults apply). */
	static const char *const optional[] = {
	    "address", "latitude", "longitude", "grid_limit", "notes", NULL};
	for (int i = 0; optional[i]; i++)
		if (cJSON_IsNull(
		        cJSON_GetObjectItemCaseSensitive(p, optional[i])))
			cJSON_DeleteItemFromObjectCaseSensitive(p, optional[i]);
	if (!cJSON_GetObjectItemCaseSensitive(p, "grid_limit"))
		cJSON_DeleteItemFromObjectCaseSensitive(p, "grid_limit_unit");
	struct ui_outcome o = {"invalid", ""};
	cJSON *res = NULL;
	ui_control(r, "site_add", NULL, p, &o, &res);
	cJSON_Delete(p);
	ui_form_free(&f);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
	if (!strcmp(o.kind, "ok") && cJSON_IsNumber(id)) {
		char page[64];
		snprintf(page, sizeof page, "/sites/%lld",
		         (long long)id->valuedouble);
		snprintf(o.msg, sizeof o.msg, "created");
		cJSON_Delete(res);
		ui_redirect_outcome(r, page, page, "Site", &o);
		return;
	}
	cJSON_Delete(res);
	ui_redirect_outcome(r, "/sites", "/sites", "New site", &o);
}
