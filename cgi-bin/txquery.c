/*
 * txquery.c — totals and pages of the filtered transaction history (see
 * txquery.h for the plan).
 *
 * lib/db.h caches a prepared statement by the address of its SQL text, so
 * the statement for each combination of filters is built once per process
 * and kept.  Every statement binds the same parameters in the same order
 * (cp_id, id_tag, lower, upper[, limit, offset]); a filter that is not in
 * use appears as "? IS NULL" with a NULL bound, a condition on no column
 * that cannot change the plan.
 */
#include "txquery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"
#include "paging.h"
#include "timeutil.h"

enum {
	F_CP = 1,
	F_TAG = 2,
	F_LOWER = 4,
	F_UPPER = 8,
	F_ACTIVE = 16,
	F_DONE = 32,
	F_MASKS = 64
};
enum sql_kind { Q_TOTALS, Q_COUNT, Q_DESC, Q_ASC, Q_STREAM, Q_KINDS };

/* Energy of a finished transaction, as money_energy_wh and tx_daily count
 * it: a meter that went backwards is 0. */
#define TX_WH                                                                  \
	"IF(t.meter_stop IS NULL, 0, GREATEST(t.meter_stop - t.meter_start, "  \
	"0))"

/* A stored cost (tx_costs "c", joined) in cents, as sql/026's tx_daily
 * triggers count it; NULL without one. */
#define TX_COST_CENTS                                                          \
	"CAST(CASE WHEN c.minor_digits >= 2 THEN ROUND(c.gross_minor / "       \
	"POW(10, c.minor_digits - 2)) ELSE c.gross_minor * "                   \
	"POW(10, 2 - c.minor_digits) END AS SIGNED)"
#define TX_COST_FIGURES                                                        \
	"COALESCE(SUM(" TX_COST_CENTS "), 0), COALESCE(SUM(c.energy_wh), 0)"

long long txq_cost_cents(const struct txq_totals *t, double price_per_kwh)
{
	long long rest = t->wh > t->cost_wh ? t->wh - t->cost_wh : 0;
	return t->cost_cents +
	       money_cost_cents(rest, money_price_micro(price_per_kwh));
}

/* Per day, summed over the writers' shards; DATE as DATETIME so that
 * db_time_ms reads it. */
static const char sql_days[] =
    "SELECT CAST(day AS DATETIME), SUM(n), SUM(n_active), SUM(wh), "
    "SUM(cost_cents), SUM(cost_wh) "
    "FROM tx_daily WHERE (? IS NULL OR day >= ?) AND (? IS NULL OR day < ?) "
    "GROUP BY day ORDER BY day DESC";

/* The same figures for part of a day, from the index. */
static const char sql_window[] =
    "SELECT COUNT(*), COALESCE(SUM(t.stop_ts IS NULL), 0), "
    "COALESCE(SUM(" TX_WH "), 0), " TX_COST_FIGURES " FROM transactions t "
    "LEFT JOIN tx_costs c ON c.tx_id = t.id "
    "WHERE t.start_ts >= ? AND t.start_ts < ?";

/* Built on first use, kept for the process (the db cache keys on them). */
static const char *build_sql(enum sql_kind kind, unsigned mask, int latest)
{
	static char *cache[Q_KINDS][F_MASKS][2];
	if (cache[kind][mask][latest])
		return cache[kind][mask][latest];
	const char *cp = mask & F_CP ? "t.cp_id = ?" : "? IS NULL";
	const char *tag = mask & F_TAG ? "t.id_tag = ?" : "? IS NULL";
	const char *lower = mask & F_LOWER ? "t.start_ts >= ?" : "? IS NULL";
	const char *upper = mask & F_UPPER ? "t.start_ts < ?" : "? IS NULL";
	const char *status = mask & F_ACTIVE ? " AND t.stop_ts IS NULL"
	                     : mask & F_DONE ? " AND t.stop_ts IS NOT NULL"
	                                     : "";
	const char *cols =
	    latest ? TXQ_COLUMNS ", " TXQ_COL_LATEST_WH : TXQ_COLUMNS;
	char *sql = NULL;
	int n;
	switch (kind) {
	case Q_TOTALS:
		n = asprintf(
		    &sql,
		    "SELECT COUNT(*), COALESCE(SUM(t.stop_ts IS NULL), "
		    "0), COALESCE(SUM(" TX_WH "), 0), " TX_COST_FIGURES " "
		    "FROM transactions t LEFT JOIN tx_costs c ON c.tx_id = "
		    "t.id WHERE %s AND %s AND %s AND "
		    "%s%s",
		    cp, tag, lower, upper, status);
		break;
	case Q_COUNT:
		/* The same shape; COUNT(*) alone stays in the index. */
		n = asprintf(&sql,
		             "SELECT COUNT(*), 0, 0, 0, 0 FROM transactions t "
		             "WHERE %s AND %s AND %s AND %s%s",
		             cp, tag, lower, upper, status);
		break;
	case Q_STREAM:
		/* Every row of a range, newest first, straight off the
		 * index: (start_ts) with the primary key appended is the
		 * order, so rows go out as they are read, never sorted. */
		n = asprintf(&sql,
		             "SELECT %s FROM transactions t "
		             "WHERE %s AND %s AND %s AND %s%s "
		             "ORDER BY t.start_ts DESC, t.id DESC",
		             cols, cp, tag, lower, upper, status);
		break;
	default:
		/* Skipped rows are walked in the index only (a deferred
		 * join): full rows are read for the page alone, and come
		 * out newest first whichever end the page was read from. */
		n = asprintf(
		    &sql,
		    "SELECT %s FROM (SELECT t.id FROM transactions t "
		    "WHERE %s AND %s AND %s AND %s%s ORDER BY %s "
		    "LIMIT ? OFFSET ?) k JOIN transactions t "
		    "ON t.id = k.id ORDER BY t.start_ts DESC, t.id DESC",
		    cols, cp, tag, lower, upper, status,
		    kind == Q_DESC ? "t.start_ts DESC, t.id DESC"
		                   : "t.start_ts, t.id");
		break;
	}
	if (n < 0)
		return NULL;
	cache[kind][mask][latest] = sql;
	return sql;
}

