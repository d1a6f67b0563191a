/*
 * send.h — the Central System -> Charge Point calls, one struct send_op
 * per OCPP action, defined in the send_*.c files (one per action or small
 * family) and listed in calls.c's table.
 *
 * An op builds the CALL payload from the control request's params (most
 * take the params as the payload; some fill a default) and, once the
 * charge point answered, writes the one-line audit of what happened.
 * Validation against the action's .req schema, the queue, the uniqueId,
 * timeouts and the history are calls.c's: an op is only what is specific
 * to its action.
 */
#ifndef OCPPD_SEND_H
#define OCPPD_SEND_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ctl_proto.h"

#define SEND_NOT_PENDING 1u /* refused while the boot status is Pending */

struct send_op {
	const char *action; /* the OCPP action, also the control op name */
	unsigned flags;
	/* params -> a new payload (NULL: copy params as they are).  0 ok,
	 * -1 with why (-> invalid_params). */
	int (*build)(const cJSON *params, cJSON **payload, char *why,
	             size_t whylen);
	/* The audit detail after a CALLRESULT (NULL: "status=..."). */
	void (*audit)(const cJSON *payload, const cJSON *conf, char *out,
	              size_t outlen);
};

/* "status=Accepted" or "answered": the default audit detail. */
void send_audit_status(const cJSON *conf, char *out, size_t outlen);

/* send_reset, send_remote_start_transaction, ...: one per command. */
#define SEND_OP_DECL(action, symbol) extern const struct send_op send_##symbol;
CTL_COMMANDS(SEND_OP_DECL)
#undef SEND_OP_DECL

/* send201_reset, ...: the OCPP 2.0.1 ones (send_ocpp201.c). */
#define SEND201_OP_DECL(action, symbol)                                        \
	extern const struct send_op send201_##symbol;
CTL_COMMANDS201(SEND201_OP_DECL)
#undef SEND201_OP_DECL

/* The audits of InstallCertificate and DeleteCertificate, whose fields
 * 1.6 (Security Whitepaper) and 2.0.1 name alike (send_certificates.c). */
void send_audit_install_certificate(const cJSON *req, const cJSON *conf,
                                    char *out, size_t len);
void send_audit_delete_certificate(const cJSON *req, const cJSON *conf,
                                   char *out, size_t len);

#endif
