/*
 * ui-accounts.h — the Accounts page (web accounts and their roles, set
 * through ocppd's account_set / account_delete) and the Audit page (who
 * changed what and when).  Admins only: dashboard.c's route table says so.
 */
#ifndef CSMS_UI_ACCOUNTS_H
#define CSMS_UI_ACCOUNTS_H

#include "ui-shared.h"

void ui_accounts(struct ui_req *r, const char *arg);
void ui_accounts_post(struct ui_req *r, const char *arg);
void ui_audit(struct ui_req *r, const char *arg);

#endif
