/*
 * ui-overview.h — the overview: every charge point with its connectors,
 * counters on top.
 */
#ifndef CSMS_UI_OVERVIEW_H
#define CSMS_UI_OVERVIEW_H

#include "ui-shared.h"

void ui_overview(struct ui_req *r, const char *arg);

#endif
