/*
 * api-transactions.c — the charging history: pages, CSV export, detail.
 *
 * The filters are checked here and handed to txquery.c, which the
 * dashboard's transaction list uses too: totals from the per-day summary
 * tx_daily (or the charge point's / id tag's own index), a page read from
 * the few days that hold it, newest first (start_ts DESC, id DESC, the
 * index order).  total and the page come from one read-only transaction,
 * so they agree even while ocppd writes.
 */
#include "api-transactions.h"

#include <limits.h>
#include <string.h>

#include "api-json.h"
#include "api-text.h"
#include "money.h"
#include "timeutil.h"
#include "txquery.h"

enum {
	COL_START_STATUS = TXQ_NCOLS,
	COL_RESERVATION,
	COL_STOP_TAG,
	COL_ANOMALY
};

static const char sql_one[] =
    "SELECT " TXQ_COLUMNS ", t.start_status, t.reservation_id, "
    "t.stop_id_tag, t.anomaly FROM transactions t WHERE t.id = ?";
static const char sql_meter_values[] =
    "SELECT ts, measurand, value, value_num, unit, phase, context,"
    " location, format, num_unit FROM meter_values WHERE transaction_id = ?"
    " ORDER BY ts, id";

/* The filters of /transactions and /transactions.csv; -1 after a 400. */
static int tx_filter_or_400(struct api_req *r, struct txq_filter *f)
{
	static const char *const statuses[] = {"active", "completed", NULL};
	memset(f, 0, sizeof *f);
	int has_from, has_to;
	int status = param_choice_or_400(&r->params, "status", statuses);
	if (status == -2 ||
	    param_text_or_400(&r->params, "cp_id", 50, NULL, &f->cp_id) ||
	    param_text_or_400(&r->params, "id_tag", 20, NULL, &f->id_tag) ||
	    param_time_or_400(&r->params, "from", 0, &f->from, &has_from) ||
	    param_time_or_400(&r->params, "to", 1, &f->to_excl, &has_to))
		return -1;
	if (has_from && has_to && f->from >= f->to_excl) {
		api_bad_param(r, "from", "from must not be after to");
		return -1;
	}
	if (!has_from)
		f->from = DB_NULL_TIME;
	if (!has_to)
		f->to_excl = DB_NULL_TIME;
	f->status = status == 0   ? TXQ_ACTIVE
	            : status == 1 ? TXQ_COMPLETED
	                          : TXQ_ANY;
	return 0;
}

static cJSON *tx_object(struct api_req *r, const struct db_rows *rows)
{
	cJSON *tx = cJSON_CreateObject();
	int64_t start = db_time_ms(rows, TXQ_START);
	int64_t stop = db_time_ms(rows, TXQ_STOP);
	api_json_int(tx, "id", db_int(rows, TXQ_ID));
	api_json_str(tx, "cp_id", db_str(rows, TXQ_CP));
	api_json_int(tx, "connector_id", db_int(rows, TXQ_CONN));
	api_json_str(tx, "id_tag", db_str(rows, TXQ_TAG));
	api_json_str(tx, "status",
	             stop == DB_NULL_TIME ? "active" : "completed");
	api_json_int(tx, "meter_start", db_int(rows, TXQ_MSTART));
	api_json_int_or_null(tx, "meter_stop", db_str(rows, TXQ_MSTOP));
	if (db_isnull(rows, TXQ_MSTOP)) {
		cJSON_AddNullToObject(tx, "energy_kwh");
		cJSON_AddNullToObject(tx, "cost");
	} else {
		long long wh = money_energy_wh(db_int(rows, TXQ_MSTART),
		                               db_int(rows, TXQ_MSTOP));
		api_json_num(tx, "energy_kwh", (double)wh / 1000);
		long long cents = money_cost_cents(
		    wh, money_price_micro(r->cfg->price_per_kwh));
		api_json_num(tx, "cost", (double)cents / 100);
	}
	api_json_str(tx, "currency", r->cfg->currency);
	api_json_time(tx, "start_ts", start);
	api_json_time(tx, "stop_ts", stop);
	/* A running transaction has run until now. */
	int64_t end = stop != DB_NULL_TIME ? stop : r->now_ms;
	api_json_int(tx, "duration_s", end > start ? (end - start) / 1000 : 0);
	api_json_str(tx, "stop_reason", db_str(rows, TXQ_REASON));
	return tx;
}

struct item_sink {
	struct api_req *r;
	cJSON *items;
};

static void add_item(const struct db_rows *rows, void *arg)
{
	struct item_sink *sink = arg;
	cJSON_AddItemToArray(sink->items, tx_object(sink->r, rows));
}

