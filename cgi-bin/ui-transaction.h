/*
 * ui-transaction.h — one transaction: its figures, its curves (energy,
 * power, SoC) and its meter values.
 */
#ifndef CSMS_UI_TRANSACTION_H
#define CSMS_UI_TRANSACTION_H

#include "ui-shared.h"

/* /transactions/{id}: 400 for an id that is not a number, 404 for one that
 * is unknown. */
void ui_transaction(struct ui_req *r, const char *arg);

#endif
