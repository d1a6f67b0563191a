/*
 * ui-group.h — one group's page: its charge points (add, remove), rename,
 * delete (group_* through ocppd; docs/sites.md) and the form that sends a
 * command to all of them (bulkform.tmpl, ui-bulk.h).
 */
#ifndef CSMS_UI_GROUP_H
#define CSMS_UI_GROUP_H

#include "ui-shared.h"

void ui_group(struct ui_req *r, const char *arg);
void ui_group_post(struct ui_req *r, const char *arg);

#endif
