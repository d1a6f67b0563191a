/*
 * ui-txquery.c — totals and pages of the filtered transaction list.
 *
 * lib/db.h caches a prepared statement by the address of its SQL text, so
 * the statement for each combination of filters is built once per process
 * and kept.  Every statement binds the same parameters in the same order;
 * a filter that is not in use appears as "? IS NULL" with a NULL bound, a
 * condition on no column that cannot change the plan.
 */
#include "ui-txquery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ui-format.h"
#include "ui-paging.h"
#include "ui-txrow.h"

#define ER_NO_SUCH_TABLE   1146
#define SUMMARY_RECHECK_MS 60000 /* a migration may add tx_daily later */

enum {
	F_CP = 1,
	F_TAG = 2,
	F_FROM = 4,
	F_UPPER = 8,
	F_ACTIVE = 16,
	F_DONE = 32,
	F_MASKS = 64
};
enum sql_kind { Q_TOTALS, Q_DESC, Q_ASC, Q_KINDS };

/* Built on first use, kept for the process (the db cache keys on them). */
static char *sql_cache[Q_KINDS][F_MASKS];

/* Energy of a finished transaction; a meter that went backwards is 0. */
#define TX_WH                                                                  \
	"IF(t.meter_stop IS NULL, 0, GREATEST(t.meter_stop - t.meter_start, "  \
	"0))"

static const char sql_days[] =
    "SELECT day, SUM(n), SUM(n_active), SUM(wh) FROM tx_daily "
    "WHERE (? IS NULL OR day >= ?) AND (? IS NULL OR day < ?) "
    "GROUP BY day ORDER BY day DESC";

static int64_t summary_absent_until;

static const char *build_sql(enum sql_kind kind, unsigned mask)
{
	if (sql_cache[kind][mask])
		return sql_cache[kind][mask];
	const char *where_cp = mask & F_CP ? "t.cp_id = ?" : "? IS NULL";
	const char *where_tag = mask & F_TAG ? "t.id_tag = ?" : "? IS NULL";
	const char *where_from =
	    mask & F_FROM ? "t.start_ts >= ?" : "? IS NULL";
	const char *where_upper =
	    mask & F_UPPER ? "t.start_ts < ?" : "? IS NULL";
	const char *where_status = mask & F_ACTIVE ? " AND t.stop_ts IS NULL"
	                           : mask & F_DONE
	                               ? " AND t.stop_ts IS NOT NULL"
	                               : "";
	char *sql = NULL;
	int n;
	if (kind == Q_TOTALS)
		n = asprintf(&sql,
		             "SELECT COUNT(*), COALESCE(SUM(" TX_WH "), 0), "
		             "COALESCE(SUM(t.stop_ts IS NULL), 0) "
		             "FROM transactions t WHERE %s AND %s AND %s AND "
		             "%s%s",
		             where_cp, where_tag, where_from, where_upper,
		             where_status);
	else
		/* Skipped rows are walked in the index only (a deferred
		 * join): full rows are read for the page alone, and come
		 * out newest first whichever end the page was read from. */
		n = asprintf(&sql,
		             "SELECT " UI_TX_COLUMNS " FROM (SELECT t.id "
		             "FROM transactions t WHERE %s AND %s AND %s AND "
		             "%s%s ORDER BY %s LIMIT ? OFFSET ?) k "
		             "JOIN transactions t ON t.id = k.id "
		             "ORDER BY t.start_ts DESC, t.id DESC",
		             where_cp, where_tag, where_from, where_upper,
		             where_status,
		             kind == Q_DESC ? "t.start_ts DESC, t.id DESC"
		                            : "t.start_ts, t.id");
	if (n < 0)
		return NULL;
	sql_cache[kind][mask] = sql;
	return sql;
}

static unsigned filter_mask(const struct ui_tx_filter *f, int64_t upper)
{
	unsigned m = 0;
	if (f->cp_id)
		m |= F_CP;
	if (f->id_tag)
		m |= F_TAG;
	if (f->from != DB_NULL_TIME)
		m |= F_FROM;
	if (upper != DB_NULL_TIME)
		m |= F_UPPER;
	if (f->status == UI_TX_ACTIVE)
		m |= F_ACTIVE;
	if (f->status == UI_TX_COMPLETED)
		m |= F_DONE;
	return m;
}

static int exact_totals(struct ui_req *r, const struct ui_tx_filter *f,
                        struct ui_tx_totals *tot)
{
	struct db_rows rows;
	const char *sql = build_sql(Q_TOTALS, filter_mask(f, f->to_excl));
	if (!sql || db_query(r->db, &rows, sql, "sstt", f->cp_id, f->id_tag,
	                     f->from, f->to_excl))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0) {
		tot->count = db_int(&rows, 0);
		tot->wh = db_dbl(&rows, 1);
		tot->active = db_int(&rows, 2);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

struct days {
	long long *count;
	int64_t *day;
	size_t n, cap;
};

static int days_push(struct days *d, int64_t day, long long count)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 512;
		long long *c = realloc(d->count, cap * sizeof *c);
		if (!c)
			return -1;
		d->count = c;
		int64_t *t = realloc(d->day, cap * sizeof *t);
		if (!t)
			return -1;
		d->day = t;
		d->cap = cap;
	}
	d->count[d->n] = count;
	d->day[d->n] = day;
	d->n++;
	return 0;
}

