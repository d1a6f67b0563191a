/*
 * cmdlog.h — the commands table: every control-socket command and its
 * outcome (sql/003_commands.sql), written by the database workers in the
 * charge point's own queue, so its rows change in order: the 'pending'
 * row when ocppd accepts a command, its outcome when it is finished.
 * Both are the same upsert keyed by the CALL's uniqueId, so an outcome
 * still lands when the first write was lost to a database outage.
 */
#ifndef OCPPD_CMDLOG_H
#define OCPPD_CMDLOG_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "cmd_record.h"
#include "config.h"
#include "db.h"

/*
 * Queues the row's write (event loop thread).  params and response are
 * printed, not taken; either may be NULL.  outcome: the row was
 * submitted as pending before (an UPDATE, else an INSERT).  A full queue loses
 * the row (logged): history must never hold up a charge point's messages.
 */
void cmdlog_submit(const char *cp_id, const char *uid, const char *action,
                   const cJSON *params, const char *requested_by,
                   int64_t created_ms, int64_t finished_ms, const char *status,
                   const cJSON *response, int outcome);
/* The write itself (database worker); -1 on a database error. */
int cmdlog_write(struct db *db, const struct cmd_record *rec);

/*
 * A command pending when its node stopped never gets an answer: at start
 * a node marks its own leftovers (node_id, or none for a single node)
 * `offline` with the code node_lost; cmdlog_silent_nodes does the same
 * for the nodes silent for silent_s (the rows it changed, or -1).
 */
int cmdlog_node_restarted(struct db *db, const struct csms_config *cfg);
long long cmdlog_silent_nodes(struct db *db, const struct csms_config *cfg,
                              int silent_s);

#endif
