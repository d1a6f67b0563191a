/*
 * answer201_trigger.c — TriggerMessage: the messages the station can send
 * again on request; the session sends them (FU201_TRIGGER).
 */
#include "answer201.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

void answer201_trigger(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	static const char *const known[] = {"BootNotification", "Heartbeat",
	                                    "StatusNotification", "MeterValues",
	                                    "TransactionEvent"};
	const cJSON *m =
	    cJSON_GetObjectItemCaseSensitive(p, "requestedMessage");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(p, "evse"), "id");
	int evse = cJSON_IsNumber(ev) ? ev->valueint : 0;
	size_t i;

	if (!cJSON_IsString(m)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "requestedMessage is required");
		return;
	}
	if (evse < 0 || evse > st->nevse) {
		answer201_status(a, "Rejected");
		return;
	}
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(known[i], m->valuestring)) {
			answer201_status(a, "Accepted");
			a->fu = FU201_TRIGGER;
			a->evse = evse;
			snprintf(a->what, sizeof a->what, "%s", m->valuestring);
			return;
		}
	answer201_status(a, "NotImplemented");
}
