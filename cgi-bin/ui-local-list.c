/*
 * ui-local-list.c — see ui-local-list.h.
 */
#include "ui-local-list.h"

#include <stdio.h>
#include <string.h>

#include "ui-format.h"

static const char sql_state[] =
    "SELECT l.version_confirmed, l.version_sent, l.update_type, l.status, "
    "l.last_answer, l.updated_at, (SELECT seq FROM local_list_seq "
    "WHERE id = 1) FROM local_lists l WHERE l.cp_id = ?";

static const char *status_class(const char *st)
{
	if (!strcmp(st, "in_sync"))
		return "ok";
	if (!strcmp(st, "sending"))
		return "muted";
	return "bad";
}

int ui_local_list_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_state, "s", id))
		return -1;
	int rc = db_next(&rows);
	if (rc > 0) {
		char confirmed[24], tags[24], when[32], iso[32];
		const char *st = db_str(&rows, 3) ? db_str(&rows, 3) : "";
		snprintf(confirmed, sizeof confirmed, "%lld", db_int(&rows, 0));
		snprintf(tags, sizeof tags, "%lld", db_int(&rows, 6));
		ui_fmt_datetime(db_time_ms(&rows, 5), when, sizeof when);
		ui_fmt_iso(db_time_ms(&rows, 5), iso, sizeof iso);
		*vl = TMPL_add_var(
		    *vl, "ll", "1", "ll_status", st, "ll_class",
		    status_class(st), "ll_confirmed", confirmed, "ll_sent",
		    db_str(&rows, 1) ? db_str(&rows, 1) : "", "ll_type",
		    db_str(&rows, 2) ? db_str(&rows, 2) : "", "ll_answer",
		    db_str(&rows, 4) ? db_str(&rows, 4) : "", "ll_updated",
		    when, "ll_updated_iso", iso, "ll_tags", tags, (char *)NULL);
		if (db_int(&rows, 0) < db_int(&rows, 6))
			*vl = TMPL_add_var(*vl, "ll_behind", "1", (char *)NULL);
	}
	db_rows_end(&rows);
	return rc < 0 ? -1 : 0;
}
