/*
 * ui-receipt.c — see ui-receipt.h.  Two reads: the session (as every list
 * shows it, ui-txrow.c, with its site's name) and its cost.
 */
#include "ui-receipt.h"

#include <limits.h>
#include <stdio.h>

#include "param.h"
#include "ui-error.h"
#include "ui-txcost.h"
#include "ui-txrow.h"

static const char sql_tx[] =
    "SELECT " UI_TX_COLUMNS ", (SELECT s.name FROM charge_points c JOIN "
    "sites s ON s.id = c.site_id WHERE c.id = t.cp_id) FROM transactions t "
    "WHERE t.id = ?";

void ui_receipt(struct ui_req *r, const char *arg)
{
	long long id;
	if (param_parse_int(arg, 1, INT_MAX, &id)) {
		ui_error(r, 400, "Bad request",
		         "A transaction id is a whole number.");
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_tx, "l", id)) {
		ui_db_error(r, "receipt");
		return;
	}
	int rc = db_next(&rows);
	TMPL_varlist *vl = NULL;
	if (rc > 0) {
		vl = ui_tx_vars(r, &rows);
		const char *site = db_str(&rows, TXQ_LATEST_WH + 1);
		if (site)
			vl = TMPL_add_var(vl, "site", site, (char *)NULL);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "receipt");
		return;
	}
	if (!rc) {
		char msg[96];
		snprintf(msg, sizeof msg, "No transaction has the id %lld.",
		         id);
		ui_error(r, 404, "Transaction not found", msg);
		return;
	}
	if (ui_txcost_vars(r, id, &vl)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "receipt");
		return;
	}
	char title[48];
	snprintf(title, sizeof title, "Receipt %lld", id);
	ui_render(r, 200, "receipt.tmpl",
	          ui_frame_vars(r, vl, title, "transactions", 0));
}
