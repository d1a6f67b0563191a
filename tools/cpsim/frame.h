/*
 * frame.h — OCPP-J message frames without a JSON tree.
 *
 *   CALL        [2, "id", "Action", {payload}]
 *   CALLRESULT  [3, "id", {payload}]
 *   CALLERROR   [4, "id", "ErrorCode", "description", {details}]
 *
 * frame_scan() finds the parts of a frame in place (pointers into the text,
 * nothing allocated), which is all the load generator needs on its hot path
 * and what the session code uses before it parses a payload with cJSON.
 */
#ifndef CPSIM_FRAME_H
#define CPSIM_FRAME_H

#include <stddef.h>

enum { FRAME_CALL = 2, FRAME_RESULT = 3, FRAME_ERROR = 4 };

struct frame {
	int type;
	const char *id; /* raw JSON string contents, escapes not decoded */
	size_t id_len;
	const char *action; /* CALL */
	size_t action_len;
	const char *payload; /* CALL, CALLRESULT payload; CALLERROR details */
	size_t payload_len;
	const char *err_code; /* CALLERROR */
	size_t err_code_len;
	const char *err_desc; /* CALLERROR, raw */
	size_t err_desc_len;
};

/*
 * 0 when the text is a JSON array starting with a message type number and a
 * string id, with the parts that type needs; -1 otherwise.  A type other
 * than 2, 3 or 4 still returns 0 (OCPP-J says such frames are ignored).
 */
int frame_scan(const char *s, size_t len, struct frame *f);

/*
 * Look up a top-level member of a JSON object text.  On success *val points
 * at the value (for strings: at the contents, without quotes) and 0 is
 * returned; -1 if absent or the object is malformed.
 */
int frame_obj_get(const char *obj, size_t len, const char *key,
                  const char **val, size_t *vlen);
/* The same for an integer member. */
int frame_obj_int(const char *obj, size_t len, const char *key, long long *v);

/* Escape text for inside a JSON string; -1 if it does not fit. */
int frame_json_escape(const char *in, size_t n, char *out, size_t outlen);

/*
 * Builders; each returns the length written, or -1 if it does not fit.
 * Ids are written as given: pass the raw id from frame_scan() to echo it.
 * Payloads are JSON texts.
 */
int frame_call(char *buf, size_t n, const char *id, const char *action,
               const char *payload);
int frame_result(char *buf, size_t n, const char *id, size_t id_len,
                 const char *payload);
int frame_error(char *buf, size_t n, const char *id, size_t id_len,
                const char *code, const char *desc);

#endif
