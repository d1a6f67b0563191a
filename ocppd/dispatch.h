/*
 * dispatch.h — from a complete text frame to a reply: parse the OCPP-J
 * envelope, look the action up in the action table (actions.h), validate
 * the payload against its schema, and either answer on the event loop
 * (Heartbeat, DataTransfer) or queue the call for a database worker (the
 * OCPP call job, here: its reply goes out once the batch committed).
 * CALLRESULTs and CALLERRORs go to calls.c.  It also keeps last_seen and
 * last_heartbeat, coalesced (at most one write per link in 10 s).
 */
#ifndef OCPPD_DISPATCH_H
#define OCPPD_DISPATCH_H

#include <stddef.h>

#include "config.h"
#include "ocpp_schema.h"

struct conn;

int dispatch_init(const struct csms_config *cfg, const ocpp_schemas *schemas);
/* Stop taking calls (shutdown): they are answered InternalError. */
/* The OCPP 2.0.1 schemas (for NotSupported vs NotImplemented on 2.0.1
 * links); NULL until set. */
void dispatch_set_201(const ocpp_schemas *schemas201);
void dispatch_shutdown(void);
/* ws_ops.on_frame. */
void dispatch_frame(struct conn *c, const char *text, size_t len);
/* The link is closing: write the sign-of-life times not yet written. */
void dispatch_conn_closed(struct conn *c);

#endif
