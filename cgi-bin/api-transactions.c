/*
 * api-transactions.c — the charging history: pages, CSV export, detail,
 * and one transaction's meter values (filtered, JSON or CSV).
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
#include "mvquery.h"
#include "tariff.h"
#include "timeutil.h"
#include "txcost_view.h"
#include "txquery.h"

enum {
	COL_START_STATUS = TXQ_NCOLS,
	COL_RESERVATION,
	COL_STOP_TAG,
	COL_ANOMALY,
	COL_NOW_WH,
	COL_PROTOCOL,
	COL_CP_TX,
	COL_EVSE,
	COL_EVSE_CONN,
	COL_SEQ_MISSING,
	COL_REMOTE_START
};

static const char sql_one[] =
    "SELECT " TXQ_COLUMNS ", t.start_status, t.reservation_id, "
    "t.stop_id_tag, t.anomaly, " TXQ_SQL_LATEST_WH(
        "t.id") ", t.protocol, t.cp_tx_id, t.evse_id, t.evse_connector_id, "
                "t.seq_missing, t.remote_start_id FROM transactions t "
                "WHERE t.id = ?";
static const char sql_meter_values[] = MVQ_SQL("", "", "");

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
	/* The stored cost (txcost_view.h) when the stop priced it; a
	 * session stopped before tariffs existed keeps price_per_kwh. */
	struct txcost_view cv;
	int stored = !txcost_parse(db_str(rows, TXQ_COST), r->cfg, &cv);
	if (db_isnull(rows, TXQ_MSTOP)) {
		cJSON_AddNullToObject(tx, "energy_kwh");
		cJSON_AddNullToObject(tx, "cost");
	} else {
		long long wh = money_energy_wh(db_int(rows, TXQ_MSTART),
		                               db_int(rows, TXQ_MSTOP));
		api_json_num(tx, "energy_kwh", (double)wh / 1000);
		char amount[32];
		txcost_amount(&cv, cv.gross, amount);
		if (stored)
			cJSON_AddRawToObject(tx, "cost", amount);
		else
			api_json_num(
			    tx, "cost",
			    (double)money_cost_cents(
			        wh, money_price_micro(r->cfg->price_per_kwh)) /
			        100);
	}
	api_json_str(tx, "currency", stored ? cv.currency : r->cfg->currency);
	if (stored)
		cJSON_AddItemToObject(tx, "cost_breakdown", txcost_json(&cv));
	else
		cJSON_AddNullToObject(tx, "cost_breakdown");
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
		struct txcost_view sv;
		if (!txcost_parse(db_str(rows, TXQ_COST), r->cfg, &sv))
			txcost_amount(&sv, sv.gross, num);
		else
			money_format_cents(money_cost_cents(wh, price_micro),
			                   num);
		fputs(num, out);
	} else {
		fputs(",,", out);
	}
	putc(',', out);
	api_csv_text(out, r->cfg->currency);
	putc(',', out);
	api_csv_text(out, db_str(rows, TXQ_REASON));
	/* The stored breakdown after the older columns (empty when the
	 * session runs or was stopped before tariffs). */
	struct txcost_view cv;
	if (!txcost_parse(db_str(rows, TXQ_COST), r->cfg, &cv)) {
		const long long v[] = {cv.net,  cv.vat,  cv.gross, cv.energy,
		                       cv.time, cv.idle, cv.fee,   cv.adjust};
		for (int i = 0; i < 8; i++) {
			txcost_amount(&cv, v[i], num);
			fprintf(out, ",%s", num);
		}
		tariff_format_fixed(cv.vat_bp, 2, num);
		fprintf(out, ",%s,%s,", num, cv.currency);
		if (cv.version_id)
			fprintf(out, "%lld", cv.version_id);
	} else {
		fputs(",,,,,,,,,,", out);
	}
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
	      "stop_reason,cost_net,cost_vat,cost_gross,cost_energy,"
	      "cost_time,cost_idle,cost_fee,cost_adjustment,vat_rate,"
	      "cost_currency,tariff_version_id\r\n",
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

static void num_or_null(cJSON *o, const char *name, const struct db_rows *rows,
                        int col)
{
	if (db_isnull(rows, col))
		cJSON_AddNullToObject(o, name);
	else
		api_json_num(o, name, db_dbl(rows, col));
}

/* One sampled value (a row of MVQ_SQL); a rollup row says so and what it
 * stands for. */
