/*
 * cmd_record.h — one row of the commands table as its writers see it: the
 * history's own job (cmdlog.h) and what a command makes of other tables
 * in the same transaction (reservations.h).
 */
#ifndef OCPPD_CMD_RECORD_H
#define OCPPD_CMD_RECORD_H

#include <stdint.h>
#include <string.h>

struct cmd_record {
	char *uid, *cp_id, *action, *params, *status, *response;
	char *requested_by;
	int64_t created_ms, finished_ms; /* finished: DB_NULL_TIME if not */
	int outcome; /* the outcome of a row written as pending before */
	const char *node_id; /* the writing node's (cfg), set by the job */
};

/* Whether the charge point answered the command: the history's status is
 * then the CALLRESULT's own status (or "answered"), else one of these
 * words (calls.c). */
static inline int cmd_record_answered(const struct cmd_record *r)
{
	static const char *const not_answered[] = {
	    "pending", "callerror", "offline", "timeout", "error", NULL};
	for (int i = 0; not_answered[i]; i++)
		if (!strcmp(r->status, not_answered[i]))
			return 0;
	return 1;
}

#endif
