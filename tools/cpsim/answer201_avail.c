/*
 * answer201_avail.c — ChangeAvailability of the station or one EVSE: an
 * EVSE with a transaction changes when it ends (Scheduled).
 */
#include "answer201.h"

#include <cjson/cJSON.h>
#include <string.h>

void answer201_change_availability(struct st201 *st, const cJSON *p,
                                   struct answer201 *a)
{
	const cJSON *os =
	    cJSON_GetObjectItemCaseSensitive(p, "operationalStatus");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(p, "evse"), "id");
	int evse = cJSON_IsNumber(ev) ? ev->valueint : 0, i, inop, sched = 0;

	if (!cJSON_IsString(os)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "operationalStatus is required");
		return;
	}
	if (evse < 0 || evse > st->nevse) {
		answer201_status(a, "Rejected");
		return;
	}
	inop = !strcmp(os->valuestring, "Inoperative");
	for (i = 1; i <= st->nevse; i++) {
		struct evse201 *e = &st->evse[i];

		if (evse && evse != i)
			continue;
		if (e->tx != TX_NONE && e->inoperative != inop) {
			e->pending_avail = inop;
			sched = 1;
		} else {
			e->inoperative = inop;
		}
	}
	answer201_status(a, sched ? "Scheduled" : "Accepted");
	a->fu = FU201_AVAIL;
	a->evse = evse;
}
