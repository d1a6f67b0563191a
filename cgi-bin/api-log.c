/*
 * api-log.c — the OCPP message log through the API; see api-log.h.
 *
 * Read with the read-only account like every other page; the level is
 * the one change, and goes to ocppd (which owns every write) as the
 * control op cp_set_log, under the same rules as every other change
 * (api_change_begin: auth, JSON body, no cross-site request).
 */
#include "api-log.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "api-text.h"
#include "logquery.h"
#include "timeutil.h"

#define LIST_LIMIT_DEFAULT   100
#define LIST_LIMIT_MAX       1000
#define EXPORT_LIMIT_DEFAULT 10000
#define EXPORT_LIMIT_MAX     100000

static const char sql_level[] =
    "SELECT log_level FROM charge_points WHERE id = ?";

/* The charge point and the filter; 0, or -1 after answering. */
static int begin(struct api_req *r, struct logq_filter *f, long long def,
                 long long max, long long *limit)
{
	if (logq_filter_or_400(&r->params, r->arg, f) ||
	    param_int_or_400(&r->params, "limit", def, 1, max, limit))
		return -1;
	int known = logq_cp_known(r->db, r->arg);
	if (known < 0) {
		api_db_error(r);
		return -1;
	}
	if (!known) {
		api_error(r, 404, "not_found", "no charge point with this id");
		return -1;
	}
	return 0;
}

static cJSON *row_json(const struct logq_row *w)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", (long long)w->id);
	api_json_time(o, "ts", w->ts);
	api_json_str(o, "direction", w->kind);
	api_json_str(o, "msg_type", w->msg_type);
	api_json_str(o, "msg_id", w->msg_id);
	api_json_str(o, "action", w->action);
	api_json_str(o, "error_code", w->error_code);
	api_json_str(o, "frame", w->frame);
	api_json_int(o, "frame_len", w->frame_len);
	cJSON_AddBoolToObject(o, "truncated",
	                      w->frame &&
	                          (long long)strlen(w->frame) < w->frame_len);
	api_json_str(o, "node_id", w->node_id);
	return o;
}

void api_log_list(struct api_req *r)
{
	struct logq_filter f;
	long long limit;
	if (begin(r, &f, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, &limit))
		return;
	struct db_rows rows;
	/* One more row than asked: whether there is a next page. */
	if (logq_open(r->db, &rows, &f, limit + 1)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	struct logq_row w;
	long long n = 0;
	int64_t last_ts = 0;
	unsigned long long last_id = 0;
	int rc, more = 0;
	while ((rc = logq_next(&rows, &w)) == 1) {
		if (n == limit) {
			more = 1;
			continue;
		}
		cJSON_AddItemToArray(items, row_json(&w));
		last_ts = w.ts;
		last_id = w.id;
		n++;
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_str(body, "cp_id", r->arg);
	api_json_int(body, "count", n);
	if (more) {
		char cur[LOGQ_CURSOR_MAX];
		logq_cursor_encode(last_ts, last_id, cur);
		api_json_str(body, "next_cursor", cur);
	} else {
		cJSON_AddNullToObject(body, "next_cursor");
	}
	api_send_json(r, 200, body);
}

/* Streams the rows: the headers once the query has run, so a failure
 * before that is a JSON error and one after can only cut the file. */
static void export(struct api_req *r, int csv)
{
	struct logq_filter f;
	long long limit;
	if (begin(r, &f, EXPORT_LIMIT_DEFAULT, EXPORT_LIMIT_MAX, &limit))
		return;
	struct db_rows rows;
	if (logq_open(r->db, &rows, &f, r->head_only ? 0 : limit)) {
		api_db_error(r);
		return;
	}
	api_headers(r, 200,
	            csv ? "text/csv; charset=utf-8"
	                : "application/x-ndjson; charset=utf-8",
	            API_NO_STORE,
	            csv ? "Content-Disposition: attachment;"
	                  " filename=\"ocpp-log.csv\"\r\n"
	                : "Content-Disposition: attachment;"
	                  " filename=\"ocpp-log.ndjson\"\r\n");
	if (csv)
		fputs("id,ts,direction,msg_type,msg_id,action,error_code,"
		      "frame_len,frame\r\n",
		      r->out);
	struct logq_row w;
	int rc;
	while ((rc = logq_next(&rows, &w)) == 1) {
		if (!csv) {
			api_json_write(r->out, row_json(&w));
			fputc('\n', r->out);
			continue;
		}
		char ts[32];
		time_format_iso8601(w.ts, ts);
		fprintf(r->out, "%llu,%s,%s,", w.id, ts, w.kind ? w.kind : "");
		api_csv_text(r->out, w.msg_type);
		fputc(',', r->out);
		api_csv_text(r->out, w.msg_id);
		fputc(',', r->out);
		api_csv_text(r->out, w.action);
		fputc(',', r->out);
		api_csv_text(r->out, w.error_code);
		fprintf(r->out, ",%lld,", w.frame_len);
		/* The frame is JSON: quoted (it holds commas), never a
		 * formula (it starts with '[' or '{'). */
		char *fixed = api_utf8_repair(w.frame ? w.frame : "");
		api_csv_text(r->out, fixed);
		free(fixed);
		fputs("\r\n", r->out);
	}
	db_rows_end(&rows);
	if (rc < 0)
		fprintf(stderr, "api: %s: export cut short: %s\n", r->cgi->path,
		        db_error(r->db));
}

void api_log_csv(struct api_req *r)
{
	export(r, 1);
}

void api_log_ndjson(struct api_req *r)
{
	export(r, 0);
}

/* GET: {"cp_id", "level": "all"|"errors"|"off"|null, "default"}. */
static void level_get(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_level, "s", r->arg)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *body = NULL;
	if (rc == 1) {
		body = cJSON_CreateObject();
		api_json_str(body, "cp_id", r->arg);
		api_json_str(body, "level", db_str(&rows, 0));
		api_json_str(body, "default", r->cfg->ocpp_log);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	if (!body) {
		api_error(r, 404, "not_found", "no charge point with this id");
		return;
	}
	api_send_json(r, 200, body);
}

void api_log_level(struct api_req *r)
{
	if (strcmp(r->cgi->method, "PUT")) {
		level_get(r);
		return;
	}
	cJSON *params = api_change_begin(r);
	if (!params)
		return;
	const cJSON *lv = cJSON_GetObjectItemCaseSensitive(params, "level");
	if (!cJSON_IsNull(lv) &&
	    !(cJSON_IsString(lv) && (!strcmp(lv->valuestring, "all") ||
	                             !strcmp(lv->valuestring, "errors") ||
	                             !strcmp(lv->valuestring, "off")))) {
		cJSON_Delete(params);
		api_bad_param(r, "level",
		              "must be \"all\", \"errors\", \"off\" or null "
		              "(the default)");
		return;
	}
	cJSON *one = cJSON_CreateObject();
	cJSON_AddItemToObject(one, "level", cJSON_Duplicate(lv, 0));
	cJSON_Delete(params);
	cJSON *res = api_control_call(r, "cp_set_log", r->arg, one, 0);
	cJSON_Delete(one);
	if (!res)
		return;
	api_send_json(r, 200, res);
}
