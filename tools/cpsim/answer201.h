/*
 * answer201.h — the simulated OCPP 2.0.1 charging station: its EVSEs (one
 * connector each), their transactions with the station's own string
 * transactionIds, a small device model, and how it answers the CSMS's
 * calls.
 *
 * As answer.h for 1.6: answer201_call() decides the reply from the model,
 * commits what the answer itself promises (an EVSE taken for a remote
 * start, a variable set) and names the follow-up the session must then
 * send; it sends nothing itself.
 */
#ifndef CPSIM_ANSWER201_H
#define CPSIM_ANSWER201_H

#include <stddef.h>
#include <stdint.h>

#include "cpstate.h"

struct cJSON;

#define ST201_VAR_LEN 64

struct evse201 {
	int id;
	int inoperative;   /* ChangeAvailability Inoperative in force */
	int pending_avail; /* -1 none, else 0/1 to apply when the tx ends */
	int reported;      /* 1 Available .. as status201_name; -1 none */
	enum txstate tx;
	char tx_id[37];      /* the station's transactionId */
	int seq_no;          /* the next TransactionEvent's seqNo */
	int remote_start_id; /* -1: started locally */
	char id_token[37];
	int local_session; /* one of the --sessions */
	double meter_wh;
	long long meter_start;
	double power_w;
	int64_t stop_at_ms; /* monotonic, 0 = until told */
	int64_t next_meter_ms;
	int64_t last_energy_ms;
};

struct st201 {
	int nevse;
	struct evse201 evse[CPSTATE_MAX_CONN + 1]; /* [0] unused */
	char ident[40];                            /* for transactionIds */
	unsigned tx_counter;
	int64_t now_ms; /* wall clock of the call being answered */
	/* the device model's writable values (answer201_device.c) */
	char vars[8][ST201_VAR_LEN];
};

enum fu201 {
	FU201_NONE,
	FU201_RESET,   /* evse (0: the station), what: Immediate/OnIdle */
	FU201_START,   /* evse, id_token, remote_start_id */
	FU201_STOP,    /* evse, what: the stoppedReason */
	FU201_AVAIL,   /* evse (0: all): report changed statuses */
	FU201_TRIGGER, /* what: requestedMessage, evse (0: none) */
	FU201_REPORT,  /* request_id, what: reportBase: send NotifyReport */
	FU201_VARS,    /* a variable changed: reread the intervals */
};

struct answer201 {
	const char *error; /* CALLERROR code, or NULL for a CALLRESULT */
	char error_desc[128];
	char payload[4096];
	enum fu201 fu;
	int evse;
	int remote_start_id;
	int request_id;
	char id_token[37];
	char what[64];
};

void st201_init(struct st201 *st, int nevse, const char *ident, int heartbeat_s,
                int meter_interval_s, long long meter_start_wh);
/* "Available", "Occupied", "Unavailable" for the EVSE's state. */
const char *st201_status(const struct evse201 *e);
struct evse201 *st201_find_tx(struct st201 *st, const char *tx_id);
/* A new transactionId for e: "<identity>-<n>" (<= 36 characters). */
void st201_new_tx(struct st201 *st, struct evse201 *e);

void answer201_call(struct st201 *st, const char *action,
                    const struct cJSON *payload, struct answer201 *a);

/* The device model (answer201_device.c). */
int st201_heartbeat_s(const struct st201 *st);
int st201_sample_s(const struct st201 *st);
int st201_authorize_remote(const struct st201 *st);
/* NotifyReport's payload for GetBaseReport's requestId and reportBase. */
int answer201_notify_report(const struct st201 *st, int request_id,
                            const char *base, const char *ts, char *out,
                            size_t n);

/* Shared by the answer201*.c files. */
void answer201_status(struct answer201 *a, const char *status);
/* The monitoring, display, network profile, transaction status and cost
 * calls (answer201_more.c): *found 0 when action is none of them. */
void answer201_more(struct st201 *st, const char *action, const struct cJSON *p,
                    struct answer201 *a, int *found);
void answer201_error(struct answer201 *a, const char *code, const char *desc);
void answer201_get_variables(struct st201 *st, const struct cJSON *p,
                             struct answer201 *a);
void answer201_set_variables(struct st201 *st, const struct cJSON *p,
                             struct answer201 *a);
void answer201_get_base_report(struct st201 *st, const struct cJSON *p,
                               struct answer201 *a);
void answer201_request_start(struct st201 *st, const struct cJSON *p,
                             struct answer201 *a);
void answer201_request_stop(struct st201 *st, const struct cJSON *p,
                            struct answer201 *a);
void answer201_unlock(struct st201 *st, const struct cJSON *p,
                      struct answer201 *a);
void answer201_change_availability(struct st201 *st, const struct cJSON *p,
                                   struct answer201 *a);
void answer201_trigger(struct st201 *st, const struct cJSON *p,
                       struct answer201 *a);

#endif