static cJSON *mv_object(const struct db_rows *rows)
{
	cJSON *mv = cJSON_CreateObject();
	api_json_time(mv, "ts", db_time_ms(rows, MVQ_TS));
	api_json_str(mv, "measurand", db_str(rows, MVQ_MEASURAND));
	api_json_str(mv, "value", db_str(rows, MVQ_VALUE));
	num_or_null(mv, "value_num", rows, MVQ_NUM);
	api_json_str(mv, "num_unit", db_str(rows, MVQ_NUM_UNIT));
	api_json_str(mv, "unit", db_str(rows, MVQ_UNIT));
	api_json_str(mv, "phase", db_str(rows, MVQ_PHASE));
	api_json_str(mv, "context", db_str(rows, MVQ_CONTEXT));
	api_json_str(mv, "location", db_str(rows, MVQ_LOCATION));
	api_json_str(mv, "format", db_str(rows, MVQ_FORMAT));
	if (!db_isnull(rows, MVQ_SAMPLES)) {
		cJSON *ru = cJSON_AddObjectToObject(mv, "rollup");
		api_json_int(ru, "samples", db_int(rows, MVQ_SAMPLES));
		num_or_null(ru, "min", rows, MVQ_MIN);
		num_or_null(ru, "max", rows, MVQ_MAX);
		num_or_null(ru, "avg", rows, MVQ_AVG);
	}
	return mv;
}

static cJSON *meter_values(struct api_req *r, long long id)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_meter_values, "ll", id, id))
		return NULL;
	cJSON *list = cJSON_CreateArray();
	int rc;
	while ((rc = db_next(&rows)) == 1)
		cJSON_AddItemToArray(list, mv_object(&rows));
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
	int running = 0, conn = 0;
	char cp[51] = "", tag[37] = "";
	int64_t start_ms = 0;
	long long meter_start = 0, now_wh = 0;
	if (rc == 1) {
		tx = tx_object(r, &rows);
		api_json_str(tx, "start_status",
		             db_str(&rows, COL_START_STATUS));
		api_json_int_or_null(tx, "reservation_id",
		                     db_str(&rows, COL_RESERVATION));
		api_json_str(tx, "stop_id_tag", db_str(&rows, COL_STOP_TAG));
		api_json_str(tx, "anomaly", db_str(&rows, COL_ANOMALY));
		/* OCPP 2.0.1 sessions: the charger's own id, its EVSE and
		 * connector, and how many of its events never came
		 * (docs/ocpp201.md); null for 1.6. */
		api_json_str(tx, "protocol", db_str(&rows, COL_PROTOCOL));
		api_json_str(tx, "cp_transaction_id", db_str(&rows, COL_CP_TX));
		api_json_int_or_null(tx, "evse_id", db_str(&rows, COL_EVSE));
		api_json_int_or_null(tx, "evse_connector_id",
		                     db_str(&rows, COL_EVSE_CONN));
		api_json_int_or_null(tx, "seq_missing",
		                     db_str(&rows, COL_SEQ_MISSING));
		api_json_int_or_null(tx, "remote_start_id",
		                     db_str(&rows, COL_REMOTE_START));
		/* A running session: what it would cost if it stopped now
		 * (read after this row's result is closed). */
		running = db_isnull(&rows, TXQ_STOP);
		snprintf(cp, sizeof cp, "%s",
		         db_str(&rows, TXQ_CP) ? db_str(&rows, TXQ_CP) : "");
		snprintf(tag, sizeof tag, "%s",
		         db_str(&rows, TXQ_TAG) ? db_str(&rows, TXQ_TAG) : "");
		conn = (int)db_int(&rows, TXQ_CONN);
		start_ms = db_time_ms(&rows, TXQ_START);
		meter_start = db_int(&rows, TXQ_MSTART);
		now_wh = db_isnull(&rows, COL_NOW_WH)
		             ? meter_start
		             : (long long)db_dbl(&rows, COL_NOW_WH);
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
	struct txcost_view est;
	if (running &&
	    txcost_estimate(r->db, r->cfg, cp, conn, tag, start_ms, meter_start,
	                    now_wh, id, r->now_ms, &est)) {
		cJSON_Delete(tx);
		api_db_error(r);
		return;
	}
	if (running && est.estimate)
		cJSON_AddItemToObject(tx, "cost_estimate", txcost_json(&est));
	else
		cJSON_AddNullToObject(tx, "cost_estimate");
	cJSON *mv = meter_values(r, id);
	if (!mv) {
		cJSON_Delete(tx);
		api_db_error(r);
		return;
	}
	cJSON_AddItemToObject(tx, "meter_values", mv);
	api_send_json(r, 200, tx);
}

