/*
 * bulk_state.h — what the outcomes of a bulk job's commands and a charge
 * point's firmware reports make of its items (bulk.h), written in the same
 * transaction as the command's history row (cmdlog.c) or the
 * FirmwareStatusNotification (handle_firmware.c).
 */
#ifndef OCPPD_BULK_STATE_H
#define OCPPD_BULK_STATE_H

#include <stdint.h>

#include "cmd_record.h"
#include "db.h"

/* requested_by of a job's commands: "bulk:<job id>:<who asked>". */
#define BULK_WHO_PREFIX "bulk:"

/* Database worker, with the command's history row: a job's command
 * recorded as pending or finished moves its item on.  -1 on a database
 * error. */
int bulk_command(struct db *db, const struct cmd_record *r);
/* Database worker, with a FirmwareStatusNotification: the charge point's
 * item of a firmware rollout (sent or answered) follows it.  -1 on a
 * database error. */
int bulk_firmware_status(struct db *db, const char *cp_id, const char *status,
                         int64_t now_ms);

#endif
