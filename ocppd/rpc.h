/*
 * rpc.h — OCPP-J 1.6 framing: the [2,id,Action,{}] / [3,id,{}] /
 * [4,id,code,description,{}] envelope, the CALLERROR codes, and the one
 * place where validation and handler failures become those codes.
 *
 * Pure functions over cJSON: no sockets, no database, so every rule here is
 * unit-tested (tests/unit/test_dispatch_rpc.c).
 */
#ifndef OCPPD_RPC_H
#define OCPPD_RPC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ocpp_schema.h"

#define RPC_ID_MAX 36 /* OCPP-J: a uniqueId is at most 36 characters */

enum rpc_error {
	RPC_OK = 0,
	RPC_NOT_IMPLEMENTED,
	RPC_NOT_SUPPORTED,
	RPC_INTERNAL_ERROR,
	RPC_PROTOCOL_ERROR,
	RPC_SECURITY_ERROR,
	RPC_FORMATION_VIOLATION,
	RPC_PROPERTY_CONSTRAINT_VIOLATION,
	RPC_OCCURENCE_CONSTRAINT_VIOLATION,
	RPC_TYPE_CONSTRAINT_VIOLATION,
	RPC_GENERIC_ERROR,
	/* OCPP-J 2.0.1's own codes (rpc_error_for_proto) */
	RPC_FORMAT_VIOLATION,
	RPC_OCCURRENCE_CONSTRAINT_VIOLATION,
	RPC_MESSAGE_TYPE_NOT_SUPPORTED,
	RPC_RPC_FRAMEWORK_ERROR,
};

/* The exact spelling, e.g. "OccurenceConstraintViolation" (1.6). */
const char *rpc_error_code(enum rpc_error e);

/*
 * The code to send on a link speaking v201 (1: OCPP 2.0.1, 0: 1.6): the
 * validator and the handlers speak 1.6's codes, 2.0.1 renamed two
 * (FormatViolation, OccurrenceConstraintViolation); and the other way for
 * a 2.0.1-only code on a 1.6 link.
 */
enum rpc_error rpc_error_for_proto(enum rpc_error e, int v201);

/* What a handler reports; rpc_error_for_handler maps it to the wire. */
enum hres {
	H_OK = 0,
	H_DB_ERROR,  /* a database call failed (the worker decides retries) */
	H_INTERNAL,  /* anything else that is our fault (out of memory) */
	H_BAD_VALUE, /* schema-valid but meaningless, e.g. connectorId -1 */
};

enum rpc_error rpc_error_for_handler(enum hres r);
enum rpc_error rpc_error_for_validation(enum ocpp_verr v);

enum rpc_kind {
	RPC_REJECT = -1, /* malformed: answer error (if has_id) */
	RPC_IGNORE = 0,  /* unknown message type or a malformed reply */
	RPC_CALL = 2,
	RPC_CALLRESULT = 3,
	RPC_CALLERROR = 4,
};

struct rpc_msg {
	enum rpc_kind kind;
	cJSON *root; /* the parsed frame, owned (NULL if not JSON) */
	/* uniqueId: for RPC_REJECT only when has_id; points into root or
	 * into idbuf when recovered from text that is not JSON. */
	const char *id;
	int has_id;
	char idbuf[RPC_ID_MAX + 1];
	const char *action;   /* RPC_CALL */
	cJSON *payload;       /* RPC_CALL a[3], RPC_CALLRESULT a[2],
	                         RPC_CALLERROR a[4] (may be NULL) */
	const char *err_code; /* RPC_CALLERROR */
	const char *err_desc; /* RPC_CALLERROR */
	enum rpc_error error; /* RPC_REJECT: the CALLERROR to answer */
	/* RPC_REJECT: the envelope itself is wrong (not the payload): 2.0.1
	 * answers RpcFrameworkError.  RPC_IGNORE: an unknown message type
	 * number, with its id when readable (2.0.1 answers
	 * MessageTypeNotSupported, 1.6 ignores it). */
	unsigned envelope : 1, unknown_type : 1;
	const char *why;  /* RPC_REJECT / RPC_IGNORE: for the log */
	char whybuf[256]; /* why, when it names a path or a key */
};

/*
 * Parses one text frame.  Always fills m (call rpc_msg_free afterwards).
 * Returns m->kind.
 */
enum rpc_kind rpc_parse(const char *buf, size_t len, struct rpc_msg *m);
void rpc_msg_free(struct rpc_msg *m);

/*
 * A CALL of an action the table lacks: NotSupported when OCPP 1.6 (or the
 * security extension) knows it, else NotImplemented.  msg gets the
 * description for the CALLERROR.
 */
enum rpc_error rpc_unknown_action(const ocpp_schemas *schemas,
                                  const char *action, char *msg, size_t msglen);
/* Checks a CALL's payload against its action's .req schema (NULL:
 * InternalError).  msg gets a description for CALLERROR. */
enum rpc_error rpc_check_call(const ocpp_schema *schema, const char *action,
                              const cJSON *payload, unsigned vflags, char *msg,
                              size_t msglen);

/* 1 if action is one of the 1.6 security whitepaper messages. */
int rpc_is_security_action(const char *action);

/*
 * Frame builders; each returns a malloc'd NUL-terminated JSON text (and its
 * length in *len if len is not NULL), or NULL when out of memory.
 * rpc_result_text takes ownership of payload (NULL means {}).
 */
char *rpc_result_text(const char *id, cJSON *payload, size_t *len);
char *rpc_error_text(const char *id, enum rpc_error e, const char *desc,
                     size_t *len);
char *rpc_call_text(const char *id, const char *action, cJSON *payload,
                    size_t *len);

#endif
