/*
 * webcmd.h — charge point commands from the web tier, asynchronously.
 *
 * A command may wait for its charge point up to command_timeout (or the
 * request's own timeout), far longer than a web request should hold one of
 * the few FastCGI processes: a silent charge point would freeze the
 * dashboard and the API for everyone.  So the web tier asks ocppd with
 * "async": ocppd queues the command, records it as pending in the commands
 * table and answers at once with its uid; the outcome lands in the same
 * row, where the API and the dashboard read it (docs/control.md).
 * Waiting for that outcome is bounded by the caller, and short.
 */
#ifndef CSMS_WEBCMD_H
#define CSMS_WEBCMD_H

#include <cjson/cJSON.h>

#include "config.h"
#include "db.h"

/* A command uid as ocppd makes them ("cs-<hex>-<n>"), with room. */
#define WEBCMD_UID_MAX 64

/*
 * The control request line for op (cp_id may be NULL, params may be
 * NULL) as who; timeout_s > 0 is sent as "timeout", async as "async":
 * true.  Returns a malloc'd line without its newline, NULL without
 * memory.
 */
char *webcmd_line(const char *op, const char *cp_id, const cJSON *params,
                  const char *who, int timeout_s, int async);

/*
 * Sends line to ocppd and waits up to wait_ms for the answer, which
 * *answer receives (the caller deletes it).  With err: -1 when ocppd
 * cannot be reached, -2 when it does not answer in time or answers
 * nonsense.
 */
int webcmd_roundtrip(const struct csms_config *cfg, const char *line,
                     int wait_ms, cJSON **answer, char *err, size_t errlen);

/*
 * Sends line (op's, for cp_id, which may be NULL) to the ocppd that
 * should run it (webroute.h) and waits up to wait_ms for the answer, as
 * webcmd_roundtrip.  An OCPP command goes to the node holding cp_id's
 * link, over TCP with the shared secret (control_secret_file); when that
 * node answers cp_offline, or cannot be reached, the owner is read again
 * and, if it changed (the charge point moved), the line is sent once
 * more to the new one.  Anything else, and a command to a charge point
 * no node holds, goes to the configured control socket, or to another
 * live node when that cannot be reached.  db may be NULL (the configured
 * socket only).  With no node_id in use this is webcmd_roundtrip.
 */
int webcmd_send(const struct csms_config *cfg, struct db *db, const char *op,
                const char *cp_id, const char *line, int wait_ms,
                cJSON **answer, char *err, size_t errlen);

/*
 * Fleet-wide reads: op (no cp_id, no params; "status", "cps") asked of
 * every live node that advertises a control address, each within
 * wait_ms.  An array of {"node_id", "control_addr", "ok": true, "result"}
 * or {..., "ok": false, "error": {"code", "message"}} (code
 * "control_unavailable" when the node cannot be reached), sorted by
 * node_id; NULL when no such node is live (a single node: ask the
 * configured socket as ever) or on a database error.
 */
cJSON *webcmd_fanout(const struct csms_config *cfg, struct db *db,
                     const char *op, int wait_ms);

/*
 * Waits until the history row of uid exists (and, with finished, has
 * its outcome), polling the read-only connection, for at most wait_ms.
 * 1 when it does, 0 when time ran out first, -1 on a database error.
 */
int webcmd_wait(struct db *db, const char *uid, int finished, int wait_ms);

/* Whether a history status is a charge point's CALLRESULT (Accepted,
 * Rejected, answered, ...) rather than pending or a failure. */
int webcmd_status_is_result(const char *status);

#endif