/*
 * Per-day counts from tx_daily, newest day first, and the totals.  1 when
 * the table does not exist (use the exact path), 0 ok, -1 error.  from and
 * to_excl are whole days here (the page only accepts dates).
 */
static int summary_days(struct ui_req *r, const struct ui_tx_filter *f,
                        struct days *d, struct ui_tx_totals *tot)
{
	struct db_rows rows;
	char from[16], to[16];
	ui_fmt_datetime(f->from, from, sizeof from);
	ui_fmt_datetime(f->to_excl, to, sizeof to);
	from[10] = to[10] = '\0';
	const char *fp = f->from == DB_NULL_TIME ? NULL : from;
	const char *tp = f->to_excl == DB_NULL_TIME ? NULL : to;

	if (db_query(r->db, &rows, sql_days, "ssss", fp, fp, tp, tp)) {
		if (r->db->last_errno == ER_NO_SUCH_TABLE) {
			summary_absent_until = r->now + SUMMARY_RECHECK_MS;
			return 1;
		}
		return -1;
	}
	int rc;
	while ((rc = db_next(&rows)) > 0) {
		int64_t day;
		long long n = db_int(&rows, 1), act = db_int(&rows, 2);
		double wh = db_dbl(&rows, 3);
		if (ui_parse_date(db_str(&rows, 0), &day))
			continue;
		long long c = f->status == UI_TX_ACTIVE      ? act
		              : f->status == UI_TX_COMPLETED ? n - act
		                                             : n;
		if (f->status != UI_TX_ACTIVE)
			tot->wh += wh;
		if (f->status != UI_TX_COMPLETED)
			tot->active += act;
		tot->count += c;
		if (days_push(d, day, c)) {
			rc = -1;
			break;
		}
	}
	db_rows_end(&rows);
	tot->from_summary = rc == 0;
	return rc < 0 ? -1 : 0;
}

static int read_rows(struct ui_req *r, const struct ui_tx_filter *f,
                     enum sql_kind kind, int64_t upper, long long offset,
                     long limit, TMPL_loop **out)
{
	struct db_rows rows;
	const char *sql = build_sql(kind, filter_mask(f, upper));
	int rc;

	if (!sql || db_query(r->db, &rows, sql, "ssttil", f->cp_id, f->id_tag,
	                     f->from, upper, (int)limit, offset))
		return -1;
	while ((rc = db_next(&rows)) > 0)
		*out = TMPL_add_varlist(*out, ui_tx_vars(r, &rows));
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

static int query_in_tx(struct ui_req *r, const struct ui_tx_filter *f,
                       long long offset, long limit, struct ui_tx_totals *tot,
                       TMPL_loop **rows)
{
	struct days d = {0};
	int rc = 1;

	/* A charge point or tag narrows the set through its own index;
	 * the summary only pays for the wide filters. */
	if (!f->cp_id && !f->id_tag && r->now >= summary_absent_until)
		rc = summary_days(r, f, &d, tot);
	if (rc < 0)
		goto out;
	if (rc == 1) {
		memset(tot, 0, sizeof *tot);
		if ((rc = exact_totals(r, f, tot)))
			goto out;
	}
	if (offset >= tot->count) {
		rc = offset == 0 ? 0 : 1;
		goto out;
	}
	if (tot->from_summary) {
		size_t day;
		long long inner;
		if (ui_page_locate(d.count, d.n, offset, &day, &inner)) {
			rc = 1;
			goto out;
		}
		int64_t upper = d.day[day] + 86400000LL;
		if (f->to_excl != DB_NULL_TIME && f->to_excl < upper)
			upper = f->to_excl;
		rc = read_rows(r, f, Q_DESC, upper, inner, limit, rows);
	} else if (offset > tot->count / 2) {
		long long asc_offset;
		long asc_limit;
		ui_page_reverse(tot->count, offset, limit, &asc_offset,
		                &asc_limit);
		rc = read_rows(r, f, Q_ASC, f->to_excl, asc_offset, asc_limit,
		               rows);
	} else {
		rc = read_rows(r, f, Q_DESC, f->to_excl, offset, limit, rows);
	}
out:
	free(d.count);
	free(d.day);
	return rc;
}

int ui_tx_query(struct ui_req *r, const struct ui_tx_filter *f,
                long long offset, long limit, struct ui_tx_totals *tot,
                TMPL_loop **rows)
{
	memset(tot, 0, sizeof *tot);
	/* One snapshot: the totals and the page describe the same rows. */
	if (db_begin(r->db))
		return -1;
	int rc = query_in_tx(r, f, offset, limit, tot, rows);
	if (rc < 0) {
		char err[sizeof r->db->err];
		unsigned no = r->db->last_errno;
		memcpy(err, r->db->err, sizeof err);
		db_rollback(r->db);
		/* Keep the first error for the log and the 503/500 choice. */
		memcpy(r->db->err, err, sizeof err);
		r->db->last_errno = no;
		return -1;
	}
	if (db_commit(r->db))
		return -1;
	return rc;
}
