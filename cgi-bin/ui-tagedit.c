/*
 * ui-tagedit.c — the tags page's forms (ui-tagedit.h).  The field "op"
 * says what to do; ocppd checks the values (id tag length, status, date)
 * and its refusal is shown on the page like any other outcome.
 */
#include "ui-tagedit.h"

#include <stdlib.h>
#include <string.h>

#include "ui-error.h"
#include "ui-format.h"
#include "tagcsv.h"
#include "ui-post.h"

/* Optional text fields of the add form, sent only when filled in. */
static const char *const add_fields[] = {"name", "status", "expiry_date",
                                         "parent_id_tag"};

/* A number field as ocppd takes it: digits become a number, empty null,
 * anything else stays text for ocppd to refuse naming the field. */
static void add_limit(cJSON *p, const char *v)
{
	if (!v || !*v)
		cJSON_AddNullToObject(p, "max_concurrent_tx");
	else if (strspn(v, "0123456789") == strlen(v) && strlen(v) <= 6)
		cJSON_AddNumberToObject(p, "max_concurrent_tx", atof(v));
	else
		cJSON_AddStringToObject(p, "max_concurrent_tx", v);
}

void ui_tag_edit(struct ui_req *r, const char *arg)
{
	struct ui_form f;
	const char *op_name, *done;
	(void)arg;

	if (ui_form_read_or_error(r, &f))
		return;
	const char *op = ui_form_get(&f, "op");
	const char *tag = ui_form_get(&f, "id_tag");
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "id_tag", tag ? tag : "");
	if (op && !strcmp(op, "add")) {
		op_name = "tag_add", done = "Add";
		for (size_t i = 0; i < sizeof add_fields / sizeof add_fields[0];
		     i++) {
			const char *v = ui_form_get(&f, add_fields[i]);
			if (v && *v)
				cJSON_AddStringToObject(p, add_fields[i], v);
		}
		const char *mx = ui_form_get(&f, "max_concurrent_tx");
		if (mx && *mx)
			add_limit(p, mx);
	} else if (op && !strcmp(op, "group")) {
		/* Both always sent: empty clears (no group, the global
		 * limit). */
		op_name = "tag_update", done = "Group and limit of";
		const char *parent = ui_form_get(&f, "parent_id_tag");
		cJSON_AddStringToObject(p, "parent_id_tag",
		                        parent ? parent : "");
		add_limit(p, ui_form_get(&f, "max_concurrent_tx"));
	} else if (op && !strcmp(op, "block")) {
		op_name = "tag_update", done = "Block";
		cJSON_AddStringToObject(p, "status", "Blocked");
	} else if (op && !strcmp(op, "unblock")) {
		op_name = "tag_update", done = "Unblock";
		cJSON_AddStringToObject(p, "status", "Accepted");
	} else if (op && !strcmp(op, "delete")) {
		op_name = "tag_delete", done = "Delete";
	} else {
		cJSON_Delete(p);
		ui_form_free(&f);
		ui_bad_param(r, "op",
		             "is not add, group, block, unblock or delete");
		return;
	}
	struct ui_outcome o;
	ui_control(r, op_name, NULL, p, &o, NULL);
	cJSON_Delete(p);

	char what[80];
	snprintf(what, sizeof what, "%s %.20s", done, tag ? tag : "");
	if (!strcmp(o.kind, "ok"))
		snprintf(o.msg, sizeof o.msg, "done");
	ui_form_free(&f);
	ui_redirect_outcome(r, "/tags", "/tags", what, &o);
}

/* ui_control for tagcsv_import: the answer's result, or NULL after
 * noting why in the outcome. */
struct import_ctx {
	struct ui_req *r;
	struct ui_outcome o;
};

static cJSON *call_import(void *arg, const cJSON *params)
{
	struct import_ctx *c = arg;
	cJSON *res = NULL;
	ui_control(c->r, "tag_import", NULL, params, &c->o, &res);
	return res;
}

static void report_page(struct ui_req *r, const char *error,
                        const cJSON *report)
{
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Id tag import", "tags", 0);
	if (error)
		vl = TMPL_add_var(vl, "error", error, (char *)NULL);
	TMPL_loop *loop = NULL;
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(report, "items");
	for (const cJSON *it = items ? items->child : NULL; it; it = it->next) {
		char line[24];
		const char *res = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "result"));
		const char *why = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(it, "why"));
		snprintf(
		    line, sizeof line, "%d",
		    cJSON_GetObjectItemCaseSensitive(it, "line")
		        ? cJSON_GetObjectItemCaseSensitive(it, "line")->valueint
		        : 0);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "line", line, "id_tag",
		    cJSON_GetStringValue(
		        cJSON_GetObjectItemCaseSensitive(it, "id_tag"))
		        ?: "",
		    "result", res ? res : "", "result_class",
		    res && !strcmp(res, "refused")     ? "bad"
		    : res && !strcmp(res, "unchanged") ? "muted"
		                                       : "ok",
		    (char *)NULL);
		if (why)
			row = TMPL_add_var(row, "why", why, (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	if (loop)
		vl = TMPL_add_loop(vl, "rows", loop);
	static const char *const counts[] = {"added", "updated", "unchanged",
	                                     "refused"};
	for (int k = 0; report && k < 4; k++) {
		char n[24];
		snprintf(
		    n, sizeof n, "%d",
		    cJSON_GetObjectItemCaseSensitive(report, counts[k])
		        ? cJSON_GetObjectItemCaseSensitive(report, counts[k])
		              ->valueint
		        : 0);
		vl = TMPL_add_var(vl, counts[k], n, (char *)NULL);
	}
	if (report)
		vl = TMPL_add_var(vl, "report", "1", (char *)NULL);
	ui_render(r, error ? 400 : 200, "tagimport.tmpl", vl);
}

void ui_tag_import(struct ui_req *r, const char *arg)
{
	struct ui_form f;
	(void)arg;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *text = ui_form_get(&f, "csv");
	char why[256];
	cJSON *chunks = NULL;
	if (tagcsv_parse(text ? text : "", text ? strlen(text) : 0, &chunks,
	                 why, sizeof why)) {
		ui_form_free(&f);
		report_page(r, why, NULL);
		return;
	}
	ui_form_free(&f);
	struct import_ctx c = {r, {"invalid", ""}};
	int failed;
	cJSON *report = tagcsv_import(chunks, call_import, &c, &failed);
	cJSON_Delete(chunks);
	if (failed >= 0) {
		snprintf(why, sizeof why,
		         "the import stopped: %.150s; the rows listed below "
		         "were written, the others not",
		         c.o.msg);
		report_page(r, why, report);
	} else if (!report) {
		report_page(r, "out of memory", NULL);
	} else {
		report_page(r, NULL, report);
	}
	cJSON_Delete(report);
}
