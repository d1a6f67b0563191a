/*
 * ui-refused.c — /refused, linked from the approvals page: each refused
 * or unknown connection attempt ocppd holds in memory (identity, address,
 * why, how often, first and last time), newest first.  ocppd keeps a
 * bounded ring (ocppd/conn_attempts.h), so this page reads it through
 * the control socket, not the database.
 */
#include "ui-refused.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"

static const char *str_of(const cJSON *o, const char *name)
{
	const char *s =
	    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
	return s ? s : "";
}

/* The ISO time ocppd gave, as the dashboard shows times. */
static TMPL_varlist *time_vars(TMPL_varlist *vl, const char *name,
                               const char *iso_name, const char *iso)
{
	int64_t ms;
	char buf[32], canon[32];
	if (time_parse_iso8601(iso, &ms))
		return vl;
	ui_fmt_datetime(ms, buf, sizeof buf);
	ui_fmt_iso(ms, canon, sizeof canon);
	return TMPL_add_var(vl, name, buf, iso_name, canon, (char *)NULL);
}

static TMPL_varlist *row_vars(const cJSON *e)
{
	char code[16], count[32];
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(e, "code");
	long long n = (long long)cJSON_GetNumberValue(
	    cJSON_GetObjectItemCaseSensitive(e, "count"));
	int refused = cJSON_IsNumber(c) && c->valuedouble > 0;
	snprintf(code, sizeof code, "%d", cJSON_IsNumber(c) ? c->valueint : 0);
	ui_fmt_count(n, count, sizeof count);
	TMPL_varlist *vl = TMPL_add_var(
	    NULL, "identity", str_of(e, "identity"), "address",
	    str_of(e, "address"), "reason", str_of(e, "reason"), "count", count,
	    "outcome", refused ? code : "let in", "outcome_class",
	    refused ? "bad" : "muted", (char *)NULL);
	vl = time_vars(vl, "first", "first_iso", str_of(e, "first_at"));
	return time_vars(vl, "last", "last_iso", str_of(e, "last_at"));
}

void ui_refused(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct ui_outcome o = {"invalid", ""};
	cJSON *res = NULL;
	ui_control(r, "connection_attempts", NULL, NULL, &o, &res);
	if (!res) {
		ui_error(r, 503, "ocppd not reachable",
		         "The list of refused connections is held by ocppd, "
		         "which did not answer; try again shortly.");
		return;
	}
	TMPL_loop *loop = NULL;
	const cJSON *items = cJSON_GetObjectItemCaseSensitive(res, "items");
	int n = 0;
	for (const cJSON *e = items ? items->child : NULL; e; e = e->next, n++)
		loop = TMPL_add_varlist(loop, row_vars(e));
	char cap[16], count[16];
	snprintf(
	    cap, sizeof cap, "%d",
	    cJSON_GetObjectItemCaseSensitive(res, "capacity")
	        ? cJSON_GetObjectItemCaseSensitive(res, "capacity")->valueint
	        : 0);
	snprintf(count, sizeof count, "%d", n);
	cJSON_Delete(res);
	TMPL_varlist *vl =
	    ui_frame_vars(r, NULL, "Refused connections", "approvals", 0);
	if (loop)
		vl = TMPL_add_loop(vl, "attempts", loop);
	vl = TMPL_add_var(vl, "capacity", cap, "n_count", count, (char *)NULL);
	ui_render(r, 200, "refused.tmpl", vl);
}