/* ---- GET /transactions/{id}/meter-values[.csv] ---- */

/* OCPP 1.6's Measurand and Phase values: a filter naming anything else is
 * a typo, answered 400 rather than with an empty list. */
static const char *const measurands[] = {
    "Current.Export",
    "Current.Import",
    "Current.Offered",
    "Energy.Active.Export.Register",
    "Energy.Active.Import.Register",
    "Energy.Reactive.Export.Register",
    "Energy.Reactive.Import.Register",
    "Energy.Active.Export.Interval",
    "Energy.Active.Import.Interval",
    "Energy.Reactive.Export.Interval",
    "Energy.Reactive.Import.Interval",
    "Frequency",
    "Power.Active.Export",
    "Power.Active.Import",
    "Power.Factor",
    "Power.Offered",
    "Power.Reactive.Export",
    "Power.Reactive.Import",
    "RPM",
    "SoC",
    "Temperature",
    "Voltage",
    NULL,
};
static const char *const phases[] = {"L1",    "L2",    "L3",   "N",
                                     "L1-N",  "L2-N",  "L3-N", "L1-L2",
                                     "L2-L3", "L3-L1", NULL};

/* Measurand filter as a FIND_IN_SET list: every measurand at most once,
 * so the list is bounded by the names above. */
#define MV_SET_MAX 640

static const char sql_tx_exists[] = "SELECT 1 FROM transactions WHERE id = ?";
static const char sql_mv_filtered[] =
    MVQ_SQL(MVQ_FILTER("ts"), MVQ_FILTER("ts_last"), "");

struct mv_filter {
	long long id;
	char set[MV_SET_MAX]; /* "SoC,Power.Active.Import" or "" */
	const char *phase;    /* "" for any */
	int64_t from, to_excl;
};

static int known(const char *const *list, const char *s, size_t len)
{
	for (int i = 0; list[i]; i++)
		if (strlen(list[i]) == len && !strncmp(list[i], s, len))
			return i;
	return -1;
}

/* Adds each name of a comma-separated value to f->set; -1 after a 400. */
static int add_measurands(struct api_req *r, struct mv_filter *f, const char *v,
                          unsigned *seen)
{
	while (*v) {
		size_t len = strcspn(v, ",");
		if (len) {
			int k = known(measurands, v, len);
			if (k < 0) {
				api_bad_param(r, "measurand",
				              "not an OCPP 1.6 measurand: %.*s",
				              (int)(len > 60 ? 60 : len), v);
				return -1;
			}
			if (!(*seen & (1u << k))) {
				*seen |= 1u << k;
				size_t used = strlen(f->set);
				snprintf(f->set + used, sizeof f->set - used,
				         "%s%s", used ? "," : "",
				         measurands[k]);
			}
		}
		v += len;
		if (*v == ',')
			v++;
	}
	return 0;
}

/* The id in the path and the filters; -1 after a 400. */
static int mv_filter_or_400(struct api_req *r, struct mv_filter *f)
{
	int has_from, has_to;
	unsigned seen = 0;
	memset(f, 0, sizeof *f);
	if (param_parse_int(r->arg, 1, INT_MAX, &f->id)) {
		api_bad_param(r, "id",
		              "a transaction id is a whole number from 1 to %d",
		              INT_MAX);
		return -1;
	}
	/* Repeatable: every measurand= counts, each may list several. */
	for (int i = 0; i < r->cgi->nparams; i++)
		if (!strcmp(r->cgi->params[i].name, "measurand") &&
		    add_measurands(r, f, r->cgi->params[i].value, &seen))
			return -1;
	if (param_text_or_400(&r->params, "phase", 10, "", &f->phase))
		return -1;
	if (*f->phase && known(phases, f->phase, strlen(f->phase)) < 0) {
		api_bad_param(r, "phase",
		              "must be one of L1, L2, L3, N, L1-N, "
		              "L2-N, L3-N, L1-L2, L2-L3, L3-L1");
		return -1;
	}
	if (param_time_or_400(&r->params, "from", 0, &f->from, &has_from) ||
	    param_time_or_400(&r->params, "to", 1, &f->to_excl, &has_to))
		return -1;
	if (!has_from)
		f->from = DB_NULL_TIME;
	if (!has_to)
		f->to_excl = DB_NULL_TIME;
	if (has_from && has_to && f->from >= f->to_excl) {
		api_bad_param(r, "from", "from must not be after to");
		return -1;
	}
	return 0;
}