static unsigned filter_mask(const struct txq_filter *f, int64_t lower,
                            int64_t upper)
{
	unsigned m = 0;
	if (f->cp_id)
		m |= F_CP;
	if (f->id_tag)
		m |= F_TAG;
	if (lower != DB_NULL_TIME)
		m |= F_LOWER;
	if (upper != DB_NULL_TIME)
		m |= F_UPPER;
	if (f->status == TXQ_ACTIVE)
		m |= F_ACTIVE;
	if (f->status == TXQ_COMPLETED)
		m |= F_DONE;
	return m;
}

/* The summary pays only for the wide filters: a charge point or a tag
 * narrows the set through its own index. */
static int use_summary(const struct txq_filter *f)
{
	return !f->cp_id && !f->id_tag;
}

static int exact_totals(struct db *db, const struct txq_filter *f,
                        int count_only, struct txq_totals *tot)
{
	struct db_rows rows;
	const char *sql = build_sql(count_only ? Q_COUNT : Q_TOTALS,
	                            filter_mask(f, f->from, f->to_excl), 0);
	if (!sql) {
		snprintf(db->err, sizeof db->err, "out of memory");
		return -1;
	}
	if (db_query(db, &rows, sql, "sstt", f->cp_id, f->id_tag, f->from,
	             f->to_excl))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0) {
		tot->count = db_int(&rows, 0);
		tot->active = db_int(&rows, 1);
		tot->wh = db_int(&rows, 2);
		tot->cost_cents = db_int(&rows, 3);
		tot->cost_wh = db_int(&rows, 4);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/* Per-day counts of the filtered set, newest day first, and each day's
 * running transactions whatever the filter's status. */
struct days {
	long long *count, *active;
	int64_t *day;
	size_t n, cap;
};

static void days_free(struct days *d)
{
	free(d->count);
	free(d->active);
	free(d->day);
}

static int days_push(struct days *d, int64_t day, long long count,
                     long long active)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 512;
		long long *c = realloc(d->count, cap * sizeof *c);
		if (!c)
			return -1;
		d->count = c;
		long long *a = realloc(d->active, cap * sizeof *a);
		if (!a)
			return -1;
		d->active = a;
		int64_t *t = realloc(d->day, cap * sizeof *t);
		if (!t)
			return -1;
		d->day = t;
		d->cap = cap;
	}
	d->count[d->n] = count;
	d->active[d->n] = active;
	d->day[d->n] = day;
	d->n++;
	return 0;
}

/*
 * The filter to read days [first, last] with: "completed" over days
 * where every transaction has stopped is every transaction, and without
 * the stop_ts condition the rows skipped to reach a page are walked in
 * idx_tx_start alone instead of read one by one (at 27,000 transactions a
 * day, a page deep in a day took 65 ms instead of a few).
 */
static struct txq_filter days_filter(const struct txq_filter *f,
                                     const struct days *d, size_t first,
                                     size_t last)
{
	struct txq_filter g = *f;
	if (f->status != TXQ_COMPLETED)
		return g;
	for (size_t j = first; j <= last && j < d->n; j++)
		if (d->active[j] > 0)
			return g;
	g.status = TXQ_ANY;
	return g;
}

/* n, n_active, wh, cost_cents and cost_wh of a day, or of [lo, hi). */
#define NFIG 5

