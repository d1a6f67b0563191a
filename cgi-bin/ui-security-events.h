/*
 * ui-security-events.h — the security events charge points reported
 * (SecurityEventNotification, docs/security-events.md): the fleet's on
 * /security-events (all, or only the critical ones), and the newest ten
 * on the charge point page.
 */
#ifndef CSMS_UI_SECURITY_EVENTS_H
#define CSMS_UI_SECURITY_EVENTS_H

#include "ui-shared.h"

void ui_security_events(struct ui_req *r, const char *arg);

/* Adds sec_events (rows: when, iso, type, info, critical) and the latest
 * log and signed firmware status to *vl for charge point id; 0, or -1 on
 * a database error. */
int ui_security_event_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);

#endif
