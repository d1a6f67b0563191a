/*
 * tags_import.c — the control op tag_import: many id tags at once, each
 * checked exactly as tag_add / tag_update check one (tag_op_parse), and
 * a report line per row; see tags_import.h.
 *
 * Per row, not all or nothing: a refused row is reported and skipped,
 * the others are written in one database transaction (so a database
 * failure writes none of them).  A row that names an existing tag
 * updates the fields it gives; one that changes nothing is "unchanged"
 * and is not written (its local-list stamp stays).
 */
#include "tags_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "control.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "tags.h"

enum row_result { ROW_REFUSED, ROW_ADDED, ROW_UPDATED, ROW_UNCHANGED };

struct import_row {
	long line;
	enum row_result result;
	char why[200];
	struct tag_op t;
};

struct import_job {
	struct job job;
	uint64_t client;
	int n;
	struct import_row *rows;
};

/* Whether the stored row (name, status, expiry, parent, limit) already
 * says what t would set. */
static int same_as_stored(const struct tag_op *t, struct db_rows *r)
{
	const char *name = db_str(r, 0), *parent = db_str(r, 3);
	if ((t->set & TAG_SET_NAME) &&
	    (!t->name != !name || (name && strcmp(name, t->name))))
		return 0;
	if ((t->set & TAG_SET_STATUS) &&
	    strcmp(db_str(r, 1) ? db_str(r, 1) : "", t->status))
		return 0;
	if ((t->set & TAG_SET_EXPIRY) && db_time_ms(r, 2) != t->expiry_ms)
		return 0;
	if ((t->set & TAG_SET_PARENT) &&
	    (!t->parent != !parent || (parent && strcmp(parent, t->parent))))
		return 0;
	if ((t->set & TAG_SET_MAXTX) &&
	    (db_isnull(r, 4) ? -1 : (int)db_int(r, 4)) != t->max_tx)
		return 0;
	return 1;
}

static enum hres import_run(struct job *j, struct batch *b)
{
	struct import_job *ij = (struct import_job *)j;
	for (int i = 0; i < ij->n; i++) {
		struct import_row *row = &ij->rows[i];
		if (row->result == ROW_REFUSED && row->why[0])
			continue;
		struct db_rows r;
		if (db_query(b->db, &r,
		             "SELECT name, status, expiry_date, parent_id_tag, "
		             "max_concurrent_tx FROM users WHERE id_tag = ? "
		             "FOR UPDATE",
		             "s", row->t.id_tag))
			return H_DB_ERROR;
		int rc = db_next(&r);
		int same = rc > 0 && same_as_stored(&row->t, &r);
		db_rows_end(&r);
		if (rc < 0)
			return H_DB_ERROR;
		if (same) {
			row->result = ROW_UNCHANGED;
			continue;
		}
		row->t.kind = rc > 0 ? TAG_UPDATE : TAG_ADD;
		if (row->t.kind == TAG_ADD && !(row->t.set & TAG_SET_STATUS))
			snprintf(row->t.status, sizeof row->t.status,
			         "Accepted");
		enum hres h = tag_op_run(b->db, &row->t);
		cJSON_Delete(row->t.row);
		row->t.row = NULL;
		if (h != H_OK)
			return h;
		row->result = row->t.kind == TAG_ADD ? ROW_ADDED : ROW_UPDATED;
	}
	prefetch_forget_tags(&b->pf);
	return H_OK;
}

static void import_done(struct job *j, enum hres r)
{
	struct import_job *ij = (struct import_job *)j;
	if (r != H_OK) {
		control_fail(ij->client,
		             r == H_DB_ERROR ? "db_error" : "internal", NULL,
		             "tag_import: %s, nothing written",
		             r == H_DB_ERROR ? "database error" : "failed");
		return;
	}
	static const char *const names[] = {"refused", "added", "updated",
	                                    "unchanged"};
	long count[4] = {0};
	cJSON *o = cJSON_CreateObject();
	cJSON *items = o ? cJSON_AddArrayToObject(o, "items") : NULL;
	for (int i = 0; items && i < ij->n; i++) {
		struct import_row *row = &ij->rows[i];
		count[row->result]++;
		cJSON *it = cJSON_CreateObject();
		if (!it || !cJSON_AddItemToArray(items, it) ||
		    !cJSON_AddNumberToObject(it, "line", (double)row->line) ||
		    json_add_str(it, "id_tag", row->t.id_tag) ||
		    json_add_str(it, "result", names[row->result]) ||
		    !(row->why[0] ? cJSON_AddStringToObject(it, "why", row->why)
		                  : cJSON_AddNullToObject(it, "why"))) {
			items = NULL;
			break;
		}
	}
	for (int k = 0; items && k < 4; k++)
		if (!cJSON_AddNumberToObject(o, names[k], (double)count[k]))
			items = NULL;
	if (!items) {
		cJSON_Delete(o);
		control_fail(ij->client, "internal", NULL, "out of memory");
		return;
	}
	log_info("ocppd: control | tag_import | added=%ld updated=%ld "
	         "unchanged=%ld refused=%ld",
	         count[ROW_ADDED], count[ROW_UPDATED], count[ROW_UNCHANGED],
	         count[ROW_REFUSED]);
	control_ok(ij->client, o);
}

