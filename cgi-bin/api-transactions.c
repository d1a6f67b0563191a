/*
 * api-transactions.c — the charging history: pages, CSV export, detail.
 *
 * Every filter maps to an index: cp_id to idx_tx_cp_start (cp_id,
 * start_ts), id_tag to idx_tx_tag (id_tag, start_ts), from/to to
 * idx_tx_start, and "active" to idx_tx_open (cp_id, connector_id,
 * stop_ts) through a loose index scan over the (cp_id, connector_id)
 * pairs, because stop_ts alone has no index of its own.  The order is
 * start_ts DESC, id DESC: the index order, so a page never sorts the
 * table.
 *
 * A page is found in two steps: the ids of the page from the index alone
 * (a covering scan, no row reads for the rows skipped), then those rows
 * by primary key.  Pages past the middle scan from the oldest end, so the
 * last page costs what the first does.  total and the page come from one
 * read-only transaction, so they agree even while ocppd writes.
 *
 * The SQL for a combination of filters is composed from fixed fragments
 * (never from values: those are bound) once per process, and kept, since
 * the statement cache keys on the address of the text.
 */
#include "api-transactions.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "api-json.h"
#include "api-params.h"
#include "api-text.h"
#include "timeutil.h"

enum {
	F_CP = 1,
	F_TAG = 2,
	F_ACTIVE = 4,
	F_DONE = 8,
	F_FROM = 16,
	F_TO = 32,
	F_ALL = 64
};

enum tx_kind { K_COUNT, K_PAGE_NEWEST, K_PAGE_OLDEST, K_CSV, K_KINDS };

struct tx_filter {
	unsigned mask;
	/* The bound values, in the order their '?' appear: cp_id, id_tag,
	 * from, to (times as DATETIME text, which compares through the
	 * index like a DATETIME). */
	const char *arg[4];
	int nargs;
	char from[32], to[32];
};

#define TX_COLS(a)                                                             \
	a "id, " a "cp_id, " a "connector_id, " a "id_tag, " a                 \
	  "meter_start, " a "meter_stop, " a "start_ts, " a "stop_ts, " a      \
	  "stop_reason"

enum {
	COL_ID,
	COL_CP,
	COL_CONN,
	COL_TAG,
	COL_MSTART,
	COL_MSTOP,
	COL_START,
	COL_STOP,
	COL_REASON,
	COL_START_STATUS,
	COL_RESERVATION,
	COL_STOP_TAG,
	COL_ANOMALY
};

static const char sql_one[] =
    "SELECT " TX_COLS("") ", start_status, reservation_id, stop_id_tag,"
                          " anomaly FROM transactions WHERE id = ?";
static const char sql_meter_values[] =
    "SELECT ts, measurand, value, value_num, unit, phase, context,"
    " location, format FROM meter_values WHERE transaction_id = ?"
    " ORDER BY ts, id";

static void put_from_where(FILE *f, unsigned mask)
{
	/* With a cp_id, its few transactions are read by idx_tx_cp_start
	 * and filtered on stop_ts; without, see API_SQL_OPEN_TX. */
	int by_cp = mask & F_CP;
	if ((mask & F_ACTIVE) && !by_cp)
		fputs(" FROM " API_SQL_OPEN_TX("t"), f);
	else
		fputs(" FROM transactions t", f);
	static const struct {
		unsigned bit;
		const char *cond;
	} conds[] = {
	    {F_CP, "t.cp_id = ?"},
	    {F_TAG, "t.id_tag = ?"},
	    {F_FROM, "t.start_ts >= ?"},
	    {F_TO, "t.start_ts < ?"},
	};
	const char *sep = " WHERE ";
	for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
		if (!(mask & conds[i].bit))
			continue;
		fprintf(f, "%s%s", sep, conds[i].cond);
		sep = " AND ";
	}
	if ((mask & F_ACTIVE) && by_cp)
		fprintf(f, "%st.stop_ts IS NULL", sep);
	if ((mask & F_DONE) && by_cp)
		fprintf(f, "%st.stop_ts IS NOT NULL", sep);
	/* "Not open" rather than "stop_ts IS NOT NULL": the scan stays on
	 * the (covering) start_ts index instead of reading every row. */
	if ((mask & F_DONE) && !by_cp)
		fprintf(f, "%st.id NOT IN (SELECT a.id FROM %s)", sep,
		        API_SQL_OPEN_TX("a"));
}

/* The statement for a kind of query and a set of filters; NULL when out
 * of memory.  Built once per process, then owned by the cache. */
