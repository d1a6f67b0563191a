/*
 * answer201.c — the 2.0.1 station model's bookkeeping and the table of the
 * CSMS's calls it answers; the answers that are one line (Reset,
 * ClearCache, DataTransfer) are here, the rest in answer201_*.c.
 */
#include "answer201.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

void answer201_status(struct answer201 *a, const char *status)
{
	snprintf(a->payload, sizeof a->payload, "{\"status\":\"%s\"}", status);
}

void answer201_error(struct answer201 *a, const char *code, const char *desc)
{
	a->error = code;
	snprintf(a->error_desc, sizeof a->error_desc, "%s", desc);
}

void st201_init(struct st201 *st, int nevse, const char *ident, int heartbeat_s,
                int meter_interval_s, long long meter_start_wh)
{
	int i;

	memset(st, 0, sizeof *st);
	st->nevse = nevse < 1                  ? 1
	            : nevse > CPSTATE_MAX_CONN ? CPSTATE_MAX_CONN
	                                       : nevse;
	/* A transactionId is at most 36 characters: "<ident>-<n>" keeps
	 * the identity's first 20. */
	snprintf(st->ident, sizeof st->ident, "%.20s", ident);
	for (i = 1; i <= st->nevse; i++) {
		struct evse201 *e = &st->evse[i];

		e->id = i;
		e->pending_avail = -1;
		e->reported = -1;
		e->remote_start_id = -1;
		e->meter_wh = (double)meter_start_wh;
	}
	snprintf(st->vars[0], ST201_VAR_LEN, "%d", heartbeat_s);
	snprintf(st->vars[1], ST201_VAR_LEN, "%d", meter_interval_s);
	snprintf(st->vars[2], ST201_VAR_LEN, "false");
}

const char *st201_status(const struct evse201 *e)
{
	if (e->tx != TX_NONE)
		return "Occupied";
	return e->inoperative ? "Unavailable" : "Available";
}

struct evse201 *st201_find_tx(struct st201 *st, const char *tx_id)
{
	int i;

	for (i = 1; i <= st->nevse; i++)
		if (st->evse[i].tx != TX_NONE &&
		    !strcmp(st->evse[i].tx_id, tx_id))
			return &st->evse[i];
	return NULL;
}

void st201_new_tx(struct st201 *st, struct evse201 *e)
{
	/* The wall clock in the id keeps ids unique across restarts. */
	char id[80];

	snprintf(id, sizeof id, "%.20s-%x-%u", st->ident,
	         (unsigned)(st->now_ms / 1000), ++st->tx_counter);
	snprintf(e->tx_id, sizeof e->tx_id, "%.36s", id);
	e->seq_no = 0;
}

/* Reset: Immediate stops the transactions now; OnIdle waits for them
 * (Scheduled).  An EVSE reset stops that EVSE's transaction only. */
static void answer_reset(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "type");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(p, "evseId");
	int evse = cJSON_IsNumber(ev) ? ev->valueint : 0, i, busy = 0;

	if (!cJSON_IsString(t)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "type missing");
		return;
	}
	if (evse < 0 || evse > st->nevse) {
		answer201_status(a, "Rejected");
		return;
	}
	for (i = 1; i <= st->nevse; i++)
		if ((!evse || evse == i) && st->evse[i].tx != TX_NONE)
			busy = 1;
	answer201_status(a, busy && !strcmp(t->valuestring, "OnIdle")
	                        ? "Scheduled"
	                        : "Accepted");
	a->fu = FU201_RESET;
	a->evse = evse;
	snprintf(a->what, sizeof a->what, "%s", t->valuestring);
}

static void answer_clear_cache(struct st201 *st, const cJSON *p,
                               struct answer201 *a)
{
	(void)st;
	(void)p;
	answer201_status(a, "Accepted");
}

/* Real firmware knows its own vendor's messages only: "cpsim" echoes the
 * data back, any other vendor is UnknownVendorId. */
static void answer_data_transfer(struct st201 *st, const cJSON *p,
                                 struct answer201 *a)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "vendorId");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "data");
	char *dt;

	(void)st;
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "cpsim")) {
		answer201_status(a, "UnknownVendorId");
		return;
	}
	dt = d ? cJSON_PrintUnformatted(d) : NULL;
	if (dt && strlen(dt) + 40 < sizeof a->payload)
		snprintf(a->payload, sizeof a->payload,
		         "{\"status\":\"Accepted\",\"data\":%s}", dt);
	else
		answer201_status(a, "Accepted");
	cJSON_free(dt);
}

typedef void (*handler201)(struct st201 *, const cJSON *, struct answer201 *);

static const struct {
	const char *action;
	handler201 fn;
} table201[] = {
    {"RequestStartTransaction", answer201_request_start},
    {"RequestStopTransaction", answer201_request_stop},
    {"Reset", answer_reset},
    {"ChangeAvailability", answer201_change_availability},
    {"UnlockConnector", answer201_unlock},
    {"TriggerMessage", answer201_trigger},
    {"GetVariables", answer201_get_variables},
    {"SetVariables", answer201_set_variables},
    {"GetBaseReport", answer201_get_base_report},
    {"ClearCache", answer_clear_cache},
    {"DataTransfer", answer_data_transfer},
};

void answer201_call(struct st201 *st, const char *action, const cJSON *payload,
                    struct answer201 *a)
{
	size_t i;

	memset(a, 0, sizeof *a);
	a->remote_start_id = -1;
	if (!cJSON_IsObject(payload)) {
		answer201_error(a, "FormatViolation", "payload not an object");
		return;
	}
	for (i = 0; i < sizeof table201 / sizeof table201[0]; i++)
		if (!strcmp(table201[i].action, action)) {
			table201[i].fn(st, payload, a);
			return;
		}
	int found;
	answer201_more(st, action, payload, a, &found);
	if (found)
		return;
	answer201_error(a, "NotImplemented", "not simulated");
}
