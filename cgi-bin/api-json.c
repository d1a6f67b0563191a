/*
 * api-json.c — the response side of the REST API: headers every answer
 * carries (security, caching, CORS), JSON bodies and JSON errors.
 *
 * Operator details (SQL errors) go to stderr, which the web server keeps
 * in its error log; clients get a code and a message that leaks nothing.
 */
#include "api-json.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "api-text.h"
#include "log.h"
#include "timeutil.h"

static const char *status_text(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 202:
		return "Accepted";
	case 204:
		return "No Content";
	case 303:
		return "See Other";
	case 302:
		return "Found";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 405:
		return "Method Not Allowed";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 502:
		return "Bad Gateway";
	case 504:
		return "Gateway Timeout";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

void api_headers(struct api_req *r, int status, const char *content_type,
                 enum api_cache cache, const char *extra)
{
	FILE *out = r->cgi->out;
	fprintf(out, "Status: %d %s\r\n", status, status_text(status));
	if (content_type)
		fprintf(out, "Content-Type: %s\r\n", content_type);
	fputs("X-Content-Type-Options: nosniff\r\n", out);
	fputs(cache == API_NO_STORE ? "Cache-Control: no-store\r\n"
	                            : "Cache-Control: no-cache\r\n",
	      out);
	/* CORS only when the operator named an origin: off by default. */
	if (!r->ctx->cfg_err[0] && r->cfg->cors_origin[0]) {
		fprintf(out, "Access-Control-Allow-Origin: %s\r\n",
		        r->cfg->cors_origin);
		if (strcmp(r->cfg->cors_origin, "*"))
			fputs("Vary: Origin\r\n", out);
	}
	if (extra)
		fputs(extra, out);
	fputs("\r\n", out);
}

void api_send(struct api_req *r, int status, const char *content_type,
              enum api_cache cache, const char *extra, const char *body,
              size_t len)
{
	api_headers(r, status, content_type, cache, extra);
	fwrite(body, 1, len, r->out);
}

void api_send_json(struct api_req *r, int status, cJSON *body)
{
	char *text = body ? cJSON_PrintUnformatted(body) : NULL;
	cJSON_Delete(body);
	if (!text) {
		api_error(r, 500, "internal_error", "out of memory");
		return;
	}
	api_send(r, status, API_JSON, API_NO_STORE, NULL, text, strlen(text));
	fputc('\n', r->out);
	free(text);
}

static void send_error_body(struct api_req *r, int status, cJSON *body);

static void send_error(struct api_req *r, int status, const char *code,
                       const char *param, const char *fmt, va_list ap)
{
	char msg[600];
	vsnprintf(msg, sizeof msg, fmt, ap);
	cJSON *body = cJSON_CreateObject();
	cJSON *err = cJSON_AddObjectToObject(body, "error");
	api_json_str(err, "code", code);
	api_json_str(err, "message", msg);
	if (param)
		api_json_str(err, "parameter", param);
	send_error_body(r, status, body);
}

void api_error_body(struct api_req *r, int status, cJSON *body)
{
	send_error_body(r, status, body);
}

static void send_error_body(struct api_req *r, int status, cJSON *body)
{
	char *text = body ? cJSON_PrintUnformatted(body) : NULL;
	cJSON_Delete(body);
	char extra[160] = "";
	if (status == 405)
		snprintf(extra, sizeof extra, "Allow: %s\r\n",
		         r->allow ? r->allow : "GET, HEAD, OPTIONS");
	else if (status == 503)
		snprintf(extra, sizeof extra, "Retry-After: 5\r\n");
	else if (status == 401)
		snprintf(extra, sizeof extra,
		         "WWW-Authenticate: Basic realm=\"csms\"\r\n");
	/* Without memory for the tree, still a JSON answer. */
	const char *fallback = "{\"error\":{\"code\":\"internal_error\","
	                       "\"message\":\"out of memory\"}}";
	api_send(r, status, API_JSON, API_NO_STORE, extra[0] ? extra : NULL,
	         text ? text : fallback, strlen(text ? text : fallback));
	fputc('\n', r->out);
	free(text);
}

void api_error(struct api_req *r, int status, const char *code, const char *fmt,
               ...)
{
	va_list ap;
	va_start(ap, fmt);
	send_error(r, status, code, NULL, fmt, ap);
	va_end(ap);
}

void api_bad_param(struct api_req *r, const char *param, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	send_error(r, 400, "invalid_parameter", param, fmt, ap);
	va_end(ap);
}

static void bad_param(void *ctx, const char *name, const char *why)
{
	api_bad_param(ctx, name, "%s %s", name, why);
}

void api_params_init(struct api_req *r)
{
	r->params = (struct param_src){r->cgi, bad_param, r};
}

void api_db_error(struct api_req *r)
{
	if (db_conn_lost(r->db)) {
		log_warn("api: %s %s: database unavailable: %s", r->cgi->method,
		         r->cgi->path, db_error(r->db));
		api_error(r, 503, "database_unavailable",
		          "the database is not reachable; try again shortly");
		return;
	}
	log_error("api: %s %s: %s", r->cgi->method, r->cgi->path,
	          db_error(r->db));
	api_error(r, 500, "internal_error",
	          "the query failed; the details are in the server log");
}

int api_cp_or_404(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, "SELECT 1 FROM charge_points WHERE id = ?",
	             "s", r->arg)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	db_rows_end(&rows);
	if (rc < 0)
		api_db_error(r);
	else if (!rc)
		api_error(r, 404, "not_found", "no charge point with this id");
	return rc > 0 ? 0 : -1;
}

