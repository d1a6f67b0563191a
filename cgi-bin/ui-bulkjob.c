/*
 * ui-bulkjob.c — see ui-bulkjob.h.
 */
#include "ui-bulkjob.h"

#include <stdio.h>
#include <string.h>

#include "param.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define JOBS_MAX  100
#define ITEMS_MAX 5000
#define REFRESH_S 5

static const char sql_jobs[] =
    "SELECT j.id, j.action, j.site_id, j.group_id, j.target_name, "
    "j.status, j.created_at, j.requested_by, j.per_minute, "
    "j.max_in_flight, j.max_failures, j.params, j.status_reason, "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status IN ('answered', 'installed') AND (j.action <> "
    "'UpdateFirmware' OR i.status = 'installed')), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'failed'), "
    "(SELECT COUNT(*) FROM bulk_job_items i WHERE i.job_id = j.id AND "
    "i.status = 'offline') "
    "FROM bulk_jobs j WHERE (? = 0 OR j.id = ?) ORDER BY j.id DESC "
    "LIMIT ?";

static const char sql_items[] =
    "SELECT cp_id, status, result, why, fw_status, sent_at, finished_at "
    "FROM bulk_job_items WHERE job_id = ? ORDER BY cp_id LIMIT ?";

static const char *pill(const char *status)
{
	static const char *const good[] = {"answered", "installed", "done",
	                                   "running", NULL};
	for (int i = 0; good[i]; i++)
		if (!strcmp(status, good[i]))
			return "on";
	return "off";
}

static TMPL_varlist *job_vars(struct ui_req *r, const struct db_rows *rows)
{
	char buf[64];
	const char *status = db_str(rows, 5) ? db_str(rows, 5) : "";
	TMPL_varlist *vl = ui_add_fmt(NULL, "id", "%lld", db_int(rows, 0));
	vl = TMPL_add_var(vl, "action", db_str(rows, 1), "target",
	                  db_str(rows, 2) ? "site" : "group", "target_name",
	                  db_str(rows, 4) ? db_str(rows, 4) : "", "status",
	                  status, "status_class", pill(status), (char *)NULL);
	vl = ui_add_fmt(vl, "target_id", "%lld",
	                db_int(rows, db_str(rows, 2) ? 2 : 3));
	ui_fmt_datetime(db_time_ms(rows, 6), buf, sizeof buf);
	vl = TMPL_add_var(vl, "created", buf, (char *)NULL);
	if (db_str(rows, 7))
		vl = TMPL_add_var(vl, "who", db_str(rows, 7), (char *)NULL);
	vl = ui_add_fmt(vl, "per_minute", "%lld", db_int(rows, 8));
	vl = ui_add_fmt(vl, "max_in_flight", "%lld", db_int(rows, 9));
	if (db_str(rows, 10))
		vl = TMPL_add_var(vl, "max_failures", db_str(rows, 10),
		                  (char *)NULL);
	vl =
	    TMPL_add_var(vl, "params", db_str(rows, 11) ? db_str(rows, 11) : "",
	                 (char *)NULL);
	if (db_str(rows, 12))
		vl = TMPL_add_var(vl, "status_reason", db_str(rows, 12),
		                  (char *)NULL);
	vl = ui_add_fmt(vl, "n_total", "%lld", db_int(rows, 13));
	vl = ui_add_fmt(vl, "n_done", "%lld", db_int(rows, 14));
	vl = ui_add_fmt(vl, "n_failed", "%lld", db_int(rows, 15));
	vl = ui_add_fmt(vl, "n_offline", "%lld", db_int(rows, 16));
	if (!strcmp(status, "running") || !strcmp(status, "paused"))
		vl = TMPL_add_var(vl, "can_cancel", "1", (char *)NULL);
	if (!strcmp(status, "paused"))
		vl = TMPL_add_var(vl, "can_resume", "1", (char *)NULL);
	(void)r;
	return vl;
}

void ui_bulk_jobs(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_jobs, "lli", 0LL, 0LL, JOBS_MAX)) {
		ui_db_error(r, "bulk jobs");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Bulk jobs", "groups", 0);
	TMPL_loop *loop = NULL;
	int rc;
	while ((rc = db_next(&rows)) > 0)
		loop = TMPL_add_varlist(loop, job_vars(r, &rows));
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "jobs", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "bulk jobs");
		return;
	}
	ui_render(r, 200, "bulkjobs.tmpl", vl);
}

