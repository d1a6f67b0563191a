/*
 * ui-txrow.h — one transaction as a table row, shared by the transactions
 * page and the charge point page so both show energy, cost and duration
 * the same way.
 */
#ifndef CSMS_UI_TXROW_H
#define CSMS_UI_TXROW_H

#include "txquery.h"
#include "ui-shared.h"

/*
 * The columns every transaction query of the dashboard selects first, in
 * this order (txquery.h's, then the newest energy reading of a running
 * transaction).
 */
#define UI_TX_COLUMNS TXQ_COLUMNS ", " TXQ_COL_LATEST_WH

/*
 * The row variables: id, cp, connector, tag, start, start_iso, stop,
 * stop_iso, active, duration, kwh, cost, reason.  The energy of a running
 * transaction is its latest reading minus meter_start ("so far"), in whole
 * Wh; a negative difference (meter reset) counts as zero, as ocppd does.
 * Energy and cost are money.c's, so they match the API's to the cent.
 */
TMPL_varlist *ui_tx_vars(struct ui_req *r, const struct db_rows *rows);

#endif
