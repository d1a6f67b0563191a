/*
 * ui-command.h — POST /cp/{id}/command: the charge point page's command
 * forms (Remote start/stop, Reset, Unlock, Change availability, Trigger
 * message, Change configuration), sent through ocppd and answered with a
 * 303 back to /cp/{id} showing the outcome.  A 2.0.1 station's forms
 * (ocpp=2.0.1) send the 2.0.1 commands; those of its device model page
 * (back=variables) come back to /cp/{id}/variables.
 */
#ifndef CSMS_UI_COMMAND_H
#define CSMS_UI_COMMAND_H

#include "ui-shared.h"

/* arg is "{id}/command". */
void ui_cp_command(struct ui_req *r, const char *arg);

#endif
