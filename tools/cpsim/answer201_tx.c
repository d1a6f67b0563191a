/*
 * answer201_tx.c — the 2.0.1 remote control of transactions:
 * RequestStartTransaction (an EVSE taken for the remoteStartId),
 * RequestStopTransaction (by the station's transactionId) and
 * UnlockConnector.
 */
#include "answer201.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static int evse_free(const struct evse201 *e)
{
	return e->tx == TX_NONE && !e->inoperative;
}

void answer201_request_start(struct st201 *st, const cJSON *p,
                             struct answer201 *a)
{
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(p, "idToken"), "idToken");
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(p, "remoteStartId");
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(p, "evseId");
	struct evse201 *e = NULL;
	int i;

	if (!cJSON_IsString(tok) || !cJSON_IsNumber(rid)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "idToken and remoteStartId are required");
		return;
	}
	if (cJSON_IsNumber(ev)) {
		if (ev->valueint >= 1 && ev->valueint <= st->nevse &&
		    evse_free(&st->evse[ev->valueint]))
			e = &st->evse[ev->valueint];
	} else {
		for (i = 1; i <= st->nevse && !e; i++)
			if (evse_free(&st->evse[i]))
				e = &st->evse[i];
	}
	if (!e) {
		answer201_status(a, "Rejected");
		return;
	}
	/* Taken now, so a second request cannot promise it again. */
	e->tx = TX_STARTING;
	e->local_session = 0;
	e->remote_start_id = rid->valueint;
	snprintf(e->id_token, sizeof e->id_token, "%s", tok->valuestring);
	answer201_status(a, "Accepted");
	a->fu = FU201_START;
	a->evse = e->id;
	a->remote_start_id = rid->valueint;
	snprintf(a->id_token, sizeof a->id_token, "%s", tok->valuestring);
}

void answer201_request_stop(struct st201 *st, const cJSON *p,
                            struct answer201 *a)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(p, "transactionId");
	struct evse201 *e;

	if (!cJSON_IsString(t)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "transactionId is required");
		return;
	}
	e = st201_find_tx(st, t->valuestring);
	if (!e || e->tx != TX_RUNNING) {
		answer201_status(a, "Rejected");
		return;
	}
	answer201_status(a, "Accepted");
	a->fu = FU201_STOP;
	a->evse = e->id;
	snprintf(a->what, sizeof a->what, "Remote");
}

/* One connector per EVSE; a cable held by a running transaction stays
 * locked (2.0.1 F05: OngoingAuthorizedTransaction). */
void answer201_unlock(struct st201 *st, const cJSON *p, struct answer201 *a)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(p, "evseId");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(p, "connectorId");

	if (!cJSON_IsNumber(ev) || !cJSON_IsNumber(c)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "evseId and connectorId are required");
		return;
	}
	if (ev->valueint < 1 || ev->valueint > st->nevse || c->valueint != 1)
		answer201_status(a, "UnknownConnector");
	else if (st->evse[ev->valueint].tx != TX_NONE)
		answer201_status(a, "OngoingAuthorizedTransaction");
	else
		answer201_status(a, "Unlocked");
}
