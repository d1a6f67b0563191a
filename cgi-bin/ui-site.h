/*
 * ui-site.h — /sites/{id}: one site's fields and totals, its charge points
 * with their status, and the form that edits it or deletes it (POSTed to
 * /sites/{id}: ocppd's site_update, site_delete).  docs/sites.md.
 */
#ifndef CSMS_UI_SITE_H
#define CSMS_UI_SITE_H

#include <cjson/cJSON.h>

#include "ui-post.h"
#include "ui-shared.h"

void ui_site(struct ui_req *r, const char *arg);
void ui_site_post(struct ui_req *r, const char *arg);

/* The site form's fields as the control op's params: empty → null (or
 * left out: time_zone), a number as a number, anything else as the text
 * given, so ocppd's checks (sites_parse.c) are the only ones. */
cJSON *ui_site_params(const struct ui_form *f);

/* The variables of one site row (site.tmpl, sites.tmpl) from a
 * sitequery.h row. */
TMPL_varlist *ui_site_vars(struct ui_req *r, const struct db_rows *rows);

#endif
