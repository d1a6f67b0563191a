/*
 * handle201_notify_event.c — 2.0.1 NotifyEvent (functional block N): what
 * a station's monitors and hard-wired notifications report, one row of
 * cp_events (sql/038) per eventData entry, shown by GET /cps/{id}/events.
 * A report in several parts (tbc) is stored part by part as it comes; a
 * resent message is stored again, as the station sent it twice.  An
 * entry whose numbers do not fit the table is skipped, the rest stored.
 */
#include <stdint.h>
#include <stdio.h>

#include "handlers201.h"
#include "jsonutil.h"
#include "timeutil.h"

/* An optional integer as text for a nullable INT column (NULL: absent or
 * out of range). */
static const char *opt_int(const cJSON *obj, const char *key, char *buf,
                           size_t len)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsNumber(v) || v->valuedouble < INT32_MIN ||
	    v->valuedouble > INT32_MAX)
		return NULL;
	snprintf(buf, len, "%lld", (long long)v->valuedouble);
	return buf;
}

/* 1 stored, 0 skipped, -1 database error. */
static int store_event(struct hctx *c, const cJSON *ev)
{
	const cJSON *comp = cJSON_GetObjectItemCaseSensitive(ev, "component");
	const cJSON *var = cJSON_GetObjectItemCaseSensitive(ev, "variable");
	const cJSON *evse = cJSON_GetObjectItemCaseSensitive(comp, "evse");
	long long event_id = json_int(ev, "eventId", -1);
	if (event_id < INT32_MIN || event_id > INT32_MAX)
		return 0;
	char cause[24], evse_id[24], conn[24], monitor[24];
	int64_t ts;
	/* The schema checked the format; a time outside what DATETIME holds
	 * is taken as now. */
	if (time_parse_iso8601(json_str(ev, "timestamp", ""), &ts))
		ts = c->now_ms;
	if (db_exec(
	        c->db,
	        "INSERT INTO cp_events (cp_id, event_id, ts, event_trigger, "
	        "cause, component, component_instance, evse_id, "
	        "connector_id, variable, variable_instance, actual_value, "
	        "tech_code, tech_info, cleared, transaction_id, "
	        "monitor_id, notification_type, received_at) VALUES "
	        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        "sitsssssssssssissst", c->cp_id, (int)event_id, ts,
	        json_str(ev, "trigger", ""),
	        opt_int(ev, "cause", cause, sizeof cause),
	        json_str(comp, "name", ""), json_str(comp, "instance", ""),
	        opt_int(evse, "id", evse_id, sizeof evse_id),
	        opt_int(evse, "connectorId", conn, sizeof conn),
	        json_str(var, "name", ""), json_str(var, "instance", ""),
	        json_str(ev, "actualValue", ""), json_str(ev, "techCode", NULL),
	        json_str(ev, "techInfo", NULL),
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ev, "cleared")),
	        json_str(ev, "transactionId", NULL),
	        opt_int(ev, "variableMonitoringId", monitor, sizeof monitor),
	        json_str(ev, "eventNotificationType", ""), c->now_ms) < 0)
		return -1;
	return 1;
}

enum hres handle201_notify_event(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	const cJSON *ev;
	int stored = 0;
	cJSON_ArrayForEach(ev,
	                   cJSON_GetObjectItemCaseSensitive(req, "eventData"))
	{
		int n = store_event(c, ev);
		if (n < 0)
			return hctx_db_error(c);
		stored += n;
	}
	hctx_audit(c, "seqNo=%lld tbc=%s events=%d", json_int(req, "seqNo", 0),
	           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "tbc"))
	               ? "true"
	               : "false",
	           stored);
	return H_OK;
}
