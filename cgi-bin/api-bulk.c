/*
 * api-bulk.c — see api-bulk.h.
 */
#include "api-bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api-control.h"
#include "api-json.h"
#include "webctl.h"

#define LIST_LIMIT     50
#define LIST_LIMIT_MAX 500

static const char *const job_statuses[] = {"running", "paused", "done",
                                           "cancelled", NULL};
static const char *const item_statuses[] = {"pending",   "sent",   "answered",
                                            "installed", "failed", "offline",
                                            "cancelled", NULL};

static int path_id(struct api_req *r, const char *s, const char *name,
                   long long *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || v < 1 || v > 2147483647) {
		api_bad_param(r, name, "%s is a positive integer", name);
		return -1;
	}
	*id = v;
	return 0;
}

static void bulk_start(struct api_req *r, const char *target)
{
	/* Who may change anything comes first. */
	cJSON *payload = api_change_begin(r);
	if (!payload)
		return;
	long long id, per_minute, in_flight, max_failures;
	if (path_id(r, r->arg, target, &id) ||
	    param_int_or_400(&r->params, "per_minute", 10, 1, 6000,
	                     &per_minute) ||
	    param_int_or_400(&r->params, "max_in_flight", 5, 1, 1000,
	                     &in_flight) ||
	    param_int_or_400(&r->params, "max_failures", -1, 0, 1000000,
	                     &max_failures)) {
		cJSON_Delete(payload);
		return;
	}
	if (!webctl_is_command(r->arg2)) {
		api_error(r, 404, "unknown_action",
		          "no such command: %.60s (an OCPP 1.6 action name, "
		          "e.g. Reset)",
		          r->arg2);
		cJSON_Delete(payload);
		return;
	}
	cJSON *p = cJSON_CreateObject();
	if (!p) {
		cJSON_Delete(payload);
		api_error(r, 500, "internal", "out of memory");
		return;
	}
	cJSON_AddStringToObject(p, "action", r->arg2);
	cJSON_AddItemToObject(p, "params", payload);
	cJSON_AddNumberToObject(p, target, (double)id);
	cJSON_AddNumberToObject(p, "per_minute", (double)per_minute);
	cJSON_AddNumberToObject(p, "max_in_flight", (double)in_flight);
	if (max_failures >= 0)
		cJSON_AddNumberToObject(p, "max_failures",
		                        (double)max_failures);
	cJSON *res = api_control_call(r, "bulk_start", NULL, p, 0);
	cJSON_Delete(p);
	if (!res)
		return;
	const cJSON *jid = cJSON_GetObjectItemCaseSensitive(res, "id");
	char extra[120] = "", poll[80];
	snprintf(poll, sizeof poll, "/cgi-bin/api/bulk-jobs/%lld",
	         cJSON_IsNumber(jid) ? (long long)jid->valuedouble : 0LL);
	snprintf(extra, sizeof extra, "Location: %s\r\n", poll);
	cJSON_AddStringToObject(res, "poll", poll);
	char *text = cJSON_PrintUnformatted(res);
	cJSON_Delete(res);
	if (!text) {
		api_error(r, 500, "internal", "out of memory");
		return;
	}
	api_send(r, 202, "application/json", API_NO_STORE, extra, text,
	         strlen(text));
	free(text);
}

void api_site_bulk(struct api_req *r)
{
	bulk_start(r, "site_id");
}

void api_group_bulk(struct api_req *r)
{
	bulk_start(r, "group_id");
}

static const char sql_jobs[] =
    "SELECT j.id, j.created_at, j.finished_at, j.requested_by, j.action, "
    "j.params, j.site_id, j.group_id, j.target_name, j.per_minute, "
    "j.max_in_flight, j.max_failures, j.status, j.status_reason, "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'pending'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'sent'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'answered'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'installed'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'failed'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'offline'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'cancelled') "
    "FROM bulk_jobs j WHERE (? = '' OR j.status = ?) AND (? = 0 OR "
    "j.id = ?) ORDER BY j.id DESC LIMIT ?";

