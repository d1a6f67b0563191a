/*
 * oplog_env.h — the pure parts of the OCPP message log (oplog.c): what a
 * frame's envelope says (message type, uniqueId, action, error code),
 * read by a small scanner rather than a JSON parse, and the text as it is
 * stored (cut to OPLOG_TEXT_MAX bytes, invalid UTF-8 replaced).
 *
 * No sockets, no database: unit-tested (tests/unit/test_oplog.c).
 */
#ifndef OCPPD_OPLOG_ENV_H
#define OCPPD_OPLOG_ENV_H

#include <stddef.h>

/* A stored frame is cut to this many bytes (docs/api.md: frame_len
 * keeps the length it had on the wire). */
#define OPLOG_TEXT_MAX 8192

#define OPLOG_ID_MAX     64 /* msg_id column; longer ones are cut */
#define OPLOG_ACTION_MAX 64 /* action and error_code columns */

struct oplog_env {
	int type; /* 2 CALL, 3 CALLRESULT, 4 CALLERROR, 0 not an envelope */
	char id[OPLOG_ID_MAX + 1];
	char action[OPLOG_ACTION_MAX + 1]; /* CALL's action */
	char code[OPLOG_ACTION_MAX + 1];   /* CALLERROR's errorCode */
};

/* Reads [type, "id", "Action"|"Code", ...] from the start of text; what
 * it cannot read stays empty (type 0 when the frame is not an OCPP-J
 * array starting with 2, 3 or 4 and a string id). */
void oplog_envelope(const char *text, size_t len, struct oplog_env *e);

/* The message type's name for the msg_type column, NULL for 0. */
const char *oplog_type_name(int type);

/* Copies at most max bytes of text into out (max + 1 bytes), cut at a
 * character boundary, with every byte that is not well-formed UTF-8 (and
 * every NUL) written as '?'.  Returns the length written. */
size_t oplog_clean_text(const char *text, size_t len, char *out, size_t max);

#endif
