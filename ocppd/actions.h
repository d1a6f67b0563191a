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

/* For a table of either protocol: checks it is sorted and resolves every
 * row's .req schema in schemas; -1 with err naming the row (proto, e.g.
 * "2.0.1 ", prefixes the message). */
int action_table_init(struct action *t, size_t n, const ocpp_schemas *schemas,
                      const char *proto, char *err, size_t errlen);
/* The row of name in a sorted table, or NULL. */
const struct action *action_table_find(const struct action *t, size_t n,
                                       const char *name);

/* Resolves every row's schema; -1 with err naming the one missing. */
int actions_init(const ocpp_schemas *schemas, char *err, size_t errlen);
/* The row of an action (exact, case-sensitive name), or NULL. */
const struct action *actions_find(const char *name);

#endif
