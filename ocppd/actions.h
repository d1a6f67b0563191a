/*
 * actions.h — the one table of OCPP actions a charge point may send: per
 * action its handler, its prefetch (what its batch reads up front), its
 * .req schema and its flags (struct action, handlers.h).
 *
 * A new action is one row here and its handle_*.c.
 */
#ifndef OCPPD_ACTIONS_H
#define OCPPD_ACTIONS_H

#include <stddef.h>

#include "handlers.h"
#include "ocpp_schema.h"

/* Resolves every row's schema; -1 with err naming the one missing. */
int actions_init(const ocpp_schemas *schemas, char *err, size_t errlen);
/* The row of an action (exact, case-sensitive name), or NULL. */
const struct action *actions_find(const char *name);

#endif
