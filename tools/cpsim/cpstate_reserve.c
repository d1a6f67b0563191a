/*
 * cpstate_reserve.c — the reservations a charge point holds, and who may
 * start where because of them (OCPP 1.6 §5.13, ReserveNow).
 *
 * A reservation on connector N makes it Reserved: only the reserved idTag,
 * or a tag with the reservation's parentIdTag, may start there, and the
 * start consumes it (its reservationId goes into StartTransaction).  A
 * reservation on connector 0 holds "any connector": other tags may start
 * only while another connector than the last free one is left.
 */
#include "cpstate.h"

#include <string.h>
#include <strings.h>

int cpstate_reservation_find(const struct cpstate *st, int id)
{
	int i;

	for (i = 0; i <= st->nconn; i++)
		if (st->res[i].active && st->res[i].id == id)
			return i;
	return -1;
}

int cpstate_reservation_matches(const struct cpstate *st,
                                const struct reservation *r, const char *tag)
{
	const struct local_auth_entry *e;

	if (!strcasecmp(r->id_tag, tag))
		return 1;
	if (!r->parent[0])
		return 0;
	e = local_auth_list_find(&st->list, tag);
	if (!e)
		return 2; /* only Authorize.conf can tell */
	return e->parent[0] && !strcasecmp(e->parent, r->parent);
}

/* Free connectors not reserved for anyone. */
static int unreserved_free(const struct cpstate *st)
{
	int i, n = 0;

	for (i = 1; i <= st->nconn; i++)
		if (!st->res[i].active && cpstate_connector_free(&st->conn[i]))
			n++;
	return n;
}

/* Whether tag may start on connector c (2: if Authorize.conf gives it the
 * reservation's parent, with maybe set); *res_conn: the reservation used. */
static int may_start(struct cpstate *st, const struct connector *c,
                     const char *tag, int maybe, int *res_conn)
{
	const struct reservation *r = &st->res[c->id];
	int m;

	*res_conn = -1;
	if (r->active) {
		m = cpstate_reservation_matches(st, r, tag);
		if (!m || (m == 2 && !maybe))
			return 0;
		/* Reserved (or Preparing for it): the tag takes it. */
		if (c->tx != TX_NONE || c->inoperative || c->pending_avail >= 0)
			return 0;
		*res_conn = c->id;
		return m;
	}
	if (!cpstate_connector_free(c))
		return 0;
	r = &st->res[0];
	if (!r->active)
		return 1;
	if (cpstate_reservation_matches(st, r, tag) == 1) {
		*res_conn = 0;
		return 1;
	}
	/* The last free connector is kept for the connector 0 holder. */
	return unreserved_free(st) > 1;
}

struct connector *cpstate_start_connector(struct cpstate *st, int want,
                                          const char *tag, int *res_conn,
                                          int *check_parent)
{
	int i, m;

	*res_conn = -1;
	*check_parent = 0;
	if (want > 0) {
		if (want > st->nconn ||
		    !(m = may_start(st, &st->conn[want], tag, 1, res_conn)))
			return NULL;
		*check_parent = m == 2;
		return &st->conn[want];
	}
	/* A connector reserved for this tag first, then any; a tag that
	 * only may be a child of the reservation's parent goes to a
	 * connector it names. */
	for (i = 1; i <= st->nconn; i++)
		if (st->res[i].active &&
		    may_start(st, &st->conn[i], tag, 0, res_conn))
			return &st->conn[i];
	for (i = 1; i <= st->nconn; i++)
		if (may_start(st, &st->conn[i], tag, 0, res_conn))
			return &st->conn[i];
	return NULL;
}

void cpstate_reservation_end(struct cpstate *st, int k)
{
	if (k < 0 || k > st->nconn || !st->res[k].active)
		return;
	memset(&st->res[k], 0, sizeof st->res[k]);
	if (k > 0 && st->conn[k].status == ST_RESERVED)
		st->conn[k].status =
		    st->conn[k].inoperative ? ST_UNAVAILABLE : ST_AVAILABLE;
}

int cpstate_reservations_expire(struct cpstate *st, int64_t now_ms)
{
	int i, n = 0;

	for (i = 0; i <= st->nconn; i++)
		if (st->res[i].active && now_ms >= st->res[i].expiry_ms) {
			cpstate_reservation_end(st, i);
			n++;
		}
	return n;
}
