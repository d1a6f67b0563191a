/*
 * cmd_record.h — one row of the commands table as its writers see it: the
 * history's own job (cmdlog.h) and what a command makes of other tables
 * in the same transaction (reservations.h).
 */
#ifndef OCPPD_CMD_RECORD_H
#define OCPPD_CMD_RECORD_H

#include <stdint.h>

struct cmd_record {
	char *uid, *cp_id, *action, *params, *status, *response;
	char *requested_by;
	int64_t created_ms, finished_ms; /* finished: DB_NULL_TIME if not */
	int outcome; /* the outcome of a row written as pending before */
	const char *node_id; /* the writing node's (cfg), set by the job */
};

#endif