static cJSON *job_object(const struct db_rows *row)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(row, 0));
	api_json_time(o, "created_at", db_time_ms(row, 1));
	api_json_time(o, "finished_at", db_time_ms(row, 2));
	api_json_str(o, "requested_by", db_str(row, 3));
	api_json_str(o, "action", db_str(row, 4));
	cJSON *p = db_str(row, 5) ? cJSON_Parse(db_str(row, 5)) : NULL;
	cJSON_AddItemToObject(o, "params", p ? p : cJSON_CreateObject());
	api_json_int_or_null(o, "site_id", db_str(row, 6));
	api_json_int_or_null(o, "group_id", db_str(row, 7));
	api_json_str(o, "target", db_str(row, 6) ? "site" : "group");
	api_json_str(o, "target_name", db_str(row, 8));
	api_json_int(o, "per_minute", db_int(row, 9));
	api_json_int(o, "max_in_flight", db_int(row, 10));
	api_json_int_or_null(o, "max_failures", db_str(row, 11));
	api_json_str(o, "status", db_str(row, 12));
	api_json_str(o, "status_reason", db_str(row, 13));
	cJSON *c = cJSON_AddObjectToObject(o, "counts");
	api_json_int(c, "charge_points", db_int(row, 14));
	for (int i = 0; item_statuses[i]; i++)
		api_json_int(c, item_statuses[i], db_int(row, 15 + i));
	return o;
}

void api_bulk_list(struct api_req *r)
{
	long long limit;
	int st = param_choice_or_400(&r->params, "status", job_statuses);
	if (st == -2 || param_int_or_400(&r->params, "limit", LIST_LIMIT, 1,
	                                 LIST_LIMIT_MAX, &limit))
		return;
	const char *s = st >= 0 ? job_statuses[st] : "";
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_jobs, "sslll", s, s, 0LL, 0LL, limit)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc, n = 0;
	while ((rc = db_next(&rows)) == 1) {
		cJSON_AddItemToArray(items, job_object(&rows));
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

static const char sql_items[] =
    "SELECT cp_id, status, command_uid, sent_at, finished_at, result, "
    "answer, why, fw_status, fw_at FROM bulk_job_items WHERE job_id = ? "
    "ORDER BY cp_id LIMIT 100000";

void api_bulk_one(struct api_req *r)
{
	long long id;
	if (path_id(r, r->arg, "job_id", &id))
		return;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_jobs, "sslll", "", "", id, id, 1LL)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	cJSON *job = rc == 1 ? job_object(&rows) : NULL;
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(job);
		api_db_error(r);
		return;
	}
	if (!job) {
		api_error(r, 404, "not_found", "no bulk job %lld", id);
		return;
	}
	if (db_query(r->db, &rows, sql_items, "l", id)) {
		cJSON_Delete(job);
		api_db_error(r);
		return;
	}
	cJSON *items = cJSON_AddArrayToObject(job, "items");
	while ((rc = db_next(&rows)) == 1) {
		cJSON *o = cJSON_CreateObject();
		api_json_str(o, "cp_id", db_str(&rows, 0));
		api_json_str(o, "status", db_str(&rows, 1));
		api_json_str(o, "command_uid", db_str(&rows, 2));
		api_json_time(o, "sent_at", db_time_ms(&rows, 3));
		api_json_time(o, "finished_at", db_time_ms(&rows, 4));
		api_json_str(o, "result", db_str(&rows, 5));
		cJSON *a =
		    db_str(&rows, 6) ? cJSON_Parse(db_str(&rows, 6)) : NULL;
		cJSON_AddItemToObject(o, "answer", a ? a : cJSON_CreateNull());
		api_json_str(o, "why", db_str(&rows, 7));
		api_json_str(o, "firmware_status", db_str(&rows, 8));
		api_json_time(o, "firmware_at", db_time_ms(&rows, 9));
		cJSON_AddItemToArray(items, o);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(job);
		api_db_error(r);
		return;
	}
	api_send_json(r, 200, job);
}

static void change(struct api_req *r, const char *op)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	long long id;
	if (cJSON_GetArraySize(body)) {
		cJSON_Delete(body);
		api_error(r, 400, "invalid_body",
		          "the job is in the path; the body is empty");
		return;
	}
	if (path_id(r, r->arg, "job_id", &id)) {
		cJSON_Delete(body);
		return;
	}
	cJSON_AddNumberToObject(body, "id", (double)id);
	cJSON *res = api_control_call(r, op, NULL, body, 0);
	cJSON_Delete(body);
	if (res)
		api_send_json(r, 200, res);
}

void api_bulk_cancel(struct api_req *r)
{
	change(r, "bulk_cancel");
}

void api_bulk_resume(struct api_req *r)
{
	change(r, "bulk_resume");
}