/* The figures of [lo, hi) from the index, for a cut day. */
static int window_figures(struct db *db, int64_t lo, int64_t hi,
                          long long fig[NFIG])
{
	struct db_rows rows;
	if (db_query(db, &rows, sql_window, "tt", lo, hi))
		return -1;
	int rc = db_next(&rows);
	for (int i = 0; i < NFIG; i++)
		fig[i] = rc > 0 ? db_int(&rows, i) : 0;
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/* Adds one day's n, n_active and wh to the totals as the status filter
 * sees them; returns the day's count of matching rows. */
static long long add_day(const struct txq_filter *f, const long long fig[NFIG],
                         struct txq_totals *tot)
{
	long long c = f->status == TXQ_ACTIVE      ? fig[1]
	              : f->status == TXQ_COMPLETED ? fig[0] - fig[1]
	                                           : fig[0];
	if (f->status != TXQ_ACTIVE) {
		tot->wh += fig[2];
		tot->cost_cents += fig[3];
		tot->cost_wh += fig[4];
	}
	if (f->status != TXQ_COMPLETED)
		tot->active += fig[1];
	tot->count += c;
	return c;
}

/*
 * Totals and per-day counts (when d is not NULL) of a filter without
 * cp_id or id_tag, from tx_daily.  0 or -1.
 */
static int summary(struct db *db, const struct txq_filter *f, struct days *d,
                   struct txq_totals *tot)
{
	int64_t from = f->from, to = f->to_excl;
	/* Whole days: from's day, up to the day that holds to's last ms. */
	int64_t day_lo =
	    from == DB_NULL_TIME ? DB_NULL_TIME : time_day_start(from);
	int64_t day_hi = to == DB_NULL_TIME
	                     ? DB_NULL_TIME
	                     : time_day_start(to - 1) + MS_PER_DAY;
	struct db_rows rows;
	int rc;

	if (db_query(db, &rows, sql_days, "tttt", day_lo, day_lo, day_hi,
	             day_hi))
		return -1;
	/* Cut days are counted once the summary's result set is closed. */
	int64_t cut[2];
	int ncut = 0;
	while ((rc = db_next(&rows)) > 0) {
		int64_t day = db_time_ms(&rows, 0);
		long long fig[NFIG] = {db_int(&rows, 1), db_int(&rows, 2),
		                       db_int(&rows, 3), db_int(&rows, 4),
		                       db_int(&rows, 5)};
		if (day == DB_NULL_TIME)
			continue;
		if ((from != DB_NULL_TIME && day < from) ||
		    (to != DB_NULL_TIME && day + MS_PER_DAY > to)) {
			if (ncut < 2)
				cut[ncut++] = day;
			memset(fig, 0, sizeof fig);
		}
		long long c = add_day(f, fig, tot);
		if (d && days_push(d, day, c, fig[1])) {
			snprintf(db->err, sizeof db->err, "out of memory");
			rc = -1;
			break;
		}
	}
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	for (int i = 0; i < ncut; i++) {
		int64_t lo = cut[i] > from ? cut[i] : from;
		int64_t hi = to != DB_NULL_TIME && to < cut[i] + MS_PER_DAY
		                 ? to
		                 : cut[i] + MS_PER_DAY;
		long long fig[NFIG];
		if (window_figures(db, lo, hi, fig))
			return -1;
		long long c = add_day(f, fig, tot);
		for (size_t j = 0; d && j < d->n; j++)
			if (d->day[j] == cut[i]) {
				d->count[j] = c;
				d->active[j] = fig[1];
			}
	}
	return 0;
}

/* Where the rows of a page go: p's callbacks, begin called once. */
struct sink {
	const struct txq_page *p;
	int begun;
};

static void sink_begin(struct sink *k)
{
	if (!k->begun && k->p->begin)
		k->p->begin(k->p->arg);
	k->begun = 1;
}

static int read_rows(struct db *db, const struct txq_filter *f, struct sink *k,
                     enum sql_kind kind, int64_t lower, int64_t upper,
                     long long offset, long long limit)
{
	struct db_rows rows;
	const char *sql =
	    build_sql(kind, filter_mask(f, lower, upper), !!k->p->latest_wh);
	int rc;

	if (!sql) {
		snprintf(db->err, sizeof db->err, "out of memory");
		return -1;
	}
	if (kind == Q_STREAM ? db_query(db, &rows, sql, "sstt", f->cp_id,
	                                f->id_tag, lower, upper)
	                     : db_query(db, &rows, sql, "ssttll", f->cp_id,
	                                f->id_tag, lower, upper, limit, offset))
		return -1;
	sink_begin(k);
	while ((rc = db_next(&rows)) > 0)
		k->p->row(&rows, k->p->arg);
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

/*
 * The page through the per-day counts.  Days that hold matching rows come
 * in runs; each run the page touches is read with one query, from the end
 * of the day that holds its first row needed back to the start of the day
 * that holds its last, so neither a long OFFSET nor days without a
 * matching row are walked.
 */
static int page_by_days(struct db *db, const struct txq_filter *f,
                        struct sink *k, const struct days *d, long long offset,
                        long long limit)
{
	size_t i;
	long long inner;
	if (page_locate(d->count, d->n, offset, &i, &inner))
		return 1;
	while (limit > 0 && i < d->n) {
		size_t end = i; /* the run is [i, end) */
		long long in_run = 0;
		while (end < d->n && d->count[end] > 0)
			in_run += d->count[end++];
		long long take =
		    in_run - inner < limit ? in_run - inner : limit;
		size_t last = page_last_bucket(d->count, end, i, inner, take);
		int64_t upper = d->day[i] + MS_PER_DAY;
		if (f->to_excl != DB_NULL_TIME && f->to_excl < upper)
			upper = f->to_excl;
		int64_t lower = d->day[last];
		if (f->from != DB_NULL_TIME && f->from > lower)
			lower = f->from;
		struct txq_filter g = days_filter(f, d, i, last);
		if (read_rows(db, &g, k, Q_DESC, lower, upper, inner, take))
			return -1;
		limit -= take;
		inner = 0;
		for (i = end; i < d->n && d->count[i] <= 0; i++)
			;
	}
	return 0;
}

/*
 * Every matching row (an export), one day at a time, newest first: a
 * month is thirty reads that each start sending at once, where one read
 * of the whole month would be sorted on the server before its first row.
 */
static int stream_by_days(struct db *db, const struct txq_filter *f,
                          struct sink *k, const struct days *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->count[i] <= 0)
			continue;
		int64_t lower = d->day[i], upper = d->day[i] + MS_PER_DAY;
		if (f->from != DB_NULL_TIME && f->from > lower)
			lower = f->from;
		if (f->to_excl != DB_NULL_TIME && f->to_excl < upper)
			upper = f->to_excl;
		struct txq_filter g = days_filter(f, d, i, i);
		if (read_rows(db, &g, k, Q_STREAM, lower, upper, 0, -1))
			return -1;
	}
	return 0;
}

