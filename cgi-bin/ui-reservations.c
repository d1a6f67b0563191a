/*
 * ui-reservations.c — see ui-reservations.h.
 */
#include "ui-reservations.h"

#include <stdio.h>
#include <string.h>

#include "ui-format.h"

static const char sql_res[] =
    "SELECT reservation_id, connector_id, id_tag, expiry_date, status, "
    "answer, transaction_id FROM reservations WHERE cp_id = ? "
    "ORDER BY created_at DESC, id DESC LIMIT 10";

static const char *status_class(const char *st)
{
	if (!strcmp(st, "active") || !strcmp(st, "used"))
		return "ok";
	if (!strcmp(st, "requested") || !strcmp(st, "replaced") ||
	    !strcmp(st, "cancelled") || !strcmp(st, "expired"))
		return "muted";
	return "bad";
}

int ui_reservation_vars(struct ui_req *r, const char *id, TMPL_varlist **vl)
{
	struct db_rows rows;
	TMPL_loop *loop = NULL;
	int rc;
	if (db_query(r->db, &rows, sql_res, "s", id))
		return -1;
	while ((rc = db_next(&rows)) > 0) {
		char rid[24], conn[24], when[32], iso[32];
		const char *st = db_str(&rows, 4) ? db_str(&rows, 4) : "";
		snprintf(rid, sizeof rid, "%lld", db_int(&rows, 0));
		snprintf(conn, sizeof conn, "%lld", db_int(&rows, 1));
		ui_fmt_datetime(db_time_ms(&rows, 3), when, sizeof when);
		ui_fmt_iso(db_time_ms(&rows, 3), iso, sizeof iso);
		int live = !strcmp(st, "active") || !strcmp(st, "requested");
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "rid", rid, "connector",
		    strcmp(conn, "0") ? conn : "any", "tag",
		    db_str(&rows, 2) ? db_str(&rows, 2) : "", "expires", when,
		    "expires_iso", iso, "status", st, "status_class",
		    status_class(st), "answer",
		    db_str(&rows, 5) ? db_str(&rows, 5) : "", "tx",
		    db_str(&rows, 6) ? db_str(&rows, 6) : "", (char *)NULL);
		if (live)
			row = TMPL_add_var(row, "live", "1", (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "reservations", loop);
	return rc < 0 ? -1 : 0;
}
