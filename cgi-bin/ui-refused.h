/*
 * ui-refused.h — /refused: the refused and unknown connection attempts
 * ocppd remembers (control op connection_attempts), so an installer sees
 * why a charger does not show up.
 */
#ifndef CSMS_UI_REFUSED_H
#define CSMS_UI_REFUSED_H

#include "ui-shared.h"

void ui_refused(struct ui_req *r, const char *arg);

#endif
