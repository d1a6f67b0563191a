/*
 * ui-security-events.c — see ui-security-events.h.
 */
#include "ui-security-events.h"

#include <stdio.h>

#include "param.h"
#include "secquery.h"
#include "ui-error.h"
#include "ui-format.h"

#define PAGE_ROWS 200
#define CP_ROWS   10

/* The rows of a SECQ_PAGE query into the loop `name`. */
static int event_rows(struct db_rows *rows, const char *name, int with_cp,
                      TMPL_varlist **vl)
{
	TMPL_loop *loop = NULL;
	int rc;
	while ((rc = db_next(rows)) == 1) {
		char when[32], iso[32];
		int64_t ts = db_time_ms(rows, SECQ_TS);
		ui_fmt_datetime(ts, when, sizeof when);
		ui_fmt_iso(ts, iso, sizeof iso);
		const char *info = db_str(rows, SECQ_TECH_INFO);
		TMPL_varlist *row =
		    TMPL_add_var(NULL, "when", when, "iso", iso, "type",
		                 db_str(rows, SECQ_TYPE), "info",
		                 info ? info : "", (char *)NULL);
		if (with_cp)
			row = TMPL_add_var(row, "cp", db_str(rows, SECQ_CP),
			                   (char *)NULL);
		if (db_int(rows, SECQ_CRITICAL))
			row = TMPL_add_var(row, "critical", "1", (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, name, loop);
	return rc < 0 ? -1 : 0;
}

void ui_security_events(struct ui_req *r, const char *arg)
{
	(void)arg;
	static const char *const flags[] = {"all", "critical", NULL};
	int only = param_choice_or_400(&r->params, "show", flags);
	if (only == -2)
		return;
	const char *critical = only == 1 ? "1" : "";
	struct db_rows rows;
	if (db_query(r->db, &rows, SECQ_PAGE, "ssssssll", "", "", critical,
	             critical, "", "", (long long)PAGE_ROWS, 0LL)) {
		ui_db_error(r, "security events");
		return;
	}
	TMPL_varlist *vl =
	    ui_frame_vars(r, NULL, "Security events", "security", 30);
	if (only == 1)
		vl = TMPL_add_var(vl, "only_critical", "1", (char *)NULL);
	if (event_rows(&rows, "events", 1, &vl)) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "security events");
		return;
	}
	ui_render(r, 200, "security-events.tmpl", vl);
}

int ui_security_event_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, SECQ_PAGE, "ssssssll", id, id, "", "", "",
	             "", (long long)CP_ROWS, 0LL))
		return -1;
	if (event_rows(&rows, "sec_events", 0, vl))
		return -1;
	if (db_query(r->db, &rows,
	             "SELECT log_status, log_request_id, log_ts, "
	             "signed_fw_status, signed_fw_request_id, signed_fw_ts, "
	             "security_profile, security_profile_pending, "
	             "security_profile_pending_since "
	             "FROM charge_points WHERE id = ?",
	             "s", id))
		return -1;
	int rc = db_next(&rows);
	for (int k = 0; rc == 1 && k < 2; k++) {
		static const char *const names[2][3] = {
		    {"log_status", "log_request", "log_when"},
		    {"fw_status", "fw_request", "fw_when"}};
		const char *st = db_str(&rows, 3 * k);
		if (!st)
			continue;
		char when[32];
		ui_fmt_datetime(db_time_ms(&rows, 3 * k + 2), when,
		                sizeof when);
		const char *req = db_str(&rows, 3 * k + 1);
		*vl = TMPL_add_var(*vl, names[k][0], st, names[k][1],
		                   req ? req : "", names[k][2], when,
		                   (char *)NULL);
	}
	if (rc == 1) {
		/* The profile required now and a raised one still pending
		 * (docs/security.md, "Security profile changes"). */
		char prof[8], pend[8] = "", since[32] = "";
		snprintf(prof, sizeof prof, "%lld", db_int(&rows, 6));
		if (!db_isnull(&rows, 7)) {
			snprintf(pend, sizeof pend, "%lld", db_int(&rows, 7));
			ui_fmt_datetime(db_time_ms(&rows, 8), since,
			                sizeof since);
		}
		*vl = TMPL_add_var(*vl, "sec_shown", "1", "sec_profile", prof,
		                   "sec_pending", pend, "sec_pending_since",
		                   since, (char *)NULL);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}
