/*
 * ui-approvals.h — /approvals: the charge points whose BootNotification is
 * not answered Accepted — new ones held Pending (new_cp_boot_answer =
 * Pending) and rejected ones — with Approve and Reject buttons that POST
 * to /approvals (ocppd's cp_set_boot; an approved charge point that is
 * connected is asked to boot again at once).  docs/registration.md.
 */
#ifndef CSMS_UI_APPROVALS_H
#define CSMS_UI_APPROVALS_H

#include "ui-shared.h"

void ui_approvals(struct ui_req *r, const char *arg);
void ui_approval_post(struct ui_req *r, const char *arg);

#endif
