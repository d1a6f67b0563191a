/*
 * ui-tags.h — the id tags (users table), read-only.
 */
#ifndef CSMS_UI_TAGS_H
#define CSMS_UI_TAGS_H

#include "ui-shared.h"

void ui_tags(struct ui_req *r, const char *arg);

#endif
