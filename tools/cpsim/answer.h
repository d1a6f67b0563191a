/*
 * answer.h — how the simulated charge point answers the central system's
 * calls (Reset, RemoteStartTransaction, GetConfiguration, ...).
 *
 * answer_call() decides the reply from the charge point model, updates the
 * model where the answer itself commits to something (a connector promised
 * to a remote start, a configuration key changed, a connector made
 * unavailable) and names the follow-up work the caller must then do, such
 * as sending StartTransaction.  It sends nothing itself, which keeps it a
 * pure function of its inputs and easy to test.
 */
#ifndef CPSIM_ANSWER_H
#define CPSIM_ANSWER_H

#include "cpstate.h"

struct cJSON;

enum followup {
	FU_NONE,
	FU_RESET,        /* what: "Soft"/"Hard" */
	FU_REMOTE_START, /* connector, id_tag */
	FU_REMOTE_STOP,  /* connector, tx_id */
	FU_UNLOCK,       /* connector (stop its tx, reason UnlockCommand) */
	FU_AVAILABILITY, /* connector (0 = all): report changed statuses */
	FU_TRIGGER,      /* what: requestedMessage, connector (0 = none) */
	FU_CONFIG,       /* what: the key that changed */
	FU_STATUS,       /* connector (0 = all): report changed statuses
	                    (a reservation made, cancelled) */
	FU_FILE,         /* what: the action; url, request_id: upload a
	                    file or fetch firmware (file_jobs.h) */
	FU_CERT,         /* a certificate was installed (cpcerts_save) */
};

struct answer {
	const char *error; /* CALLERROR code, or NULL for a CALLRESULT */
	char error_desc[128];
	char payload[4096]; /* CALLRESULT payload */
	enum followup fu;
	int connector;
	int tx_id;
	int reservation;  /* FU_REMOTE_START: the reservation it consumes
	                     (its connector, 0..n), -1 none */
	int check_parent; /* FU_REMOTE_START: Authorize first, the
	                     reservation wants the tag's parent */
	char id_tag[21];
	char what[64];
	char url[600];  /* FU_FILE */
	int request_id; /* FU_FILE: GetLog, SignedUpdateFirmware */
};

void answer_call(struct cpstate *st, const char *action,
                 const struct cJSON *payload, struct answer *a);

/* Add (or replace) a fixed answer for one action; -1 if the table is full
 * or the text is too long.  error may be NULL or "" for a CALLRESULT. */
int answer_override(struct cpstate *st, const char *action, const char *error,
                    const char *payload);

#endif
