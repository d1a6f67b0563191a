/*
 * dispatch.h — from a complete text frame to a reply: parse the OCPP-J
 * envelope, validate the payload against its action's schema, look the
 * action up in the one handler table, and either answer on the event loop
 * (Heartbeat, DataTransfer) or queue the call for a database worker.
 */
#ifndef OCPPD_DISPATCH_H
#define OCPPD_DISPATCH_H

#include <stddef.h>

#include "config.h"
#include "ocpp_schema.h"

struct conn;

int dispatch_init(const struct csms_config *cfg, const ocpp_schemas *schemas,
                  char *err, size_t errlen);
/* Stop taking calls (shutdown): they are answered InternalError. */
void dispatch_shutdown(void);
void dispatch_frame(struct conn *c, const char *text, size_t len);
/* The link is closing: write the heartbeat time not yet written. */
void dispatch_conn_closed(struct conn *c);

#endif
