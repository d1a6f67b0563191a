/*
 * answer201_more.c — the simulated station's answers to 2.0.1's
 * monitoring (N), display message (O), network profile (B), transaction
 * status (E) and cost (I) calls.  The station keeps no monitors, messages
 * or profiles: it accepts what it is given (a severity outside 0-9 and a
 * slot below 0 are Rejected), reports that it has nothing (a monitor or
 * a message asked for is unknown, a monitor to set unsupported), and answers
 * GetTransactionStatus from its own sessions.
 */
#include "answer201.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* Accepted: the station takes it (and keeps nothing). */
static void accepted(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	(void)st;
	(void)p;
	answer201_status(a, "Accepted");
}

/* A report of what it does not keep: nothing to send. */
static void empty(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	(void)st;
	(void)p;
	answer201_status(a, "EmptyResultSet");
}

/* A display message it does not have (it keeps none). */
static void unknown(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	(void)st;
	(void)p;
	answer201_status(a, "Unknown");
}

static void set_level(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	(void)st;
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(p, "severity");
	answer201_status(a, cJSON_IsNumber(s) && s->valuedouble >= 0 &&
	                            s->valuedouble <= 9
	                        ? "Accepted"
	                        : "Rejected");
}

static void set_network(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	(void)st;
	const cJSON *s =
	    cJSON_GetObjectItemCaseSensitive(p, "configurationSlot");
	answer201_status(a, cJSON_IsNumber(s) && s->valuedouble >= 0
	                        ? "Accepted"
	                        : "Rejected");
}

/* Every monitor id it is asked to clear is one it does not have. */
static void clear_monitoring(struct st201 *st, const cJSON *p,
                             struct answer201 *a)
{
	(void)st;
	size_t used = (size_t)snprintf(a->payload, sizeof a->payload,
	                               "{\"clearMonitoringResult\":[");
	const cJSON *id;
	int n = 0;
	cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(p, "id"))
	{
		if (used + 64 >= sizeof a->payload)
			break;
		used += (size_t)snprintf(
		    a->payload + used, sizeof a->payload - used,
		    "%s{\"id\":%lld,\"status\":\"NotFound\"}", n++ ? "," : "",
		    (long long)id->valuedouble);
	}
	snprintf(a->payload + used, sizeof a->payload - used, "]}");
}

/* Every monitor it is asked to set is refused: it has no monitoring. */
static void set_monitoring(struct st201 *st, const cJSON *p,
                           struct answer201 *a)
{
	(void)st;
	cJSON *out = cJSON_CreateObject();
	cJSON *res = cJSON_AddArrayToObject(out, "setMonitoringResult");
	const cJSON *d;
	cJSON_ArrayForEach(
	    d, cJSON_GetObjectItemCaseSensitive(p, "setMonitoringData"))
	{
		cJSON *r = cJSON_CreateObject();
		cJSON_AddStringToObject(r, "status", "UnsupportedMonitorType");
		const char *keys[] = {"type", "severity", "component",
		                      "variable"};
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			const cJSON *v =
			    cJSON_GetObjectItemCaseSensitive(d, keys[i]);
			if (v)
				cJSON_AddItemToObject(r, keys[i],
				                      cJSON_Duplicate(v, 1));
		}
		cJSON_AddItemToArray(res, r);
	}
	char *text = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	if (!text || strlen(text) >= sizeof a->payload)
		answer201_error(a, "InternalError", "answer too long");
	else
		snprintf(a->payload, sizeof a->payload, "%s", text);
	cJSON_free(text);
}

static void tx_status(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "transactionId");
	if (!cJSON_IsString(id)) {
		snprintf(a->payload, sizeof a->payload,
		         "{\"messagesInQueue\":false}");
		return;
	}
	snprintf(a->payload, sizeof a->payload,
	         "{\"ongoingIndicator\":%s,\"messagesInQueue\":false}",
	         st201_find_tx(st, id->valuestring) ? "true" : "false");
}

static void cost_updated(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	(void)st;
	(void)p;
	snprintf(a->payload, sizeof a->payload, "{}");
}

void answer201_more(struct st201 *st, const char *action, const cJSON *p,
                    struct answer201 *a, int *found)
{
	static const struct {
		const char *action;
		void (*fn)(struct st201 *, const cJSON *, struct answer201 *);
	} table[] = {
	    {"SetVariableMonitoring", set_monitoring},
	    {"ClearVariableMonitoring", clear_monitoring},
	    {"SetMonitoringBase", accepted},
	    {"SetMonitoringLevel", set_level},
	    {"GetMonitoringReport", empty},
	    {"SetDisplayMessage", accepted},
	    {"GetDisplayMessages", unknown},
	    {"ClearDisplayMessage", unknown},
	    {"SetNetworkProfile", set_network},
	    {"GetTransactionStatus", tx_status},
	    {"CostUpdated", cost_updated},
	};
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (!strcmp(table[i].action, action)) {
			table[i].fn(st, p, a);
			*found = 1;
			return;
		}
	*found = 0;
}
