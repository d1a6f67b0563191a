/*
 * cpstate.h — what a charge point knows about itself: its connectors, their
 * status and transactions, and its configuration keys.
 *
 * The session driver, the scenario runner and the call answerer all read
 * and change this one model, so an answer (RemoteStopTransaction: is a
 * transaction running?) always agrees with what was sent.
 */
#ifndef CPSIM_CPSTATE_H
#define CPSIM_CPSTATE_H

#include <stdint.h>

#include "cpconfig.h"

#define CPSTATE_MAX_CONN      32
#define CPSTATE_MAX_OVERRIDES 16

enum cstatus {
	ST_AVAILABLE,
	ST_PREPARING,
	ST_CHARGING,
	ST_SUSPENDED_EV,
	ST_SUSPENDED_EVSE,
	ST_FINISHING,
	ST_RESERVED,
	ST_UNAVAILABLE,
	ST_FAULTED,
};

enum txstate { TX_NONE, TX_STARTING, TX_RUNNING, TX_STOPPING };

struct connector {
	int id;
	enum cstatus status;
	int reported;      /* the status last sent, -1 none yet */
	int inoperative;   /* ChangeAvailability Inoperative in force */
	int pending_avail; /* -1 none, else the type (0 Operative,
	                      1 Inoperative) to apply when the tx ends */
	enum txstate tx;
	int tx_id;         /* valid in TX_RUNNING and TX_STOPPING */
	int remote;        /* started by RemoteStartTransaction */
	int local_session; /* one of the --sessions */
	char id_tag[21];
	double meter_wh; /* the energy register; rises while charging */
	long long meter_start;
	int64_t stop_at_ms; /* monotonic deadline, 0 = until told */
	int64_t next_meter_ms;
	int64_t last_energy_ms;
};

/* A scenario's `answer` lines: fixed replies to the server's calls. */
struct answer_override {
	char action[48];
	char error[48]; /* CALLERROR code, or "" for a CALLRESULT */
	char payload[512];
};

struct cpstate {
	int nconn;
	struct connector conn[CPSTATE_MAX_CONN + 1]; /* [0]: the whole CP */
	struct cpconfig cfg;
	int noverrides;
	struct answer_override overrides[CPSTATE_MAX_OVERRIDES];
};

void cpstate_init(struct cpstate *st, int connectors, int heartbeat_s,
                  int meter_interval_s, long long meter_start_wh);

const char *cpstate_status_name(enum cstatus s);
/* -1 if the name is not a ChargePointStatus. */
int cpstate_status_parse(const char *name);

/* The connector running transaction tx_id, or NULL. */
struct connector *cpstate_find_tx(struct cpstate *st, int tx_id);

/* The first connector (1..n) that can start a transaction, or NULL. */
struct connector *cpstate_first_free(struct cpstate *st);
int cpstate_connector_free(const struct connector *c);

#endif
