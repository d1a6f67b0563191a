/*
 * ui-txrow.h — one transaction as a table row, shared by the transactions
 * page and the charge point page so both show energy, cost and duration
 * the same way.
 */
#ifndef CSMS_UI_TXROW_H
#define CSMS_UI_TXROW_H

#include "ui-shared.h"

/*
 * The newest whole-meter energy reading (Wh) of transaction `tx`, an SQL
 * expression: a backward walk of idx_mv_tx (transaction_id, ts) that stops
 * at the first Energy.Active.Import.Register without a phase, so its cost
 * does not grow with the length of the session.
 */
#define UI_SQL_LATEST_WH(tx)                                                   \
	"(SELECT mv.value_num FROM meter_values mv "                           \
	"WHERE mv.transaction_id = " tx " "                                    \
	"AND mv.measurand = 'Energy.Active.Import.Register' "                  \
	"AND mv.phase IS NULL AND mv.value_num IS NOT NULL "                   \
	"ORDER BY mv.ts DESC LIMIT 1)"

/*
 * The columns every transaction query selects first, in this order; the
 * last one is the newest energy reading of a running transaction.
 */
#define UI_TX_COLUMNS                                                          \
	"t.id, t.cp_id, t.connector_id, t.id_tag, t.meter_start, "             \
	"t.meter_stop, t.start_ts, t.stop_ts, t.stop_reason, "                 \
	"IF(t.stop_ts IS NULL, " UI_SQL_LATEST_WH("t.id") ", NULL)"
#define UI_TX_NCOLS 10

/*
 * The row variables: id, cp, connector, tag, start, start_iso, stop,
 * stop_iso, active, duration, kwh, cost, reason.  The energy of a running
 * transaction is its latest reading minus meter_start ("so far"); a
 * negative difference (meter reset) counts as zero, as ocppd does.
 */
TMPL_varlist *ui_tx_vars(struct ui_req *r, const struct db_rows *rows);

#endif
