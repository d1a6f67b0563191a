/*
 * ui-approvals.c — see ui-approvals.h.
 */
#include "ui-approvals.h"

#include <stdio.h>
#include <string.h>

#include "ctl_proto.h"
#include "param.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define ROWS_MAX 500

static const char sql_list[] =
    "SELECT id, boot_answer, vendor, model, serial_number, "
    "firmware_version, connected, remote_addr, "
    "COALESCE(last_boot, connected_since) FROM charge_points "
    "WHERE boot_answer <> 'Accepted' "
    "ORDER BY boot_answer = 'Rejected', "
    "COALESCE(last_boot, connected_since) DESC, id LIMIT ?";

static const char *str(const struct db_rows *r, int col)
{
	return db_str(r, col) ? db_str(r, col) : "";
}

void ui_approvals(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, sql_list, "i", ROWS_MAX)) {
		ui_db_error(r, "charge points");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Approvals", "approvals", 10);
	TMPL_loop *loop = NULL;
	while ((rc = db_next(&rows)) > 0) {
		char seen[32] = "", iso[32] = "";
		int64_t ms = db_time_ms(&rows, 8);
		if (ms != DB_NULL_TIME) {
			ui_fmt_datetime(ms, seen, sizeof seen);
			ui_fmt_iso(ms, iso, sizeof iso);
		}
		const char *answer = str(&rows, 1);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "id", str(&rows, 0), "answer", answer, "answer_class",
		    strcmp(answer, "Rejected") ? "muted" : "bad", "vendor",
		    str(&rows, 2), "model", str(&rows, 3), "serial",
		    str(&rows, 4), "firmware", str(&rows, 5), "addr",
		    str(&rows, 7), "seen", seen, "seen_iso", iso, (char *)NULL);
		if (db_int(&rows, 6) == 1)
			row = TMPL_add_var(row, "online", "1", (char *)NULL);
		if (strcmp(answer, "Rejected"))
			row =
			    TMPL_add_var(row, "may_reject", "1", (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "charge points");
		return;
	}
	if (loop)
		vl = TMPL_add_loop(vl, "cps", loop);
	const char *token = ui_csrf_for_admin(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "approvals.tmpl", vl);
}

void ui_approval_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *id = ui_form_get(&f, "cp_id");
	const char *answer = ui_form_get(&f, "boot_answer");
	if (!id || !*id || strlen(id) > 50 || !param_text_ok(id)) {
		ui_form_free(&f);
		ui_bad_param(r, "cp_id", "is not a charge point id");
		return;
	}
	static const char *const answers[] = CTL_BOOT_ANSWERS;
	int known = 0;
	for (int i = 0; answer && answers[i]; i++)
		known |= !strcmp(answer, answers[i]);
	if (!known) {
		ui_form_free(&f);
		ui_bad_param(r, "boot_answer",
		             "is Accepted, Pending or Rejected");
		return;
	}
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "boot_answer", answer);
	struct ui_outcome o = {"invalid", ""};
	cJSON *res = NULL;
	ui_control(r, "cp_set_boot", id, p, &o, &res);
	cJSON_Delete(p);
	int connected =
	    res &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "connected"));
	cJSON_Delete(res);
	if (!strcmp(o.kind, "ok")) {
		snprintf(o.msg, sizeof o.msg, "%s will be answered %s", id,
		         answer);
		if (!strcmp(answer, "Accepted") && connected) {
			/* Now, rather than at its next boot: it is
			 * waiting in Pending. */
			struct ui_outcome t = {"invalid", ""};
			cJSON *tp = cJSON_CreateObject();
			cJSON_AddStringToObject(tp, "requestedMessage",
			                        "BootNotification");
			ui_command(r, "TriggerMessage", id, tp, &t, NULL);
			cJSON_Delete(tp);
			size_t n = strlen(o.msg);
			snprintf(o.msg + n, sizeof o.msg - n,
			         "; asked to boot again now (%.100s)", t.msg);
		}
	}
	ui_form_free(&f);
	ui_redirect_outcome(r, "/approvals", "/approvals", "Approval", &o);
}
