/*
 * txquery.h — the filtered transaction history, as the API's
 * /transactions and the dashboard's transaction list both read it: totals
 * of the whole filtered set and one page of rows, newest first, fast on a
 * million transactions.
 *
 * How it stays fast (docs/benchmarks-dashboard.md has the figures):
 * - a filter on a charge point or an id tag uses idx_tx_cp_start /
 *   idx_tx_tag, whose ranges are small: totals are counted directly, and
 *   pages in the back half are read from the oldest end;
 * - otherwise the per-day summary tx_daily (sql/002_tx_daily.sql, summed
 *   over its shards) gives the counts and energy of each day, and a page
 *   is read between the end of the day that holds its first row and the
 *   start of the day that holds its last: at most a few days of index,
 *   never a long OFFSET, and days between that hold no matching row (a
 *   session left open for months, for "the running ones") are skipped.
 *   A day that the from/to times cut in two is counted exactly from the
 *   index instead.
 * - rows are found in the index alone (a deferred join), and only the
 *   page's rows are read in full.
 * - every row of a wide filter (limit < 0 from offset 0: the CSV export)
 *   is read one day at a time straight off idx_tx_start, newest first,
 *   so rows go out as the database reads them, unsorted and unbuffered.
 * Totals and rows of a page are read in one transaction, so they agree.
 */
#ifndef CSMS_TXQUERY_H
#define CSMS_TXQUERY_H

#include <stdint.h>

#include "db.h"

enum txq_status { TXQ_ANY, TXQ_ACTIVE, TXQ_COMPLETED };

struct txq_filter {
	const char *cp_id;  /* NULL: any charge point */
	const char *id_tag; /* NULL: any tag (the column compares without
	                       case) */
	enum txq_status status;
	int64_t from;    /* start_ts >= from; DB_NULL_TIME: open */
	int64_t to_excl; /* start_ts < to_excl; DB_NULL_TIME: open */
};

struct txq_totals {
	long long count;  /* transactions in the filtered set */
	long long active; /* of which still running */
	long long wh;     /* energy of the finished ones (money_energy_wh) */
	/* Of the finished ones, those with a stored cost (tx_costs): their
	 * gross in cents of the configured currency, and their energy. */
	long long cost_cents;
	long long cost_wh;
};

/* The cost of the totals: the stored costs, and the energy of the
 * sessions without one (stopped before tariffs existed) at
 * price_per_kwh; in cents. */
long long txq_cost_cents(const struct txq_totals *t, double price_per_kwh);

/*
 * The newest whole-meter (no phase) value of `measurand` of transaction
 * `tx`, in its base unit, an SQL expression: one dive into
 * idx_mv_tx_measurand (transaction_id, measurand, phase, ts), read
 * backwards from the newest, so its cost grows neither with the length of
 * the session nor with the other measurands it reports (a session that
 * never sends a SoC costs one index lookup, not a walk of all its values).
 * sql/013_meter_values_measurand_index.sql made that index.
 */
#define TXQ_SQL_LATEST(tx, measurand)                                          \
	"(SELECT mv.value_num FROM meter_values mv "                           \
	"WHERE mv.transaction_id = " tx " "                                    \
	"AND mv.measurand = '" measurand "' "                                  \
	"AND mv.phase IS NULL AND mv.value_num IS NOT NULL "                   \
	"ORDER BY mv.ts DESC LIMIT 1)"

/* The newest whole-meter energy reading (Wh) of transaction `tx`. */
#define TXQ_SQL_LATEST_WH(tx)                                                  \
	TXQ_SQL_LATEST(tx, "Energy.Active.Import.Register")

/* A finished session's stored cost (sql/024, txcost_view.h parses it):
 * one primary-key lookup per row, NULL while it runs or when it was never
 * priced. */
#define TXQ_SQL_COST                                                           \
	"(SELECT CONCAT_WS(' ', c.gross_minor, c.net_minor, c.vat_minor, "     \
	"c.energy_minor, c.time_minor, c.idle_minor, c.fee_minor, "            \
	"c.adjust_minor, c.minor_digits, c.vat_rate_bp, "                      \
	"c.prices_include_vat, IFNULL(c.tariff_version_id, 0), c.charging_s, " \
	"c.idle_s, c.idle_billed_s, c.energy_wh, IF(c.currency = '', '-', "    \
	"c.currency)) FROM tx_costs c WHERE c.tx_id = t.id)"

/* The columns of every row txquery reads, in enum txq_col order, of the
 * transactions row "t". */
#define TXQ_COLUMNS                                                            \
	"t.id, t.cp_id, t.connector_id, t.id_tag, t.meter_start, "             \
	"t.meter_stop, t.start_ts, t.stop_ts, t.stop_reason, " TXQ_SQL_COST
/* The optional last column: the newest reading of a running transaction
 * (NULL once it has stopped). */
#define TXQ_COL_LATEST_WH                                                      \
	"IF(t.stop_ts IS NULL, " TXQ_SQL_LATEST_WH("t.id") ", NULL)"

enum txq_col {
	TXQ_ID,
	TXQ_CP,
	TXQ_CONN,
	TXQ_TAG,
	TXQ_MSTART,
	TXQ_MSTOP,
	TXQ_START,
	TXQ_STOP,
	TXQ_REASON,
	TXQ_COST,      /* TXQ_SQL_COST */
	TXQ_LATEST_WH, /* only with txq_page.latest_wh */
	TXQ_NCOLS = TXQ_LATEST_WH
};

/* What a caller wants of a page. */
struct txq_page {
	long long offset;
	long long limit; /* rows from offset; below zero: all of them */
	int latest_wh;   /* add TXQ_COL_LATEST_WH as column TXQ_LATEST_WH */
	int count_only;  /* only totals.count is wanted: a count through a
	                    charge point's or a tag's index reads no rows */
	/* Called once, after the totals and the first rows query succeeded
	 * (or when there are no rows to read), before the first row: a
	 * streamed answer sends its headers here, so a failure before it
	 * can still be an error response.  May be NULL. */
	void (*begin)(void *arg);
	/* Called for each row, newest first. */
	void (*row)(const struct db_rows *rows, void *arg);
	void *arg;
};

/*
 * Totals of the filtered set, then rows [offset, offset + limit) handed to
 * p->row, all in one read-only transaction.  Returns 0; 1 when offset is
 * past the end (totals are filled, no rows; offset 0 of an empty set is
 * not past the end); -1 on a database error (db->err says which; when
 * p->begin was called, rows may have been handed over already).
 */
int txq_page(struct db *db, const struct txq_filter *f,
             const struct txq_page *p, struct txq_totals *tot);

/* Only the totals (for counters: /stats, the overview).  0 or -1. */
int txq_totals(struct db *db, const struct txq_filter *f,
               struct txq_totals *tot);

#endif
