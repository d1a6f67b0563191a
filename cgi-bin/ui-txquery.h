/*
 * ui-txquery.h — the filtered transaction list: totals of the whole
 * filtered set and one page of rows, fast on a million transactions.
 *
 * How it stays fast (docs/benchmarks-dashboard.md has the figures):
 * - filters on a charge point or an id tag use idx_tx_cp_start / idx_tx_tag,
 *   whose ranges are small: COUNT and SUM over them are cheap;
 * - otherwise the per-day summary table tx_daily, when the schema has it,
 *   gives counts and energy per day, and a deep page starts with a jump to
 *   its day instead of skipping OFFSET rows;
 * - without tx_daily, pages in the back half are read from the oldest end
 *   (ui_page_reverse) so only middle pages pay a long OFFSET.
 * Totals and rows are read in one transaction, so they agree.
 */
#ifndef CSMS_UI_TXQUERY_H
#define CSMS_UI_TXQUERY_H

#include <stdint.h>

#include "ui-shared.h"

enum ui_tx_status { UI_TX_ANY, UI_TX_ACTIVE, UI_TX_COMPLETED };

struct ui_tx_filter {
	const char *cp_id;  /* NULL: any charge point */
	const char *id_tag; /* NULL: any tag (compared case-insensitively) */
	enum ui_tx_status status;
	int64_t from;    /* start_ts >= from; DB_NULL_TIME: open */
	int64_t to_excl; /* start_ts < to_excl; DB_NULL_TIME: open */
};

struct ui_tx_totals {
	long long count;  /* transactions in the filtered set */
	long long active; /* of which still running */
	double wh;        /* energy of the finished ones */
	int from_summary; /* counted from tx_daily */
};

/*
 * Totals of the filtered set, then rows [offset, offset + limit) newest
 * first as ui_tx_vars() rows appended to *rows.  Returns 0; 1 when offset
 * is past the end (totals are filled, no rows, and offset 0 of an empty set
 * is not past the end); -1 on a database error (nothing answered).
 */
int ui_tx_query(struct ui_req *r, const struct ui_tx_filter *f,
                long long offset, long limit, struct ui_tx_totals *tot,
                TMPL_loop **rows);

#endif