static const char *tx_sql(enum tx_kind kind, unsigned mask)
{
	static char *cache[K_KINDS][F_ALL];
	if (cache[kind][mask])
		return cache[kind][mask];
	char *sql = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&sql, &len);
	if (!f)
		return NULL;
	switch (kind) {
	case K_COUNT:
		fputs("SELECT COUNT(*)", f);
		put_from_where(f, mask);
		break;
	case K_PAGE_NEWEST:
	case K_PAGE_OLDEST:
		fputs("SELECT " TX_COLS("x.") " FROM (SELECT t.id", f);
		put_from_where(f, mask);
		fputs(kind == K_PAGE_NEWEST
		          ? " ORDER BY t.start_ts DESC, t.id DESC"
		          : " ORDER BY t.start_ts, t.id",
		      f);
		fputs(" LIMIT ? OFFSET ?) k JOIN transactions x ON x.id = k.id"
		      " ORDER BY x.start_ts DESC, x.id DESC",
		      f);
		break;
	default:
		fputs("SELECT " TX_COLS("t."), f);
		put_from_where(f, mask);
		fputs(" ORDER BY t.start_ts DESC, t.id DESC", f);
		break;
	}
	if (fclose(f)) {
		free(sql);
		return NULL;
	}
	cache[kind][mask] = sql;
	return sql;
}

/* Runs a statement with the filter's values, then limit and offset when
 * the statement has them (extra arguments are ignored by the format). */
static int tx_query(struct api_req *r, struct db_rows *rows, enum tx_kind kind,
                    const struct tx_filter *f, long long limit,
                    long long offset)
{
	const char *sql = tx_sql(kind, f->mask);
	if (!sql)
		return -1;
	char fmt[8] = "ssss";
	fmt[f->nargs] = '\0';
	if (kind == K_PAGE_NEWEST || kind == K_PAGE_OLDEST)
		strcat(fmt, "ll");
	const char *const *a = f->arg;
	switch (f->nargs) {
	case 0:
		return db_query(r->db, rows, sql, fmt, limit, offset);
	case 1:
		return db_query(r->db, rows, sql, fmt, a[0], limit, offset);
	case 2:
		return db_query(r->db, rows, sql, fmt, a[0], a[1], limit,
		                offset);
	case 3:
		return db_query(r->db, rows, sql, fmt, a[0], a[1], a[2], limit,
		                offset);
	default:
		return db_query(r->db, rows, sql, fmt, a[0], a[1], a[2], a[3],
		                limit, offset);
	}
}

static void db_datetime(int64_t ms, char out[32])
{
	char iso[32];
	time_format_iso8601(ms, iso);
	/* "YYYY-MM-DDTHH:MM:SS.sssZ" -> "YYYY-MM-DD HH:MM:SS.sss" */
	iso[10] = ' ';
	iso[23] = '\0';
	memcpy(out, iso, 24);
}

/* The filters of /transactions and /transactions.csv; -1 after a 400. */
static int tx_filter_or_400(struct api_req *r, struct tx_filter *f)
{
	static const char *const statuses[] = {"active", "completed", NULL};
	memset(f, 0, sizeof *f);
	const char *cp_id, *id_tag;
	int64_t from, to;
	int has_from, has_to;
	int status = param_choice_or_400(r, "status", statuses);
	if (status == -2 || param_str_or_400(r, "cp_id", 50, &cp_id) ||
	    param_str_or_400(r, "id_tag", 20, &id_tag) ||
	    param_time_or_400(r, "from", 0, &from, &has_from) ||
	    param_time_or_400(r, "to", 1, &to, &has_to))
		return -1;
	if (has_from && has_to && from >= to) {
		api_bad_param(r, "from", "from must not be after to");
		return -1;
	}
	if (cp_id) {
		f->mask |= F_CP;
		f->arg[f->nargs++] = cp_id;
	}
	if (id_tag) {
		f->mask |= F_TAG;
		f->arg[f->nargs++] = id_tag;
	}
	if (has_from) {
		f->mask |= F_FROM;
		db_datetime(from, f->from);
		f->arg[f->nargs++] = f->from;
	}
	if (has_to) {
		f->mask |= F_TO;
		db_datetime(to, f->to);
		f->arg[f->nargs++] = f->to;
	}
	if (status == 0)
		f->mask |= F_ACTIVE;
	else if (status == 1)
		f->mask |= F_DONE;
	return 0;
}

