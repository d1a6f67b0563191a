/*
 * actions201.h — the action table of OCPP 2.0.1 links: the same struct
 * action rows (handlers.h) as actions.c's 1.6 table, resolved against the
 * 2.0.1 schema set.  dispatch.c picks the table by the link's
 * subprotocol (struct conn.proto).
 */
#ifndef OCPPD_ACTIONS201_H
#define OCPPD_ACTIONS201_H

#include <stddef.h>

#include "handlers.h"
#include "ocpp_schema.h"

/* Resolves every row's schema in the 2.0.1 set; -1 with err naming the
 * one missing. */
int actions201_init(const ocpp_schemas *schemas201, char *err, size_t errlen);
/* The row of a 2.0.1 action (exact, case-sensitive name), or NULL. */
const struct action *actions201_find(const char *name);

#endif
