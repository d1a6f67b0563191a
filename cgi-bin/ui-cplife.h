/*
 * ui-cplife.h — the charge point page's Site and lifecycle card: the site
 * it belongs to (a select of every site), its groups, its notes, and the
 * Retire / Bring back / Delete buttons, POSTed to /cp-life (ocppd's
 * cp_set_site, cp_set_notes, cp_retire, cp_unretire, cp_delete).
 * docs/sites.md.
 */
#ifndef CSMS_UI_CPLIFE_H
#define CSMS_UI_CPLIFE_H

#include "ui-shared.h"

/* Adds the card's variables (cplife.tmpl) for charge point id to *vl;
 * -1 on a database error. */
int ui_cplife_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);
void ui_cplife_post(struct ui_req *r, const char *arg);

#endif
