/*
 * ui-txcost.h — a session's cost breakdown as template variables, for the
 * transaction page's Cost card and the receipt (ui-receipt.c): the stored
 * cost of a finished session, or a running one's estimate.
 *
 * Variables: has_cost, cost_estimate, cost_currency, cost_gross,
 * cost_net, cost_vat, cost_vat_rate, cost_incl (prices include VAT),
 * cost_tariff (name, or empty for the default), cost_version, and the
 * loop cost_lines {label, detail, amount} (energy, time, idle, fee,
 * adjustment; lines of 0 left out except energy).
 */
#ifndef CSMS_UI_TXCOST_H
#define CSMS_UI_TXCOST_H

#include "tmpl.h"
#include "ui-shared.h"

/* The session's row is read by id; vl gets the variables (unchanged when
 * the session has no cost to show).  -1 on a database error. */
int ui_txcost_vars(struct ui_req *r, long long tx, TMPL_varlist **vl);

#endif
