/*
 * ui-tariffs.h — /tariffs: every tariff with its versions and where it
 * applies, and the forms that create a tariff, add a version (new
 * prices from a date), assign and unassign it, and delete it; each form
 * is one control request to ocppd (docs/tariffs.md).
 */
#ifndef CSMS_UI_TARIFFS_H
#define CSMS_UI_TARIFFS_H

#include "ui-shared.h"

void ui_tariffs(struct ui_req *r, const char *arg);
void ui_tariffs_post(struct ui_req *r, const char *arg);

#endif