static int page_in_tx(struct db *db, const struct txq_filter *f, struct sink *k,
                      struct txq_totals *tot)
{
	const struct txq_page *p = k->p;
	struct days d = {0};
	int rc;

	if (use_summary(f))
		rc = summary(db, f, &d, tot);
	else
		rc = exact_totals(db, f, p->count_only, tot);
	if (rc)
		goto out;
	if (p->offset >= tot->count) {
		rc = p->offset == 0 ? 0 : 1;
		goto out;
	}
	long long limit = p->limit;
	if (limit < 0 || limit > tot->count - p->offset)
		limit = tot->count - p->offset;
	if (use_summary(f) && p->limit < 0 && p->offset == 0) {
		rc = stream_by_days(db, f, k, &d);
	} else if (use_summary(f)) {
		rc = page_by_days(db, f, k, &d, p->offset, limit);
	} else if (p->offset > tot->count / 2) {
		/* The back half, counted from the oldest end. */
		long long asc_offset;
		long asc_limit;
		page_reverse(tot->count, p->offset, (long)limit, &asc_offset,
		             &asc_limit);
		rc = read_rows(db, f, k, Q_ASC, f->from, f->to_excl, asc_offset,
		               asc_limit);
	} else {
		rc = read_rows(db, f, k, Q_DESC, f->from, f->to_excl, p->offset,
		               limit);
	}
out:
	days_free(&d);
	return rc;
}

int txq_page(struct db *db, const struct txq_filter *f,
             const struct txq_page *p, struct txq_totals *tot)
{
	struct sink k = {p, 0};
	memset(tot, 0, sizeof *tot);
	/* One snapshot: the totals and the page describe the same rows. */
	if (db_begin(db))
		return -1;
	int rc = page_in_tx(db, f, &k, tot);
	if (rc < 0) {
		char err[sizeof db->err];
		unsigned no = db->last_errno;
		memcpy(err, db->err, sizeof err);
		db_rollback(db);
		/* Keep the first error for the log and the 503/500 choice. */
		memcpy(db->err, err, sizeof err);
		db->last_errno = no;
		return -1;
	}
	if (db_commit(db))
		return -1;
	sink_begin(&k);
	return rc;
}

int txq_totals(struct db *db, const struct txq_filter *f,
               struct txq_totals *tot)
{
	memset(tot, 0, sizeof *tot);
	return use_summary(f) ? summary(db, f, NULL, tot)
	                      : exact_totals(db, f, 0, tot);
}
