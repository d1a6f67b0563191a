/*
 * ui-sites.h — /sites: every site with its totals (charge points, online,
 * charging, energy today) and the form that creates one (POSTed to
 * /sites: ocppd's site_add).  docs/sites.md.
 */
#ifndef CSMS_UI_SITES_H
#define CSMS_UI_SITES_H

#include "ui-shared.h"

void ui_sites(struct ui_req *r, const char *arg);
void ui_sites_post(struct ui_req *r, const char *arg);

#endif
