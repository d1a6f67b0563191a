/*
 * api-json.h — how the REST API answers: status line and headers, JSON
 * bodies, and the one error shape {"error": {"code", "message"}}.
 *
 * The *_error functions have written the whole response when they return;
 * a handler that calls one just returns.
 */
#ifndef CSMS_API_JSON_H
#define CSMS_API_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "api-req.h"

#define API_JSON "application/json; charset=utf-8"

/* Live data must never be served from a cache; static documents may be,
 * after revalidation (ETag). */
enum api_cache { API_NO_STORE, API_REVALIDATE };

/*
 * The status line and headers, ending with the blank line.  extra holds
 * more header lines, each ending in "\r\n", or NULL.
 */
void api_headers(struct api_req *r, int status, const char *content_type,
                 enum api_cache cache, const char *extra);

/* A complete response with a body already in memory. */
void api_send(struct api_req *r, int status, const char *content_type,
              enum api_cache cache, const char *extra, const char *body,
              size_t len);

/* Prints body as the JSON answer and frees it.  NULL (out of memory)
 * becomes a 500. */
void api_send_json(struct api_req *r, int status, cJSON *body);

void api_error(struct api_req *r, int status, const char *code, const char *fmt,
               ...) __attribute__((format(printf, 4, 5)));

/* A complete error response with a body built by the caller
 * ({"error": {...}}), which it frees. */
void api_error_body(struct api_req *r, int status, cJSON *body);

/* 400 invalid_parameter; the message and error.parameter name it. */
/* Points r->params at r's query, bad values answered by api_bad_param. */
void api_params_init(struct api_req *r);

void api_bad_param(struct api_req *r, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A query failed: 503 database_unavailable when the link is gone (it is
 * retried on the next request), else 500 with the detail on stderr only. */
void api_db_error(struct api_req *r);
/* 0 when the charge point r->arg is registered; else -1, after a 404 (or
 * the database error) has been answered. */
int api_cp_or_404(struct api_req *r);

/* Object members for database values: NULL becomes JSON null, text is
 * repaired to valid UTF-8, times are ISO 8601 UTC. */
void api_json_str(cJSON *obj, const char *key, const char *s);
void api_json_int(cJSON *obj, const char *key, long long v);
void api_json_num(cJSON *obj, const char *key, double v);
void api_json_time(cJSON *obj, const char *key, int64_t ms);
/* An integer column that may be NULL. */
void api_json_int_or_null(cJSON *obj, const char *key, const char *s);
/* A paged list's envelope: page, per_page, total and pages. */
void api_json_paging(cJSON *body, long long page, long long per_page,
                     long long total);

/* The rows of a query just run, each through make, sent as
 * {"items": [...], ...}: with "count" when page is 0, else with the page
 * fields of api_json_paging.  Ends the rows; a database error while
 * reading is answered like api_db_error. */
void api_send_items(struct api_req *r, struct db_rows *rows,
                    cJSON *(*make)(const struct db_rows *rows), long long page,
                    long long per_page, long long total);

/* A filtered list, a page at a time: the optional filters are written in
 * the statements as `(? = '' OR col = ?)`, so each of the nfilters texts
 * ("" for none) is bound twice, in order; count_sql counts the rows,
 * page_sql takes LIMIT and OFFSET after the filters.  Sent as
 * api_send_items with the page fields (errors answered). */
#define API_FILTERS_MAX 8
void api_send_filtered_page(struct api_req *r, const char *count_sql,
                            const char *page_sql, const char *const *filters,
                            int nfilters, long long page, long long per_page,
                            cJSON *(*make)(const struct db_rows *rows));

/* Prints one object into out as compact JSON and frees it; -1 when out of
 * memory. */
int api_json_write(FILE *out, cJSON *item);

#endif
