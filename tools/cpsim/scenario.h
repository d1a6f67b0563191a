/*
 * scenario.h — the scenario language: a line-based script that replays a
 * charge point's behaviour, faults included.
 *
 *   # comment ('#' after whitespace outside a JSON string also starts one)
 *   send ACTION [JSON]         CALL; waits for the reply (or the timeout)
 *   raw TEXT                   send text as is; waits for a reply by id, or
 *                              for any reply (or none) within the timeout
 *   expect result              the last reply was a CALLRESULT
 *   expect error [CODE]        ... a CALLERROR (with that code)
 *   expect field PATH [VALUE]  a reply field exists (and equals VALUE)
 *   expect none                no reply came (after raw)
 *   expect call ACTION [S]     the server sends this CALL within S seconds
 *   expect closed [S]          the server closes the link within S seconds
 *   save PATH VAR              remember a field of the last reply as ${VAR}
 *   set VAR VALUE              set ${VAR}
 *   wait S                     seconds (fractions allowed)
 *   timeout S                  reply timeout for later send/raw (default 30)
 *   disconnect                 drop the TCP link without a close frame
 *   close [CODE]               close cleanly (default 1000)
 *   reconnect                  connect again (after disconnect/close)
 *   answer ACTION JSON         answer the server's ACTION calls with JSON
 *   answer ACTION error CODE   ... with a CALLERROR
 *   print TEXT                 print a line
 *
 * ${now}, ${now+S}, ${now-S}, ${identity} and saved variables expand in
 * every argument at run time.
 */
#ifndef CPSIM_SCENARIO_H
#define CPSIM_SCENARIO_H

#include <stddef.h>

enum step_kind {
	SK_SEND,
	SK_RAW,
	SK_EXPECT_RESULT,
	SK_EXPECT_ERROR,
	SK_EXPECT_FIELD,
	SK_EXPECT_NONE,
	SK_EXPECT_CALL,
	SK_EXPECT_CLOSED,
	SK_SAVE,
	SK_SET,
	SK_WAIT,
	SK_TIMEOUT,
	SK_DISCONNECT,
	SK_CLOSE,
	SK_RECONNECT,
	SK_ANSWER,
	SK_PRINT,
};

struct step {
	int line;
	enum step_kind kind;
	char *a1;    /* action, path, var, text; NULL when absent */
	char *a2;    /* payload, value, var */
	char *a3;    /* answer: error code */
	double secs; /* wait, timeout, expect call/closed (0: default) */
	int code;    /* close */
};

struct scenario {
	char name[256];
	int n;
	struct step *steps;
};

/* Parse a whole script; on error -1 with "NAME:LINE: message" in err. */
int scenario_parse(const char *text, const char *name, struct scenario *sc,
                   char *err, size_t errlen);
int scenario_load(const char *path, struct scenario *sc, char *err,
                  size_t errlen);
void scenario_free(struct scenario *sc);

/* "send", "expect field", ... for messages. */
const char *scenario_kind_name(enum step_kind k);

#endif
