/*
 * ui-groups.h — the Groups page: every group with its member count, and
 * the form that creates one (group_add through ocppd; docs/sites.md).
 */
#ifndef CSMS_UI_GROUPS_H
#define CSMS_UI_GROUPS_H

#include "ui-shared.h"

void ui_groups(struct ui_req *r, const char *arg);
void ui_groups_post(struct ui_req *r, const char *arg);

#endif
