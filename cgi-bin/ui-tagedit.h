/*
 * ui-tagedit.h — POST /tags/edit: the tags page's forms (add a tag, block
 * or unblock one, delete one) through ocppd's tag_add, tag_update and
 * tag_delete, answered with a 303 back to /tags showing the outcome;
 * "group" sets a tag's parent and concurrent limit (tag_update).
 * POST /tags/import: the pasted CSV (tagcsv.h) through tag_import, answered
 * with the report page (tagimport.tmpl).
 */
#ifndef CSMS_UI_TAGEDIT_H
#define CSMS_UI_TAGEDIT_H

#include "ui-shared.h"

void ui_tag_edit(struct ui_req *r, const char *arg);
void ui_tag_import(struct ui_req *r, const char *arg);

#endif
