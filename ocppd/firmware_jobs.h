/*
 * firmware_jobs.h — each status step of an UpdateFirmware or
 * SignedUpdateFirmware sent with a hosted image (sql/028_files.sql),
 * written by the status notifications' handlers in their transaction.
 */
#ifndef OCPPD_FIRMWARE_JOBS_H
#define OCPPD_FIRMWARE_JOBS_H

#include <stdint.h>

#include "db.h"

/*
 * A status for cp_id's latest job of action ("UpdateFirmware",
 * "SignedUpdateFirmware"), or the one of request_id when not NULL: a step
 * row and the job's status.  No such job (a firmware update from
 * elsewhere) is no error.  0, -1 on a database error.
 */
int firmware_jobs_step(struct db *db, const char *cp_id, const char *action,
                       const char *request_id, const char *status,
                       const char *detail, int64_t now_ms);

#endif
