/*
 * messages201.h — the payloads an OCPP 2.0.1 charging station sends,
 * written with snprintf like messages.h's 1.6 ones (the load generator
 * builds them at high rate).  Each writes one JSON object into out and
 * returns its length, or -1 if it did not fit.  Meter values are numbers
 * (2.0.1's SampledValue.value), timestamps "YYYY-MM-DDTHH:MM:SS.sssZ".
 */
#ifndef CPSIM_MESSAGES201_H
#define CPSIM_MESSAGES201_H

#include <stddef.h>

struct boot_info;

/* reason: a BootReasonEnumType ("PowerUp", "RemoteReset", ...). */
int msg201_boot(char *out, size_t n, const struct boot_info *b,
                const char *reason);
/* status: a ConnectorStatusEnumType ("Available", "Occupied", ...). */
int msg201_status(char *out, size_t n, const char *ts, const char *status,
                  int evse, int connector);
/* The idToken object; type "ISO14443" (a card held to the reader). */
int msg201_authorize(char *out, size_t n, const char *id_token);

struct tx201_event {
	const char *type;    /* "Started", "Updated", "Ended" */
	const char *ts;      /* the event's timestamp */
	const char *trigger; /* TriggerReasonEnumType */
	int seq_no;
	const char *tx_id;          /* the station's transactionId */
	const char *charging_state; /* NULL: not sent */
	const char *stopped_reason; /* Ended: NULL or a ReasonEnumType */
	int remote_start_id;        /* < 0: none */
	const char *id_token;       /* NULL: none */
	int evse;                   /* 0: no evse object */
	long long energy_wh;        /* < 0: no meterValue */
	long long power_w;
	const char *context; /* the sampled values' ReadingContext */
};

int msg201_tx_event(char *out, size_t n, const struct tx201_event *e);
/* MeterValues of one EVSE: the energy register and the power. */
int msg201_meter(char *out, size_t n, int evse, const char *ts,
                 long long energy_wh, long long power_w, const char *context);

#endif
