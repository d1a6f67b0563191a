/*
 * ui-siteload.c — see ui-siteload.h.
 */
#include "ui-siteload.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "loadquery.h"
#include "ui-format.h"

#define ALLOC_MAX     200
#define DECISIONS_MAX 10

static void amps(char *buf, size_t n, long long da)
{
	snprintf(buf, n, "%.1f A", (double)da / 10.0);
}

static int alloc_rows(struct ui_req *r, long long site, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, LOADQ_ALLOC, "li", site, ALLOC_MAX))
		return -1;
	TMPL_loop *loop = NULL;
	int rc;
	char target[32], acc[32], when[64];
	while ((rc = db_next(&rows)) == 1) {
		long long tx = db_int(&rows, LOADQ_TX);
		long long t = db_int(&rows, LOADQ_TARGET_DA);
		if (t < 0)
			snprintf(target, sizeof target, "clearing");
		else
			amps(target, sizeof target, t);
		if (db_isnull(&rows, LOADQ_ACCEPTED_DA))
			snprintf(acc, sizeof acc, "—");
		else
			amps(acc, sizeof acc, db_int(&rows, LOADQ_ACCEPTED_DA));
		ui_fmt_ago(db_time_ms(&rows, LOADQ_UPDATED), r->now, when,
		           sizeof when);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "cp", db_str(&rows, LOADQ_CP), "target", target,
		    "accepted", acc, "status", db_str(&rows, LOADQ_STATUS),
		    "answer",
		    db_str(&rows, LOADQ_ANSWER) ? db_str(&rows, LOADQ_ANSWER)
		                                : "",
		    "when", when, "phases", db_str(&rows, LOADQ_PHASES),
		    (char *)NULL);
		if (tx > 0) {
			row = ui_add_fmt(row, "tx", "%lld", tx);
			row = ui_add_fmt(row, "connector", "%lld",
			                 db_int(&rows, LOADQ_CONNECTOR));
		}
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "lm_alloc", loop);
	return rc < 0 ? -1 : 0;
}

/* "CP_1#1 16.0 A, CP_2#1 paused" from a decision's plan. */
static void plan_text(const char *json, char *buf, size_t n)
{
	buf[0] = '\0';
	cJSON *plan = json ? cJSON_Parse(json) : NULL;
	size_t used = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, plan)
	{
		const cJSON *cp = cJSON_GetObjectItemCaseSensitive(e, "cp_id");
		double lim = cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(e, "limit_a"));
		int conn = (int)cJSON_GetNumberValue(
		    cJSON_GetObjectItemCaseSensitive(e, "connector_id"));
		int obeys =
		    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "obeys"));
		int online = !cJSON_IsFalse(
		    cJSON_GetObjectItemCaseSensitive(e, "online"));
		if (!cJSON_IsString(cp) || used + 80 > n)
			break;
		char part[128];
		if (!obeys)
			snprintf(part, sizeof part, "%.50s#%d does not obey",
			         cp->valuestring, conn);
		else if (!online)
			snprintf(part, sizeof part,
			         "%.50s#%d offline, keeps %.1f A",
			         cp->valuestring, conn, lim);
		else if (lim > 0)
			snprintf(part, sizeof part, "%.50s#%d %.1f A",
			         cp->valuestring, conn, lim);
		else
			snprintf(part, sizeof part, "%.50s#%d paused",
			         cp->valuestring, conn);
		used += (size_t)snprintf(buf + used, n - used, "%s%s",
		                         used ? ", " : "", part);
	}
	cJSON_Delete(plan);
}

static int decision_rows(struct ui_req *r, long long site, TMPL_varlist **vl)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, LOADQ_DECISIONS, "li", site, DECISIONS_MAX))
		return -1;
	TMPL_loop *loop = NULL;
	int rc;
	char when[64], iso[40], lim[32], plan[1024];
	while ((rc = db_next(&rows)) == 1) {
		ui_fmt_datetime(db_time_ms(&rows, LOADQ_D_AT), when,
		                sizeof when);
		ui_fmt_iso(db_time_ms(&rows, LOADQ_D_AT), iso, sizeof iso);
		amps(lim, sizeof lim, db_int(&rows, LOADQ_D_LIMIT_DA));
		plan_text(db_str(&rows, LOADQ_D_PLAN), plan, sizeof plan);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "when", when, "iso", iso, "result",
		    db_str(&rows, LOADQ_D_RESULT), "limit", lim, "plan", plan,
		    "node",
		    db_str(&rows, LOADQ_D_NODE) ? db_str(&rows, LOADQ_D_NODE)
		                                : "",
		    (char *)NULL);
		row = ui_add_fmt(row, "sessions", "%lld",
		                 db_int(&rows, LOADQ_D_SESSIONS));
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(&rows);
	if (loop)
		*vl = TMPL_add_loop(*vl, "lm_decisions", loop);
	return rc < 0 ? -1 : 0;
}

int ui_siteload_vars(struct ui_req *r, long long site_id, TMPL_varlist **vl)
{
	return alloc_rows(r, site_id, vl) || decision_rows(r, site_id, vl) ? -1
	                                                                   : 0;
}
