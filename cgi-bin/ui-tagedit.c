/*
 * ui-tagedit.c — the tags page's forms (ui-tagedit.h).  The field "op"
 * says what to do; ocppd checks the values (id tag length, status, date)
 * and its refusal is shown on the page like any other outcome.
 */
#include "ui-tagedit.h"

#include <string.h>

#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

/* Optional text fields of the add form, sent only when filled in. */
static const char *const add_fields[] = {"name", "status", "expiry_date",
                                         "parent_id_tag"};

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
		ui_bad_param(r, "op", "is not add, block, unblock or delete");
		return;
	}
	struct ui_outcome o;
	ui_control(r, op_name, NULL, p, &o, NULL);
	cJSON_Delete(p);

	char what[64];
	snprintf(what, sizeof what, "%s %.20s", done, tag ? tag : "");
	if (!strcmp(o.kind, "ok"))
		snprintf(o.msg, sizeof o.msg, "done");
	ui_form_free(&f);
	ui_redirect_outcome(r, "/tags", "/tags", what, &o);
}