void api_json_str(cJSON *obj, const char *key, const char *s)
{
	if (!s) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	if (api_utf8_valid(s, strlen(s))) {
		cJSON_AddStringToObject(obj, key, s);
		return;
	}
	char *fixed = api_utf8_repair(s);
	if (fixed)
		cJSON_AddStringToObject(obj, key, fixed);
	else
		cJSON_AddNullToObject(obj, key);
	free(fixed);
}

void api_json_int(cJSON *obj, const char *key, long long v)
{
	/* Doubles hold integers exactly up to 2^53: every id and Wh count. */
	cJSON_AddNumberToObject(obj, key, (double)v);
}

void api_json_num(cJSON *obj, const char *key, double v)
{
	cJSON_AddNumberToObject(obj, key, v);
}

void api_json_time(cJSON *obj, const char *key, int64_t ms)
{
	if (ms == DB_NULL_TIME) {
		cJSON_AddNullToObject(obj, key);
		return;
	}
	char buf[32];
	time_format_iso8601(ms, buf);
	cJSON_AddStringToObject(obj, key, buf);
}

void api_json_int_or_null(cJSON *obj, const char *key, const char *s)
{
	if (s)
		api_json_int(obj, key, strtoll(s, NULL, 10));
	else
		cJSON_AddNullToObject(obj, key);
}

int api_json_write(FILE *out, cJSON *item)
{
	char *text = item ? cJSON_PrintUnformatted(item) : NULL;
	cJSON_Delete(item);
	if (!text)
		return -1;
	fputs(text, out);
	free(text);
	return 0;
}

void api_json_paging(cJSON *body, long long page, long long per_page,
                     long long total)
{
	api_json_int(body, "page", page);
	api_json_int(body, "per_page", per_page);
	api_json_int(body, "total", total);
	api_json_int(body, "pages", (total + per_page - 1) / per_page);
}

void api_send_items(struct api_req *r, struct db_rows *rows,
                    cJSON *(*make)(const struct db_rows *rows), long long page,
                    long long per_page, long long total)
{
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	long long n = 0;
	int rc;
	while ((rc = db_next(rows)) == 1) {
		cJSON_AddItemToArray(items, make(rows));
		n++;
	}
	db_rows_end(rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	if (page)
		api_json_paging(body, page, per_page, total);
	else
		api_json_int(body, "count", n);
	api_send_json(r, 200, body);
}

void api_send_filtered_page(struct api_req *r, const char *count_sql,
                            const char *page_sql, const char *const *filters,
                            int nfilters, long long page, long long per_page,
                            cJSON *(*make)(const struct db_rows *rows))
{
	struct db_value v[2 * API_FILTERS_MAX + 2];
	size_t n = 0;
	for (int i = 0; i < nfilters && i < API_FILTERS_MAX; i++)
		for (int k = 0; k < 2; k++)
			v[n++] =
			    (struct db_value){.type = 's', .u.s = filters[i]};
	struct db_rows rows;
	long long total = 0;
	if (db_query_values(r->db, &rows, count_sql, v, n)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	if (rc == 1)
		total = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	v[n++] = (struct db_value){.type = 'l', .u.l = per_page};
	v[n++] = (struct db_value){.type = 'l', .u.l = (page - 1) * per_page};
	if (db_query_values(r->db, &rows, page_sql, v, n)) {
		api_db_error(r);
		return;
	}
	api_send_items(r, &rows, make, page, per_page, total);
}
