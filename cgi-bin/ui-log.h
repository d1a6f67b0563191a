/*
 * ui-log.h — a charge point's OCPP message log page,
 * /cp/{id}/log (GET), and the form that sets its level,
 * /cp/{id}/log-level (POST, to ocppd's control op cp_set_log).
 */
#ifndef CSMS_UI_LOG_H
#define CSMS_UI_LOG_H

#include "ui-shared.h"

void ui_log(struct ui_req *r, const char *id);
void ui_log_level(struct ui_req *r, const char *id);

#endif