static void import_fail(struct job *j)
{
	control_fail(((struct import_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void import_free(struct job *j)
{
	struct import_job *ij = (struct import_job *)j;
	for (int i = 0; i < ij->n; i++)
		cJSON_Delete(ij->rows[i].t.row);
	free(ij->rows);
	free(ij);
}

static const struct job_ops import_ops = {.run = import_run,
                                          .done = import_done,
                                          .fail = import_fail,
                                          .free = import_free};

/* One row: an existing tag may be named with nothing else (then it is
 * unchanged), so a row with only id_tag is checked as tag_add and the
 * others as tag_update, whose fields are all optional. */
static void parse_row(const cJSON *obj, struct import_row *row)
{
	const cJSON *id = cJSON_IsObject(obj)
	                      ? cJSON_GetObjectItemCaseSensitive(obj, "id_tag")
	                      : NULL;
	int only_tag = cJSON_IsObject(obj) && cJSON_GetArraySize(obj) == 1;
	if (!cJSON_IsObject(obj)) {
		snprintf(row->why, sizeof row->why, "not an object");
	} else if (tag_op_parse(only_tag ? "tag_add" : "tag_update", obj,
	                        &row->t, row->why, sizeof row->why)) {
		row->result = ROW_REFUSED;
		/* Name the row's tag in the report even when refused. */
		if (cJSON_IsString(id))
			snprintf(row->t.id_tag, sizeof row->t.id_tag, "%.80s",
			         id->valuestring);
		return;
	} else {
		if (only_tag)
			row->t.set = 0; /* not the default status */
		return;
	}
	row->result = ROW_REFUSED;
}

void tags_import_request(const struct control_req *r)
{
	const cJSON *rows = cJSON_GetObjectItemCaseSensitive(r->params, "rows");
	const cJSON *lines =
	    cJSON_GetObjectItemCaseSensitive(r->params, "lines");
	int n = cJSON_IsArray(rows) ? cJSON_GetArraySize(rows) : -1;
	if (n < 1 || n > TAG_IMPORT_MAX) {
		control_fail(r->client, "invalid_params",
		             control_field_of("rows: "),
		             "rows: an array of 1..%d objects", TAG_IMPORT_MAX);
		return;
	}
	if (lines &&
	    !(cJSON_IsArray(lines) && cJSON_GetArraySize(lines) == n)) {
		control_fail(r->client, "invalid_params",
		             control_field_of("lines: "),
		             "lines: an array of a line number per row");
		return;
	}
	for (const cJSON *m = r->params->child; m; m = m->next)
		if (strcmp(m->string, "rows") && strcmp(m->string, "lines")) {
			char why[100];
			snprintf(why, sizeof why, "%.60s: unknown field",
			         m->string);
			control_fail(r->client, "invalid_params",
			             control_field_of(why), "%s", why);
			return;
		}
	struct import_job *ij = calloc(1, sizeof *ij);
	if (ij)
		ij->rows = calloc((size_t)n, sizeof *ij->rows);
	if (!ij || !ij->rows) {
		free(ij);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	ij->n = n;
	ij->client = r->client;
	int i = 0;
	for (const cJSON *row = rows->child; row; row = row->next, i++) {
		const cJSON *ln = lines ? cJSON_GetArrayItem(lines, i) : NULL;
		ij->rows[i].line =
		    cJSON_IsNumber(ln) ? (long)ln->valuedouble : i + 1;
		parse_row(row, &ij->rows[i]);
	}
	ij->job.ops = &import_ops;
	ij->job.who = "";
	ij->job.what = "tag_import";
	if (dbq_submit(&ij->job, "tag_import", 0)) {
		import_free(&ij->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
