/*
 * cpstate.c — the charge point model: status names and connector lookups.
 */
#include "cpstate.h"

#include <stdio.h>
#include <string.h>

#include "opts.h"

static const char *const status_names[] = {
    [ST_AVAILABLE] = "Available",
    [ST_PREPARING] = "Preparing",
    [ST_CHARGING] = "Charging",
    [ST_SUSPENDED_EV] = "SuspendedEV",
    [ST_SUSPENDED_EVSE] = "SuspendedEVSE",
    [ST_FINISHING] = "Finishing",
    [ST_RESERVED] = "Reserved",
    [ST_UNAVAILABLE] = "Unavailable",
    [ST_FAULTED] = "Faulted",
};

void cpstate_init(struct cpstate *st, int connectors, int heartbeat_s,
                  int meter_interval_s, long long meter_start_wh)
{
	int i;

	memset(st, 0, sizeof *st);
	if (connectors < 1)
		connectors = 1;
	if (connectors > CPSTATE_MAX_CONN)
		connectors = CPSTATE_MAX_CONN;
	st->nconn = connectors;
	st->hw_max_w = 11000;
	for (i = 0; i <= connectors; i++) {
		st->conn[i].id = i;
		st->conn[i].status = ST_AVAILABLE;
		st->conn[i].reported = -1;
		st->conn[i].pending_avail = -1;
		st->conn[i].meter_wh = (double)meter_start_wh;
	}
	cpconfig_init(&st->cfg, connectors, heartbeat_s, meter_interval_s);
	local_auth_list_init(
	    &st->list, cpconfig_get_int(&st->cfg, "LocalAuthListMaxLength",
	                                LOCAL_LIST_CAP));
}

const char *cpstate_status_name(enum cstatus s)
{
	if ((unsigned)s < sizeof status_names / sizeof status_names[0])
		return status_names[s];
	return "Available";
}

int cpstate_status_parse(const char *name)
{
	unsigned i;

	for (i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
		if (!strcmp(status_names[i], name))
			return (int)i;
	return -1;
}

struct connector *cpstate_find_tx(struct cpstate *st, int tx_id)
{
	int i;

	for (i = 1; i <= st->nconn; i++)
		if ((st->conn[i].tx == TX_RUNNING ||
		     st->conn[i].tx == TX_STOPPING) &&
		    st->conn[i].tx_id == tx_id)
			return &st->conn[i];
	return NULL;
}

int cpstate_connector_free(const struct connector *c)
{
	return c->tx == TX_NONE && !c->inoperative && c->pending_avail < 0 &&
	       (c->status == ST_AVAILABLE || c->status == ST_PREPARING);
}

struct connector *cpstate_first_free(struct cpstate *st)
{
	int i;

	for (i = 1; i <= st->nconn; i++)
		if (cpstate_connector_free(&st->conn[i]))
			return &st->conn[i];
	return NULL;
}

void cpstate_apply_opts(struct cpstate *st, const struct cpsim_opts *o)
{
	char v[16];

	st->hw_max_w = o->power_kw * 1000.0;
	st->files = o->files;
	snprintf(v, sizeof v, "%d", o->local_list_max);
	cpconfig_force(&st->cfg, "LocalAuthListMaxLength", v);
	cpconfig_force(&st->cfg, "SendLocalListMaxLength", v);
	local_auth_list_init(&st->list, o->local_list_max);
}
