/*
 * api-tags.c — GET/POST /tags.csv and GET /connection-attempts; see
 * api-tags.h.
 *
 * The import checks only the file's shape here (tagcsv.c); each row's
 * values are ocppd's to check, as for POST /users, and the answer is a
 * report line per row.
 */
#include "api-tags.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api-control.h"
#include "api-json.h"
#include "log.h"
#include "tagcsv.h"
#include "timeutil.h"
#include "webctl.h"

static const char sql_export[] =
    "SELECT id_tag, name, status, expiry_date, parent_id_tag,"
    " max_concurrent_tx FROM users ORDER BY id_tag";

/* Streamed: the headers once the query has run, so a failure before
 * that is a JSON error and one after can only cut the file short. */
static void export(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_export, "")) {
		api_db_error(r);
		return;
	}
	api_headers(r, 200, "text/csv; charset=utf-8", API_NO_STORE,
	            "Content-Disposition: attachment;"
	            " filename=\"tags.csv\"\r\n");
	if (r->head_only) {
		db_rows_end(&rows);
		return;
	}
	fputs(TAGCSV_HEADER "\r\n", r->out);
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		tagcsv_field(r->out, db_str(&rows, 0));
		fputc(',', r->out);
		tagcsv_field(r->out, db_str(&rows, 1));
		fputc(',', r->out);
		tagcsv_field(r->out, db_str(&rows, 2));
		fputc(',', r->out);
		if (db_time_ms(&rows, 3) != DB_NULL_TIME) {
			char ts[32];
			time_format_iso8601(db_time_ms(&rows, 3), ts);
			fputs(ts, r->out);
		}
		fputc(',', r->out);
		tagcsv_field(r->out, db_str(&rows, 4));
		fputc(',', r->out);
		if (!db_isnull(&rows, 5))
			fprintf(r->out, "%lld", db_int(&rows, 5));
		fputs("\r\n", r->out);
	}
	db_rows_end(&rows);
	if (rc < 0)
		fprintf(stderr, "api: /tags.csv: export cut short: %s\n",
		        db_error(r->db));
}

static int is_csv_type(const char *ct)
{
	static const char csv[] = "text/csv";
	if (!ct)
		return 0;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, csv, sizeof csv - 1))
		return 0;
	ct += sizeof csv - 1;
	return !*ct || *ct == ';' || *ct == ' ';
}

static cJSON *call_import(void *ctx, const cJSON *params)
{
	return api_control_call(ctx, "tag_import", NULL, params, 0);
}

static void import(struct api_req *r)
{
	if (webctl_may_change(r->cgi)) {
		api_error(r, 401, "unauthorized",
		          "this deployment requires an authenticated user to "
		          "change anything");
		return;
	}
	if (webctl_request_cross_site(r->cgi, r->cfg->cors_origin)) {
		api_error(r, 403, "cross_site",
		          "changes are only accepted from this site's own "
		          "pages or from clients that are not browsers");
		return;
	}
	/* text/csv is no type an HTML form can send. */
	if (!is_csv_type(cgi_getenv(r->cgi, "CONTENT_TYPE"))) {
		api_error(r, 415, "unsupported_media_type",
		          "send the file as Content-Type: text/csv");
		return;
	}
	if (r->cgi->content_length > TAGCSV_BODY_MAX) {
		api_error(r, 413, "body_too_large",
		          "an import is limited to %d bytes", TAGCSV_BODY_MAX);
		return;
	}
	char *text = NULL, why[200];
	size_t len = 0;
	if (cgi_read_body(r->cgi, &text, &len, TAGCSV_BODY_MAX)) {
		api_error(r, 400, "invalid_body", "the request body is short");
		return;
	}
	cJSON *chunks = NULL;
	int rc = tagcsv_parse(text, len, &chunks, why, sizeof why);
	free(text);
	if (rc) {
		api_error(r, 400, "invalid_csv", "%s", why);
		return;
	}
	int failed;
	cJSON *report = tagcsv_import(chunks, call_import, r, &failed);
	cJSON_Delete(chunks);
	/* A failed chunk has answered its error already (the rows of the
	 * chunks before it are written: the report is in ocppd's log). */
	if (failed >= 0) {
		if (report)
			log_warn("api: /tags.csv import stopped at chunk %d "
			         "(%d rows each); the ones before are written",
			         failed, TAGCSV_CHUNK);
		cJSON_Delete(report);
		return;
	}
	if (!report) {
		api_error(r, 500, "internal", "out of memory");
		return;
	}
	api_send_json(r, 200, report);
}

void api_tags_csv(struct api_req *r)
{
	if (!strcmp(r->cgi->method, "POST"))
		import(r);
	else
		export(r);
}

void api_connection_attempts(struct api_req *r)
{
	cJSON *res = api_control_call(r, "connection_attempts", NULL, NULL, 0);
	if (res)
		api_send_json(r, 200, res);
}