void api_tx_list(struct api_req *r)
{
	struct txq_filter f;
	long long page, per_page;
	if (tx_filter_or_400(r, &f) ||
	    param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 20, 1, 500, &per_page))
		return;
	cJSON *body = cJSON_CreateObject();
	struct item_sink sink = {r, cJSON_AddArrayToObject(body, "items")};
	struct txq_page pg = {
	    .offset = (page - 1) * per_page,
	    .limit = per_page,
	    .count_only = 1,
	    .row = add_item,
	    .arg = &sink,
	};
	struct txq_totals tot;
	/* A page past the end (1) is an empty list, not an error. */
	if (txq_page(r->db, &f, &pg, &tot) < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "page", page);
	api_json_int(body, "per_page", per_page);
	api_json_int(body, "total", tot.count);
	api_json_int(body, "pages", (tot.count + per_page - 1) / per_page);
	api_send_json(r, 200, body);
}

static void csv_row(struct api_req *r, const struct db_rows *rows,
                    long long price_micro)
{
	FILE *out = r->out;
	char start[32], stop[32] = "", num[32];
	int64_t start_ms = db_time_ms(rows, TXQ_START);
	int64_t stop_ms = db_time_ms(rows, TXQ_STOP);
	time_format_iso8601(start_ms, start);
	if (stop_ms != DB_NULL_TIME)
		time_format_iso8601(stop_ms, stop);
	int64_t end = stop_ms != DB_NULL_TIME ? stop_ms : r->now_ms;
	fprintf(out, "%lld,", db_int(rows, TXQ_ID));
	api_csv_text(out, db_str(rows, TXQ_CP));
	fprintf(out, ",%lld,", db_int(rows, TXQ_CONN));
	api_csv_text(out, db_str(rows, TXQ_TAG));
	fprintf(out, ",%s,%s,%s,%lld,%lld,",
	        stop_ms == DB_NULL_TIME ? "active" : "completed", start, stop,
	        (long long)(end > start_ms ? (end - start_ms) / 1000 : 0),
	        db_int(rows, TXQ_MSTART));
	if (!db_isnull(rows, TXQ_MSTOP)) {
		long long wh = money_energy_wh(db_int(rows, TXQ_MSTART),
		                               db_int(rows, TXQ_MSTOP));
		fprintf(out, "%lld,", db_int(rows, TXQ_MSTOP));
		money_format_kwh(wh, 3, num);
		fprintf(out, "%s,", num);
		money_format_cents(money_cost_cents(wh, price_micro), num);
		fputs(num, out);
	} else {
		fputs(",,", out);
	}
	putc(',', out);
	api_csv_text(out, r->cfg->currency);
	putc(',', out);
	api_csv_text(out, db_str(rows, TXQ_REASON));
	fputs("\r\n", out);
}

struct csv_sink {
	struct api_req *r;
	long long price_micro;
	int started;
};

static void csv_begin(void *arg)
{
	struct csv_sink *k = arg;
	k->started = 1;
	api_headers(k->r, 200, "text/csv; charset=utf-8", API_NO_STORE,
	            "Content-Disposition: attachment;"
	            " filename=\"transactions.csv\"\r\n");
	fputs("id,cp_id,connector_id,id_tag,status,start_ts,stop_ts,"
	      "duration_s,meter_start,meter_stop,energy_kwh,cost,currency,"
	      "stop_reason\r\n",
	      k->r->out);
}

static void csv_add(const struct db_rows *rows, void *arg)
{
	struct csv_sink *k = arg;
	csv_row(k->r, rows, k->price_micro);
}

void api_tx_csv(struct api_req *r)
{
	struct txq_filter f;
	if (tx_filter_or_400(r, &f))
		return;
	struct csv_sink k = {r, money_price_micro(r->cfg->price_per_kwh), 0};
	/* Every row, streamed as it is read; HEAD reads none.  The headers
	 * go out once the first query has run (csv_begin), so a failure
	 * before that is still a JSON error; one after can only cut the file
	 * short. */
	struct txq_page all = {
	    .offset = 0,
	    .limit = r->head_only ? 0 : -1,
	    .count_only = 1,
	    .begin = csv_begin,
	    .row = csv_add,
	    .arg = &k,
	};
	struct txq_totals tot;
	if (txq_page(r->db, &f, &all, &tot) < 0) {
		if (!k.started)
			api_db_error(r);
		else
			fprintf(stderr, "api: %s: CSV cut short: %s\n",
			        r->cgi->path, db_error(r->db));
	}
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
		api_json_str(mv, "num_unit", db_str(&rows, 9));
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
	if (param_parse_int(r->arg, 1, INT_MAX, &id)) {
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
