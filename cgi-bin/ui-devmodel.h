/*
 * ui-devmodel.h — GET /cp/{id}/variables: a 2.0.1 station's device model
 * (device_vars, as its NotifyReports described it), by component.
 */
#ifndef CSMS_UI_DEVMODEL_H
#define CSMS_UI_DEVMODEL_H

#include "ui-shared.h"

/* id is the station's id (the '*' of the route). */
void ui_devmodel(struct ui_req *r, const char *id);

#endif
