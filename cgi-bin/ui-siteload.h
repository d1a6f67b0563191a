/*
 * ui-siteload.h — the site page's load management card: each session's
 * share and what its charge point answered, the defaults, and the latest
 * decisions (loadquery.h, docs/load-management.md).
 */
#ifndef CSMS_UI_SITELOAD_H
#define CSMS_UI_SITELOAD_H

#include "ui-shared.h"

/* Adds lm_alloc and lm_decisions loops to *vl for the site; nothing when
 * there is none.  0, or -1 on a database error. */
int ui_siteload_vars(struct ui_req *r, long long site_id, TMPL_varlist **vl);

#endif