/* 1 when the transaction exists, 0 after a 404, -1 after a 503/500. */
static int tx_exists_or_404(struct api_req *r, long long id)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_tx_exists, "l", id)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	if (!rc)
		api_error(r, 404, "not_found", "no transaction with this id");
	return rc;
}

static int mv_query(struct api_req *r, const struct mv_filter *f,
                    struct db_rows *rows)
{
	return db_query(r->db, rows, sql_mv_filtered,
	                "lsssstttt"
	                "lsssstttt",
	                f->id, f->set, f->set, f->phase, f->phase, f->from,
	                f->from, f->to_excl, f->to_excl, f->id, f->set, f->set,
	                f->phase, f->phase, f->from, f->from, f->to_excl,
	                f->to_excl);
}

static void mv_csv(struct api_req *r, const struct mv_filter *f)
{
	struct db_rows rows;
	char disp[128], ts[32];
	if (mv_query(r, f, &rows)) {
		api_db_error(r);
		return;
	}
	snprintf(disp, sizeof disp,
	         "Content-Disposition: attachment;"
	         " filename=\"transaction-%lld-meter-values.csv\"\r\n",
	         f->id);
	api_headers(r, 200, "text/csv; charset=utf-8", API_NO_STORE, disp);
	fputs("ts,measurand,phase,value,unit,value_num,num_unit,context,"
	      "location,format,rollup_samples,rollup_min,rollup_max,"
	      "rollup_avg\r\n",
	      r->out);
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		time_format_iso8601(db_time_ms(&rows, MVQ_TS), ts);
		fprintf(r->out, "%s,", ts);
		api_csv_text(r->out, db_str(&rows, MVQ_MEASURAND));
		putc(',', r->out);
		api_csv_text(r->out, db_str(&rows, MVQ_PHASE));
		putc(',', r->out);
		api_csv_text(r->out, db_str(&rows, MVQ_VALUE));
		putc(',', r->out);
		api_csv_text(r->out, db_str(&rows, MVQ_UNIT));
		putc(',', r->out);
		if (!db_isnull(&rows, MVQ_NUM))
			fprintf(r->out, "%.17g", db_dbl(&rows, MVQ_NUM));
		static const int tail[] = {MVQ_NUM_UNIT, MVQ_CONTEXT,
		                           MVQ_LOCATION, MVQ_FORMAT};
		for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++) {
			putc(',', r->out);
			api_csv_text(r->out, db_str(&rows, tail[i]));
		}
		/* Empty for a value as received. */
		static const int rollup[] = {MVQ_SAMPLES, MVQ_MIN, MVQ_MAX,
		                             MVQ_AVG};
		for (size_t i = 0; i < sizeof rollup / sizeof rollup[0]; i++) {
			putc(',', r->out);
			if (!db_isnull(&rows, rollup[i]))
				fprintf(r->out, "%.17g",
				        db_dbl(&rows, rollup[i]));
		}
		fputs("\r\n", r->out);
	}
	if (rc < 0)
		fprintf(stderr, "api: %s: CSV cut short: %s\n", r->cgi->path,
		        db_error(r->db));
	db_rows_end(&rows);
}

static void mv_json(struct api_req *r, const struct mv_filter *f)
{
	struct db_rows rows;
	if (mv_query(r, f, &rows)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	api_json_int(body, "transaction_id", f->id);
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc, n = 0;
	while ((rc = db_next(&rows)) == 1) {
		cJSON_AddItemToArray(items, mv_object(&rows));
		n++;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", n);
	api_send_json(r, 200, body);
}

static void meter_values_route(struct api_req *r, int csv)
{
	struct mv_filter f;
	static const char *const formats[] = {"json", "csv", NULL};
	if (mv_filter_or_400(r, &f))
		return;
	int fmt = param_choice_or_400(&r->params, "format", formats);
	if (fmt == -2)
		return;
	if (tx_exists_or_404(r, f.id) != 1)
		return;
	if (csv || fmt == 1)
		mv_csv(r, &f);
	else
		mv_json(r, &f);
}

void api_tx_meter_values(struct api_req *r)
{
	meter_values_route(r, 0);
}

void api_tx_meter_values_csv(struct api_req *r)
{
	meter_values_route(r, 1);
}
