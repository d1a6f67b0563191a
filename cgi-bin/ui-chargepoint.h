/*
 * ui-chargepoint.h — one charge point: fields, connectors, last transactions,
 * 30-day chart; arg is its id.
 */
#ifndef CSMS_UI_CHARGEPOINT_H
#define CSMS_UI_CHARGEPOINT_H

#include "ui-shared.h"

void ui_chargepoint(struct ui_req *r, const char *arg);

#endif
