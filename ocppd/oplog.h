/*
 * oplog.h — the OCPP message log: every frame in and out of a charge
 * point link, and its connects, disconnects and refused handshakes, kept
 * in the table ocpp_log (sql/011_ocpp_log.sql; docs/api.md, "Message
 * log").
 *
 * Recording is off the hot path: the event loop copies the frame into
 * the batch being filled (one memcpy, no parse, no lock), and a database
 * worker writes each batch as multi-row INSERTs (a dbq job, best
 * effort).  What is held in memory — the batch being filled and the ones
 * queued for the workers — is bounded by ocpp_log_queue records and
 * OPLOG_BYTES_MAX bytes; past that a record is dropped and counted
 * (the status op's "ocpp_log"), never waited for.
 *
 * What is recorded: ocpp_log = all (every frame), errors (CALLERRORs,
 * frames that could not be read, connects, disconnects, refusals), off,
 * or auto (the default: all while the node holds at most
 * ocpp_log_auto_cps links, errors above — full logging costs the
 * database two rows a message, docs/benchmarks-ocpp-log.md),
 * per charge point overridden by charge_points.log_level (the control op
 * cp_set_log; re-read every 30 s for the changes made on other nodes).
 *
 * Event loop only, except where noted.
 */
#ifndef OCPPD_OPLOG_H
#define OCPPD_OPLOG_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct control_req;
struct cJSON;

enum oplog_level { OPLOG_OFF = 0, OPLOG_ERRORS = 1, OPLOG_ALL = 2 };

/* "all", "errors", "off" -> the level; -1 for anything else. */
int oplog_level_parse(const char *s);
const char *oplog_level_name(int level);

/* -1 with err when out of memory. */
int oplog_init(const struct csms_config *cfg, char *err, size_t errlen);
/* Every 100 ms: submits the batch being filled, reloads the overrides. */
void oplog_tick(int64_t now_ms);
/* The node's open links now (each tick), for ocpp_log = auto. */
void oplog_links(unsigned n);
/* Submits what is held (shutdown, before the workers drain). */
void oplog_flush(void);
void oplog_cleanup(void);

/* A frame from the charge point.  is_error: a CALLERROR, or a frame that
 * could not be read as OCPP-J.  action: the CALL's, or for a
 * CALLRESULT/CALLERROR that of the call it answers (NULL: unknown). */
void oplog_received(const char *cp_id, int is_error, const char *action,
                    const char *text, size_t len);
/* A frame to the charge point (built by us: a CALLERROR starts "[4"). */
void oplog_sent(const char *cp_id, const char *action, const char *text,
                size_t len);
/* A link came up (peer: its address). */
void oplog_connected(const char *cp_id, const char *peer);
/* A link is gone, and why. */
void oplog_disconnected(const char *cp_id, const char *why);
/* A handshake naming cp_id was refused with an HTTP status.  Any thread
 * that runs the event loop (the handshake is on it). */
void oplog_refused(const char *cp_id, unsigned status, const char *why,
                   const char *peer);

/* The control op cp_set_log {cp_id, level: "all"|"errors"|"off"|null}. */
void oplog_set_request(const struct control_req *r);
/* Adds "ocpp_log": {level, queued, recorded, dropped, written, failed}
 * to the status op's object; -1 when out of memory. */
int oplog_status_add(struct cJSON *o);

#endif