static cJSON *tx_object(struct api_req *r, const struct db_rows *rows)
{
	cJSON *tx = cJSON_CreateObject();
	int64_t start = db_time_ms(rows, COL_START);
	int64_t stop = db_time_ms(rows, COL_STOP);
	api_json_int(tx, "id", db_int(rows, COL_ID));
	api_json_str(tx, "cp_id", db_str(rows, COL_CP));
	api_json_int(tx, "connector_id", db_int(rows, COL_CONN));
	api_json_str(tx, "id_tag", db_str(rows, COL_TAG));
	api_json_str(tx, "status",
	             stop == DB_NULL_TIME ? "active" : "completed");
	api_json_int(tx, "meter_start", db_int(rows, COL_MSTART));
	api_json_int_or_null(tx, "meter_stop", db_str(rows, COL_MSTOP));
	if (db_isnull(rows, COL_MSTOP)) {
		cJSON_AddNullToObject(tx, "energy_kwh");
		cJSON_AddNullToObject(tx, "cost");
	} else {
		long long wh = api_energy_wh(db_int(rows, COL_MSTART),
		                             db_int(rows, COL_MSTOP));
		api_json_num(tx, "energy_kwh", (double)wh / 1000);
		long long cents =
		    api_cost_cents(wh, api_price_micro(r->cfg->price_per_kwh));
		api_json_num(tx, "cost", (double)cents / 100);
	}
	api_json_str(tx, "currency", r->cfg->currency);
	api_json_time(tx, "start_ts", start);
	api_json_time(tx, "stop_ts", stop);
	/* A running transaction has run until now. */
	int64_t end = stop != DB_NULL_TIME ? stop : r->now_ms;
	api_json_int(tx, "duration_s", end > start ? (end - start) / 1000 : 0);
	api_json_str(tx, "stop_reason", db_str(rows, COL_REASON));
	return tx;
}

/* Adds the page's rows to items; -1 when the database failed. */
static int add_rows(struct api_req *r, struct db_rows *rows, cJSON *items)
{
	int rc;
	while ((rc = db_next(rows)) == 1)
		cJSON_AddItemToArray(items, tx_object(r, rows));
	return rc;
}

