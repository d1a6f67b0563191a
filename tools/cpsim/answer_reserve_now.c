/*
 * answer_reserve_now.c — ReserveNow (OCPP 1.6 §5.13): hold a connector,
 * or any connector (connector 0, ReserveConnectorZeroSupported), for one
 * idTag until expiryDate.
 *
 * The answer follows the connector's state: Faulted, Unavailable
 * (Inoperative), Occupied (a transaction, or a status other than
 * Available, or another reservation), else Accepted and the connector
 * becomes Reserved (the session reports it).  A reservationId the charge
 * point already holds is replaced, wherever it was.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "answer_int.h"

/* The answer for a reservation on connector c (1..n). */
static const char *connector_answer(const struct cpstate *st,
                                    const struct connector *c, int id)
{
	if (c->status == ST_FAULTED)
		return "Faulted";
	if (c->inoperative || c->status == ST_UNAVAILABLE)
		return "Unavailable";
	if (st->res[c->id].active && st->res[c->id].id != id)
		return "Occupied";
	if (c->tx != TX_NONE || c->pending_avail >= 0 ||
	    (c->status != ST_AVAILABLE &&
	     !(c->status == ST_RESERVED && st->res[c->id].active)))
		return "Occupied";
	return "Accepted";
}

/* Connector 0: Accepted while a connector is free for it; else the state
 * the connectors share (all Faulted, all Unavailable) or Occupied. */
static const char *any_answer(const struct cpstate *st, int id)
{
	int i, faulted = 0, unavailable = 0, free = 0;

	if (st->res[0].active && st->res[0].id != id)
		return "Occupied";
	for (i = 1; i <= st->nconn; i++) {
		const char *s = st->res[i].active && st->res[i].id != id
		                    ? "Occupied"
		                    : connector_answer(st, &st->conn[i], id);

		faulted += !strcmp(s, "Faulted");
		unavailable += !strcmp(s, "Unavailable");
		free += !strcmp(s, "Accepted");
	}
	if (free)
		return "Accepted";
	if (faulted == st->nconn)
		return "Faulted";
	if (unavailable == st->nconn)
		return "Unavailable";
	return "Occupied";
}

void answer_reserve_now(struct cpstate *st, const cJSON *p, struct answer *a)
{
	const char *tag, *parent = NULL, *status;
	int cid = 0, id = 0, old;
	int64_t expiry = 0;
	struct reservation *r;

	if (answer_int_field(p, "connectorId", 1, &cid, a) < 0 ||
	    answer_time_field(p, "expiryDate", 1, &expiry, a) < 0 ||
	    !(tag = answer_str_field(p, "idTag", 1, 20, a)) ||
	    answer_int_field(p, "reservationId", 1, &id, a) < 0)
		return;
	parent = answer_str_field(p, "parentIdTag", 0, 20, a);
	if (a->error)
		return;
	if (cid < 0 || cid > st->nconn ||
	    (cid == 0 &&
	     strcmp(cpconfig_get(&st->cfg, "ReserveConnectorZeroSupported"),
	            "true"))) {
		answer_set_status(a, "Rejected");
		return;
	}
	status =
	    cid ? connector_answer(st, &st->conn[cid], id) : any_answer(st, id);
	answer_set_status(a, status);
	if (strcmp(status, "Accepted"))
		return;
	/* The same reservationId elsewhere is replaced by this one. */
	old = cpstate_reservation_find(st, id);
	if (old >= 0 && old != cid)
		cpstate_reservation_end(st, old);
	r = &st->res[cid];
	memset(r, 0, sizeof *r);
	r->active = 1;
	r->id = id;
	r->expiry_ms = expiry;
	snprintf(r->id_tag, sizeof r->id_tag, "%s", tag);
	snprintf(r->parent, sizeof r->parent, "%s", parent ? parent : "");
	if (cid)
		st->conn[cid].status = ST_RESERVED;
	a->fu = FU_STATUS;
	a->connector = old > 0 && old != cid ? 0 : cid;
}
