/*
 * self_call.h — a thread of ocppd sending a command through its own
 * control socket, as an operator would (the certificate thread, the
 * AuthorizationKey rotation, the security profile raise): the command
 * gets the queue, the history and the routing every command gets.
 * Blocking; never on the event loop.
 */
#ifndef OCPPD_SELF_CALL_H
#define OCPPD_SELF_CALL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "ctl_client.h"

/* One request on cc (params consumed); out: the result's status
 * (Accepted, ...), "ok" for a result without one, or the error code.
 * 0 when ocppd answered ok, -1 otherwise. */
int self_call(const struct csms_config *cfg, struct ctl_client *cc,
              const char *op, const char *cp, cJSON *params, const char *who,
              char *out, size_t len);

#endif
