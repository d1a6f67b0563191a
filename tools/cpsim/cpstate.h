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
#include "local_auth_list.h"
#include "profiles.h"

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
	int64_t stop_at_ms;  /* monotonic deadline, 0 = until told */
	int has_reservation; /* the start consumes reservation_id */
	int reservation_id;
	int check_parent;         /* Authorize first: the reservation wants the
	                             tag's parent (answer_reserve_now.c) */
	int64_t tx_start_wall_ms; /* when the transaction started */
	double power_w;           /* what it draws now (--obey-profiles) */
	int64_t next_meter_ms;
	int64_t last_energy_ms;
};

/* A scenario's `answer` lines: fixed replies to the server's calls. */
struct answer_override {
	char action[48];
	char error[48]; /* CALLERROR code, or "" for a CALLRESULT */
	char payload[512];
};

/* A reservation the charge point holds (ReserveNow): one per connector,
 * connector 0 for "any connector". */
struct reservation {
	int active;
	int id;
	char id_tag[21];
	char parent[21];   /* parentIdTag, "" if none */
	int64_t expiry_ms; /* wall clock */
};

struct cpcerts;

struct cpstate {
	int nconn;
	int64_t now_ms;  /* wall clock of the call being answered; the
	                    callers set it (answers stay pure) */
	double hw_max_w; /* one connector's hardware limit (--power-kw) */
	struct reservation res[CPSTATE_MAX_CONN + 1];
	struct local_auth_list list;
	struct profiles prof;
	struct connector conn[CPSTATE_MAX_CONN + 1]; /* [0]: the whole CP */
	struct cpconfig cfg;
	int noverrides;
	struct answer_override overrides[CPSTATE_MAX_OVERRIDES];
	int files; /* --files: GetDiagnostics, GetLog and the firmware
	              updates are carried out over HTTP */
	struct cpcerts *certs; /* cpcerts.h; NULL until the first use */
};

void cpstate_init(struct cpstate *st, int connectors, int heartbeat_s,
                  int meter_interval_s, long long meter_start_wh);

struct cpsim_opts;
/* What the command line says of the model: the hardware limit
 * (--power-kw), the local list's size (--local-list-max). */
void cpstate_apply_opts(struct cpstate *st, const struct cpsim_opts *o);

const char *cpstate_status_name(enum cstatus s);
/* -1 if the name is not a ChargePointStatus. */
int cpstate_status_parse(const char *name);

/* The connector running transaction tx_id, or NULL. */
struct connector *cpstate_find_tx(struct cpstate *st, int tx_id);

/* The first connector (1..n) that can start a transaction, or NULL. */
struct connector *cpstate_first_free(struct cpstate *st);
int cpstate_connector_free(const struct connector *c);

/* Reservations (cpstate_reserve.c). */
/* The connector whose reservation has this id (0..n), or -1. */
int cpstate_reservation_find(const struct cpstate *st, int id);
/* Whether tag may use reservation r: 1 for the reserved idTag, or a tag
 * whose parent (from the local list) is the reservation's parentIdTag; 2
 * when the reservation has a parentIdTag and the tag is not in the local
 * list (Authorize.conf's parentIdTag decides); else 0. */
int cpstate_reservation_matches(const struct cpstate *st,
                                const struct reservation *r, const char *tag);
/* The connector a start by tag may take: want (1..n) or, with want 0, the
 * first that fits; a connector reserved for another tag is refused, and
 * the last free one while another tag holds a connector 0 reservation.
 * NULL if none.  *res_conn is the reservation it consumes (-1 none);
 * *check_parent is set when the start must wait for Authorize.conf to
 * name the reservation's parentIdTag (only for a connector asked for). */
struct connector *cpstate_start_connector(struct cpstate *st, int want,
                                          const char *tag, int *res_conn,
                                          int *check_parent);
/* Ends reservation k (0..n); a Reserved connector becomes Available. */
void cpstate_reservation_end(struct cpstate *st, int k);
/* Ends the reservations past their expiry; the number ended. */
int cpstate_reservations_expire(struct cpstate *st, int64_t now_ms);

#endif
