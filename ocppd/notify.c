/*
 * notify.c — the outbox rows of webhook events; see notify.h.
 */
#include "notify.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

#include "jsonutil.h"
#include "notify_want.h"
#include "tariff.h"
#include "timeutil.h"
#include "../cgi-bin/money.h"

int notify_event(struct db *db, const char *type, const char *cp_id,
                 int64_t now_ms, cJSON *data, const char *dedupe_key)
{
	if (!notify_wanted(type)) {
		cJSON_Delete(data);
		return 0;
	}
	char *text = data ? cJSON_PrintUnformatted(data) : NULL;
	cJSON_Delete(data);
	if (!text)
		return -1;
	/* ON DUPLICATE KEY: a second finder of the same event (another
	 * node's offline sweep) changes nothing; other errors still fail. */
	long long n = db_exec(
	    db,
	    "INSERT INTO webhook_events (type, cp_id, data, created_at, "
	    "dedupe_key) VALUES (?, ?, ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE id = id",
	    "sssts", type, cp_id, text, now_ms, dedupe_key);
	free(text);
	return n < 0 ? -1 : 0;
}

/* A member that is a string, or null when s is NULL. */
static int add_str_or_null(cJSON *o, const char *name, const char *s)
{
	return s ? json_add_str(o, name, s) : !cJSON_AddNullToObject(o, name);
}

static int add_time(cJSON *o, const char *name, int64_t ms)
{
	char ts[32];
	if (ms == DB_NULL_TIME)
		return !cJSON_AddNullToObject(o, name);
	time_format_iso8601(ms, ts);
	return json_add_str(o, name, ts);
}

int notify_session_started(struct hctx *c, long long tx, long long connector,
                           const char *id_tag, const char *tag_status,
                           long long meter_start, int64_t ts)
{
	if (!notify_wanted(NOTIFY_SESSION_STARTED))
		return 0;
	cJSON *d = cJSON_CreateObject();
	if (!d || json_add_int(d, "transaction_id", tx) ||
	    json_add_int(d, "connector_id", connector) ||
	    json_add_str(d, "id_tag", id_tag) ||
	    json_add_str(d, "id_tag_status", tag_status) ||
	    json_add_int(d, "meter_start_wh", meter_start) ||
	    add_time(d, "started_at", ts)) {
		cJSON_Delete(d);
		return -1;
	}
	return notify_event(c->db, NOTIFY_SESSION_STARTED, c->cp_id, c->now_ms,
	                    d, NULL);
}

int notify_session_finished(struct hctx *c, const struct notify_stop *s)
{
	if (!notify_wanted(NOTIFY_SESSION_FINISHED))
		return 0;
	/* The cost as the API and the dashboard show it (money.h). */
	long long wh = money_energy_wh(s->meter_start, s->meter_stop);
	long long cents =
	    money_cost_cents(wh, money_price_micro(c->cfg->price_per_kwh));
	char cost[32];
	money_format_cents(cents, cost);
	const char *currency = c->cfg->currency;
	if (s->cost_priced) {
		/* The stored cost, as the API shows it. */
		tariff_format_fixed(s->cost_minor, s->cost_digits, cost);
		cents = s->cost_minor;
		if (s->cost_currency && *s->cost_currency)
			currency = s->cost_currency;
	}
	cJSON *d = cJSON_CreateObject();
	if (!d || json_add_int(d, "transaction_id", s->tx) ||
	    json_add_int(d, "connector_id", s->connector) ||
	    json_add_str(d, "id_tag", s->id_tag ? s->id_tag : "") ||
	    add_str_or_null(d, "stop_id_tag", s->stop_id_tag) ||
	    add_time(d, "started_at", s->start_ms) ||
	    add_time(d, "stopped_at", s->stop_ms) ||
	    json_add_str(d, "reason", s->reason) ||
	    json_add_int(d, "meter_start_wh", s->meter_start) ||
	    json_add_int(d, "meter_stop_wh", s->meter_stop) ||
	    json_add_int(d, "energy_wh", wh) || json_add_str(d, "cost", cost) ||
	    json_add_int(d, "cost_cents", cents) ||
	    json_add_str(d, "currency", currency) ||
	    add_str_or_null(d, "anomaly", s->anomaly)) {
		cJSON_Delete(d);
		return -1;
	}
	return notify_event(c->db, NOTIFY_SESSION_FINISHED, c->cp_id, c->now_ms,
	                    d, NULL);
}

int notify_connector_faulted(struct hctx *c, long long connector,
                             const char *error_code, const char *info,
                             const char *vendor_id,
                             const char *vendor_error_code, int64_t ts)
{
	if (!notify_wanted(NOTIFY_CONNECTOR_FAULTED))
		return 0;
	cJSON *d = cJSON_CreateObject();
	if (!d || json_add_int(d, "connector_id", connector) ||
	    json_add_str(d, "status", "Faulted") ||
	    add_str_or_null(d, "error_code", error_code) ||
	    add_str_or_null(d, "info", info) ||
	    add_str_or_null(d, "vendor_id", vendor_id) ||
	    add_str_or_null(d, "vendor_error_code", vendor_error_code) ||
	    add_time(d, "timestamp", ts)) {
		cJSON_Delete(d);
		return -1;
	}
	return notify_event(c->db, NOTIFY_CONNECTOR_FAULTED, c->cp_id,
	                    c->now_ms, d, NULL);
}

/* A charge point resends an event it got no answer to: the same type
 * and time of the same charge point is one webhook event. */
int notify_security_event(struct hctx *c, const char *type, int64_t ts,
                          const char *tech_info)
{
	if (!notify_wanted(NOTIFY_SECURITY_EVENT))
		return 0;
	cJSON *d = cJSON_CreateObject();
	if (!d || add_str_or_null(d, "type", type) ||
	    add_time(d, "timestamp", ts) ||
	    add_str_or_null(d, "tech_info", tech_info) ||
	    !cJSON_AddTrueToObject(d, "critical")) {
		cJSON_Delete(d);
		return -1;
	}
	char key[160];
	snprintf(key, sizeof key, "sec:%.50s:%.50s:%lld", c->cp_id, type,
	         (long long)ts);
	return notify_event(c->db, NOTIFY_SECURITY_EVENT, c->cp_id, c->now_ms,
	                    d, key);
}

int notify_status_event(struct hctx *c, const char *type, const char *status)
{
	if (!notify_wanted(type))
		return 0;
	cJSON *d = cJSON_CreateObject();
	if (!d || add_str_or_null(d, "status", status) ||
	    add_time(d, "timestamp", c->now_ms)) {
		cJSON_Delete(d);
		return -1;
	}
	return notify_event(c->db, type, c->cp_id, c->now_ms, d, NULL);
}
