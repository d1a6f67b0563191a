/*
 * ui-transactions.h — the paginated, filtered transaction history.
 */
#ifndef CSMS_UI_TRANSACTIONS_H
#define CSMS_UI_TRANSACTIONS_H

#include "ui-shared.h"

void ui_transactions(struct ui_req *r, const char *arg);

#endif