static int count_one(struct api_req *r, const struct tx_filter *f,
                     unsigned mask, long long *n)
{
	struct tx_filter g = *f;
	g.mask = mask;
	struct db_rows rows;
	if (tx_query(r, &rows, K_COUNT, &g, 0, 0))
		return -1;
	int rc = db_next(&rows);
	*n = rc == 1 ? db_int(&rows, 0) : 0;
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

static int count_rows(struct api_req *r, const struct tx_filter *f,
                      long long *total)
{
	if (!(f->mask & F_DONE) || (f->mask & F_CP))
		return count_one(r, f, f->mask, total);
	/* Completed = all - open: two index scans, where counting "not
	 * open" directly would probe every row. */
	long long all, open;
	unsigned base = f->mask & ~(unsigned)F_DONE;
	if (count_one(r, f, base, &all) ||
	    count_one(r, f, base | F_ACTIVE, &open))
		return -1;
	*total = all - open;
	return 0;
}

/* Fills items with the page at offset of total rows. */
static int load_page(struct api_req *r, const struct tx_filter *f,
                     long long total, long long offset, long long per_page,
                     cJSON *items)
{
	if (offset >= total)
		return 0;
	struct db_rows rows;
	int rc;
	if (offset <= total / 2) {
		rc = tx_query(r, &rows, K_PAGE_NEWEST, f, per_page, offset);
	} else {
		/* The same rows counted from the oldest end. */
		long long from_end = total - offset - per_page;
		long long limit = per_page;
		if (from_end < 0) {
			limit += from_end;
			from_end = 0;
		}
		rc = tx_query(r, &rows, K_PAGE_OLDEST, f, limit, from_end);
	}
	if (rc)
		return -1;
	rc = add_rows(r, &rows, items);
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}

void api_tx_list(struct api_req *r)
{
	struct tx_filter f;
	long long page, per_page;
	if (tx_filter_or_400(r, &f) ||
	    param_int_or_400(r, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(r, "per_page", 20, 1, 500, &per_page))
		return;
	long long total = 0;
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	if (db_begin(r->db) || count_rows(r, &f, &total) ||
	    load_page(r, &f, total, (page - 1) * per_page, per_page, items) ||
	    db_commit(r->db)) {
		db_rollback(r->db);
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "page", page);
	api_json_int(body, "per_page", per_page);
	api_json_int(body, "total", total);
	api_json_int(body, "pages", (total + per_page - 1) / per_page);
	api_send_json(r, 200, body);
}

static void csv_row(struct api_req *r, const struct db_rows *rows,
                    long long price_micro)
{
	FILE *out = r->out;
	char start[32], stop[32] = "", num[32];
	int64_t start_ms = db_time_ms(rows, COL_START);
	int64_t stop_ms = db_time_ms(rows, COL_STOP);
	time_format_iso8601(start_ms, start);
	if (stop_ms != DB_NULL_TIME)
		time_format_iso8601(stop_ms, stop);
	int64_t end = stop_ms != DB_NULL_TIME ? stop_ms : r->now_ms;
	fprintf(out, "%lld,", db_int(rows, COL_ID));
	api_csv_text(out, db_str(rows, COL_CP));
	fprintf(out, ",%lld,", db_int(rows, COL_CONN));
	api_csv_text(out, db_str(rows, COL_TAG));
	fprintf(out, ",%s,%s,%s,%lld,%lld,",
	        stop_ms == DB_NULL_TIME ? "active" : "completed", start, stop,
	        (long long)(end > start_ms ? (end - start_ms) / 1000 : 0),
	        db_int(rows, COL_MSTART));
	if (!db_isnull(rows, COL_MSTOP)) {
		long long wh = api_energy_wh(db_int(rows, COL_MSTART),
		                             db_int(rows, COL_MSTOP));
		fprintf(out, "%lld,", db_int(rows, COL_MSTOP));
		api_format_kwh(wh, num);
		fprintf(out, "%s,", num);
		api_format_cents(api_cost_cents(wh, price_micro), num);
		fputs(num, out);
	} else {
		fputs(",,", out);
	}
	putc(',', out);
	api_csv_text(out, r->cfg->currency);
	putc(',', out);
	api_csv_text(out, db_str(rows, COL_REASON));
	fputs("\r\n", out);
}

void api_tx_csv(struct api_req *r)
{
	struct tx_filter f;
	if (tx_filter_or_400(r, &f))
		return;
	struct db_rows rows;
	/* Executed before the headers go out, so a failure is still a
	 * JSON error; a failure after them can only cut the file short. */
	if (tx_query(r, &rows, K_CSV, &f, 0, 0)) {
		api_db_error(r);
		return;
	}
	api_headers(r, 200, "text/csv; charset=utf-8", API_NO_STORE,
	            "Content-Disposition: attachment;"
	            " filename=\"transactions.csv\"\r\n");
	fputs("id,cp_id,connector_id,id_tag,status,start_ts,stop_ts,"
	      "duration_s,meter_start,meter_stop,energy_kwh,cost,currency,"
	      "stop_reason\r\n",
	      r->out);
	long long price_micro = api_price_micro(r->cfg->price_per_kwh);
	int rc = 0;
	while (!r->head_only && (rc = db_next(&rows)) == 1)
		csv_row(r, &rows, price_micro);
	if (rc < 0)
		fprintf(stderr, "api: %s: CSV cut short: %s\n", r->cgi->path,
		        db_error(r->db));
	db_rows_end(&rows);
}

static cJSON *meter_values(struct api_req *r, long long id)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_meter_values, "l", id))
		return NULL;
	cJSON *list = cJSON_CreateArray();
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		cJSON *mv = cJSON_CreateObject();
		api_json_time(mv, "ts", db_time_ms(&rows, 0));
		api_json_str(mv, "measurand", db_str(&rows, 1));
		api_json_str(mv, "value", db_str(&rows, 2));
		if (db_isnull(&rows, 3))
			cJSON_AddNullToObject(mv, "value_num");
		else
			api_json_num(mv, "value_num", db_dbl(&rows, 3));
		api_json_str(mv, "unit", db_str(&rows, 4));
		api_json_str(mv, "phase", db_str(&rows, 5));
		api_json_str(mv, "context", db_str(&rows, 6));
		api_json_str(mv, "location", db_str(&rows, 7));
		api_json_str(mv, "format", db_str(&rows, 8));
		cJSON_AddItemToArray(list, mv);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(list);
		return NULL;
	}
	return list;
}

void api_tx_one(struct api_req *r)
{
	long long id;
	if (api_parse_int(r->arg, 1, INT_MAX, &id)) {
		api_bad_param(r, "id",
		              "a transaction id is a whole number from 1 to %d",
		              INT_MAX);
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_one, "l", id)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *tx = NULL;
	if (rc == 1) {
		tx = tx_object(r, &rows);
		api_json_str(tx, "start_status",
		             db_str(&rows, COL_START_STATUS));
		api_json_int_or_null(tx, "reservation_id",
		                     db_str(&rows, COL_RESERVATION));
		api_json_str(tx, "stop_id_tag", db_str(&rows, COL_STOP_TAG));
		api_json_str(tx, "anomaly", db_str(&rows, COL_ANOMALY));
	}
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (!tx) {
		api_error(r, 404, "not_found", "no transaction with this id");
		return;
	}
	cJSON *mv = meter_values(r, id);
	if (!mv) {
		cJSON_Delete(tx);
		api_db_error(r);
		return;
	}
	cJSON_AddItemToObject(tx, "meter_values", mv);
	api_send_json(r, 200, tx);
}
