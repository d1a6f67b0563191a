/*
 * ui-tags.c — /tags: the id tags of the users table with their status,
 * expiry and parent tag, with the forms that change them (POSTed to
 * /tags/edit, ui-tagedit.c).  A text filter, a group filter (parent=:
 * the members of that parentIdTag) and pages of 100; each tag's own
 * concurrent transaction limit; the CSV export link and the import form
 * (POSTed to /tags/import, ui-tagedit.c).
 *
 * The status shown is the one a charge point would get: an Accepted tag
 * past its expiry date shows as Expired, as Authorize answers it.
 */
#include "ui-tags.h"

#include <string.h>

#include "param.h"
#include "tag_status.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

#define PER_PAGE  100
#define QUERY_MAX 100

#define TAG_WHERE                                                              \
	"WHERE (? = '' OR id_tag LIKE ? " PARAM_LIKE_ESCAPE                    \
	" OR name LIKE ? " PARAM_LIKE_ESCAPE                                   \
	" OR parent_id_tag LIKE ? " PARAM_LIKE_ESCAPE ")"                      \
	" AND (? = '' OR parent_id_tag = ?)"

static const char sql_count[] = "SELECT COUNT(*) FROM users " TAG_WHERE;
static const char sql_page[] =
    "SELECT id_tag, name, status, expiry_date, parent_id_tag, created_at, "
    "max_concurrent_tx FROM users " TAG_WHERE
    " ORDER BY id_tag LIMIT ? OFFSET ?";

static TMPL_varlist *tag_vars(struct ui_req *r, const struct db_rows *rows)
{
	char buf[32], iso[32];
	const char *status = db_str(rows, 2) ? db_str(rows, 2) : "";
	int64_t expiry = db_time_ms(rows, 3);
	TMPL_varlist *vl = TMPL_add_var(
	    NULL, "tag", db_str(rows, 0) ? db_str(rows, 0) : "", "name",
	    db_str(rows, 1) ? db_str(rows, 1) : "", (char *)NULL);
	vl = TMPL_add_var(vl, "raw_status", status, (char *)NULL);
	status = tag_status_effective(status, expiry, r->now, NULL);
	vl = TMPL_add_var(vl, "status", status, "status_class",
	                  !strcmp(status, "Accepted")  ? "ok"
	                  : !strcmp(status, "Blocked") ? "bad"
	                                               : "muted",
	                  (char *)NULL);
	if (expiry != DB_NULL_TIME) {
		ui_fmt_datetime(expiry, buf, sizeof buf);
		ui_fmt_iso(expiry, iso, sizeof iso);
		vl = TMPL_add_var(vl, "expiry", buf, "expiry_iso", iso,
		                  (char *)NULL);
	}
	if (db_str(rows, 4) && *db_str(rows, 4))
		vl = TMPL_add_var(vl, "parent", db_str(rows, 4), (char *)NULL);
	if (!db_isnull(rows, 6)) {
		snprintf(buf, sizeof buf, "%lld", db_int(rows, 6));
		vl = TMPL_add_var(vl, "max_tx", buf, (char *)NULL);
	}
	ui_fmt_datetime(db_time_ms(rows, 5), buf, sizeof buf);
	buf[10] = '\0';
	return TMPL_add_var(vl, "created", buf, (char *)NULL);
}

void ui_tags(struct ui_req *r, const char *arg)
{
	struct db_rows rows;
	const char *q, *parent;
	char like[4 * QUERY_MAX + 8], buf[32];
	long long page;
	long long total = 0;
	int rc;
	(void)arg;

	if (param_text_or_400(&r->params, "q", QUERY_MAX, "", &q) ||
	    param_text_or_400(&r->params, "parent", 20, "", &parent) ||
	    param_int_or_400(&r->params, "page", 1, 1, 100000000L, &page))
		return;
	if (param_like(q, PARAM_LIKE_CONTAINS, like, sizeof like)) {
		ui_bad_param(r, "q", "is too long");
		return;
	}
	if (db_query(r->db, &rows, sql_count, "ssssss", q, like, like, like,
	             parent, parent)) {
		ui_db_error(r, "tags");
		return;
	}
	if ((rc = db_next(&rows)) > 0)
		total = db_int(&rows, 0);
	db_rows_end(&rows);
	if (rc < 0) {
		ui_db_error(r, "tags");
		return;
	}
	long pages = ui_page_count(total, PER_PAGE);
	if (page > pages) {
		char why[64];
		snprintf(why, sizeof why, "is past the last page (%ld)", pages);
		ui_bad_param(r, "page", why);
		return;
	}
	long long offset = (long long)(page - 1) * PER_PAGE;
	if (db_query(r->db, &rows, sql_page, "ssssssil", q, like, like, like,
	             parent, parent, PER_PAGE, offset)) {
		ui_db_error(r, "tags");
		return;
	}
	TMPL_loop *loop = NULL;
	while ((rc = db_next(&rows)) > 0)
		loop = TMPL_add_varlist(loop, tag_vars(r, &rows));
	db_rows_end(&rows);

	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Id tags", "tags", 0);
	if (loop)
		vl = TMPL_add_loop(vl, "tags", loop);
	if (rc < 0) {
		TMPL_free_varlist(vl);
		ui_db_error(r, "tags");
		return;
	}
	vl = TMPL_add_var(vl, "q", q, (char *)NULL);
	if (*parent) {
		vl = TMPL_add_var(vl, "group", parent, (char *)NULL);
		/* A group is named by any IdToken; say when it is no tag. */
		if (db_query(r->db, &rows,
		             "SELECT status FROM users WHERE id_tag = ?", "s",
		             parent) == 0) {
			if (db_next(&rows) > 0)
				vl = TMPL_add_var(vl, "group_is_tag", "1",
				                  (char *)NULL);
			db_rows_end(&rows);
		}
	}
	const char *token = ui_csrf_for(r);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_outcome_vars(r, vl);
	if (*q || *parent)
		vl = TMPL_add_var(vl, "filtered", "1", (char *)NULL);
	ui_fmt_count(total, buf, sizeof buf);
	vl = TMPL_add_var(vl, "n_count", buf, (char *)NULL);
	struct ui_qs qs;
	ui_qs_init(&qs);
	ui_qs_add(&qs, "q", q);
	ui_qs_add(&qs, "parent", parent);
	vl = ui_pager_vars(r, vl, "/tags", qs.buf, page, pages);
	ui_render(r, 200, "tags.tmpl", vl);
}
