/*
 * api-security-events.c — see api-security-events.h.
 */
#include "api-security-events.h"

#include "api-json.h"
#include "secquery.h"

static cJSON *event_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, SECQ_ID));
	api_json_str(o, "cp_id", db_str(rows, SECQ_CP));
	api_json_str(o, "type", db_str(rows, SECQ_TYPE));
	api_json_time(o, "timestamp", db_time_ms(rows, SECQ_TS));
	api_json_str(o, "tech_info", db_str(rows, SECQ_TECH_INFO));
	cJSON_AddBoolToObject(o, "critical", db_int(rows, SECQ_CRITICAL));
	api_json_time(o, "received_at", db_time_ms(rows, SECQ_RECEIVED));
	return o;
}

/* The list for one charge point (cp: the path's) or the fleet (NULL:
 * the cp_id filter). */
static void list(struct api_req *r, const char *cp)
{
	static const char *const flags[] = {"false", "true", NULL};
	long long page, per_page;
	const char *type = "";
	if (param_int_or_400(&r->params, "page", 1, 1, 1000000000, &page) ||
	    param_int_or_400(&r->params, "per_page", 50, 1, 500, &per_page) ||
	    param_text_or_400(&r->params, "type", 50, "", &type))
		return;
	if (!cp && param_text_or_400(&r->params, "cp_id", 50, "", &cp))
		return;
	int crit = param_choice_or_400(&r->params, "critical", flags);
	if (crit == -2)
		return;
	const char *critical = crit < 0 ? "" : crit ? "1" : "0";
	const char *const filters[] = {cp, critical, type};
	api_send_filtered_page(r, SECQ_COUNT, SECQ_PAGE, filters, 3, page,
	                       per_page, event_object);
}

void api_security_events(struct api_req *r)
{
	list(r, NULL);
}

void api_cp_security_events(struct api_req *r)
{
	if (api_cp_or_404(r))
		return;
	list(r, r->arg);
}
