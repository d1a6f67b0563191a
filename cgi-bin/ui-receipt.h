/*
 * ui-receipt.h — /receipts/{id}: a printable receipt of one session, the
 * stored cost line by line (ui-txcost.h), with a print stylesheet.
 */
#ifndef CSMS_UI_RECEIPT_H
#define CSMS_UI_RECEIPT_H

#include "ui-shared.h"

void ui_receipt(struct ui_req *r, const char *arg);

#endif