static long long job_id_of(const char *arg)
{
	long long id;
	return param_parse_int(arg, 1, 2147483647, &id) ? 0 : id;
}

void ui_bulk_job(struct ui_req *r, const char *arg)
{
	long long id = job_id_of(arg);
	if (!id) {
		ui_error(r, 404, "Bulk job not found",
		         "No bulk job has this id.");
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_jobs, "lli", id, id, 1)) {
		ui_db_error(r, "bulk job");
		return;
	}
	int rc = db_next(&rows);
	TMPL_varlist *vl = NULL;
	int running = 0;
	if (rc > 0) {
		vl = job_vars(r, &rows);
		running =
		    db_str(&rows, 5) && !strcmp(db_str(&rows, 5), "running");
	}
	db_rows_end(&rows);
	if (rc <= 0) {
		if (rc < 0)
			ui_db_error(r, "bulk job");
		else
			ui_error(r, 404, "Bulk job not found",
			         "No bulk job has this id.");
		return;
	}
	char title[64];
	snprintf(title, sizeof title, "Bulk job #%lld", id);
	vl = ui_frame_vars(r, vl, title, "groups", running ? REFRESH_S : 0);
	if (db_query(r->db, &rows, sql_items, "li", id, ITEMS_MAX)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "bulk job");
		return;
	}
	TMPL_loop *loop = NULL;
	char buf[64];
	while ((rc = db_next(&rows)) > 0) {
		const char *st = db_str(&rows, 1) ? db_str(&rows, 1) : "";
		TMPL_varlist *it =
		    TMPL_add_var(NULL, "cp_id", db_str(&rows, 0), "status", st,
		                 "status_class", pill(st), (char *)NULL);
		if (db_str(&rows, 2))
			it = TMPL_add_var(it, "result", db_str(&rows, 2),
			                  (char *)NULL);
		if (db_str(&rows, 3))
			it = TMPL_add_var(it, "why", db_str(&rows, 3),
			                  (char *)NULL);
		if (db_str(&rows, 4))
			it = TMPL_add_var(it, "fw_status", db_str(&rows, 4),
			                  (char *)NULL);
		if (db_time_ms(&rows, 5) != DB_NULL_TIME) {
			ui_fmt_datetime(db_time_ms(&rows, 5), buf, sizeof buf);
			it = TMPL_add_var(it, "sent", buf, (char *)NULL);
		}
		if (db_time_ms(&rows, 6) != DB_NULL_TIME) {
			ui_fmt_datetime(db_time_ms(&rows, 6), buf, sizeof buf);
			it = TMPL_add_var(it, "finished", buf, (char *)NULL);
		}
		loop = TMPL_add_varlist(loop, it);
	}
	db_rows_end(&rows);
	if (loop)
		vl = TMPL_add_loop(vl, "items", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "bulk job");
		return;
	}
	const char *token = ui_csrf_for(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "bulkjob.tmpl", vl);
}

void ui_bulk_job_post(struct ui_req *r, const char *arg)
{
	long long id = job_id_of(arg);
	if (!id) {
		ui_error(r, 404, "Bulk job not found",
		         "No bulk job has this id.");
		return;
	}
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *what = ui_form_get(&f, "do");
	int resume = what && !strcmp(what, "resume");
	cJSON *p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "id", (double)id);
	struct ui_outcome o = {"invalid", ""};
	ui_control(r, resume ? "bulk_resume" : "bulk_cancel", NULL, p, &o,
	           NULL);
	cJSON_Delete(p);
	ui_form_free(&f);
	if (!strcmp(o.kind, "ok"))
		snprintf(o.msg, sizeof o.msg, "%s",
		         resume ? "resumed" : "cancelled");
	char page[64];
	snprintf(page, sizeof page, "/bulk-jobs/%lld", id);
	ui_redirect_outcome(r, page, page, "Bulk job", &o);
}
