/*
 * ui-bulk.c — see ui-bulk.h.
 */
#include "ui-bulk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "param.h"
#include "ui-error.h"
#include "ui-post.h"

/* A number field: absent or empty leaves it out (ocppd's default);
 * anything else goes as a number when it is one, else as text, so ocppd
 * names the field in its refusal. */
static void add_int(cJSON *p, const char *name, const char *v)
{
	long long n;
	if (!v || !*v)
		return;
	if (!param_parse_int(v, -2147483647LL, 2147483647LL, &n))
		cJSON_AddNumberToObject(p, name, (double)n);
	else
		cJSON_AddStringToObject(p, name, v);
}

void ui_bulk_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *site = ui_form_get(&f, "site_id");
	const char *group = ui_form_get(&f, "group_id");
	const char *action = ui_form_get(&f, "action");
	const char *text = ui_form_get(&f, "params");
	long long target;
	char page[64];
	const char *back_what = site ? "site" : "group";
	if (param_parse_int(site    ? site
	                    : group ? group
	                            : "",
	                    1, 2147483647, &target)) {
		ui_form_free(&f);
		ui_error(r, 400, "No site or group",
		         "The form names no site or group.");
		return;
	}
	snprintf(page, sizeof page, "/%ss/%lld", back_what, target);
	struct ui_outcome o = {"invalid", ""};
	cJSON *payload = NULL;
	if (!text || !*text)
		payload = cJSON_CreateObject();
	else if (!(payload = cJSON_Parse(text)) || !cJSON_IsObject(payload))
		snprintf(o.msg, sizeof o.msg,
		         "payload: not a JSON object (for Reset: "
		         "{\"type\": \"Soft\"})");
	cJSON *res = NULL;
	if (cJSON_IsObject(payload)) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "action", action ? action : "");
		cJSON_AddItemToObject(p, "params", payload);
		payload = NULL;
		cJSON_AddNumberToObject(p, site ? "site_id" : "group_id",
		                        (double)target);
		add_int(p, "per_minute", ui_form_get(&f, "per_minute"));
		add_int(p, "max_in_flight", ui_form_get(&f, "max_in_flight"));
		add_int(p, "max_failures", ui_form_get(&f, "max_failures"));
		ui_control(r, "bulk_start", NULL, p, &o, &res);
		cJSON_Delete(p);
	}
	cJSON_Delete(payload);
	ui_form_free(&f);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(res, "id");
	if (!strcmp(o.kind, "ok") && cJSON_IsNumber(id)) {
		const cJSON *n =
		    cJSON_GetObjectItemCaseSensitive(res, "charge_points");
		snprintf(page, sizeof page, "/bulk-jobs/%lld",
		         (long long)id->valuedouble);
		snprintf(o.msg, sizeof o.msg, "started for %lld charge points",
		         cJSON_IsNumber(n) ? (long long)n->valuedouble : 0LL);
		cJSON_Delete(res);
		ui_redirect_outcome(r, page, page, "Bulk job", &o);
		return;
	}
	cJSON_Delete(res);
	ui_redirect_outcome(r, page, page, "Command to all", &o);
}
