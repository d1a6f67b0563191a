/*
 * bulk.h — one OCPP command to every charge point of a site or a group,
 * at a pace (sql/022_bulk_jobs.sql, docs/bulk-commands.md).
 *
 * bulk_start checks the command once (the same build and OCPP schema as a
 * command to one charge point, calls.h) and records the job with one item
 * per charge point.  Every BULK_TICK_MS the node starts the next items of
 * the running jobs whose charge points it holds, no more than the job's
 * pace allows (per_minute, spread over the minute; max_in_flight without
 * an outcome), each as an ordinary command (calls.c) whose requested_by
 * names the job: its outcome, written with the command's history row
 * (cmdlog.c), moves the item on.  A charge point not connected at its
 * turn is skipped (offline).  An UpdateFirmware item follows the charge
 * point's FirmwareStatusNotification to installed or failed; a job whose
 * failed items exceed max_failures pauses.
 */
#ifndef OCPPD_BULK_H
#define OCPPD_BULK_H

#include <stdint.h>

#include "cmd_record.h"
#include "config.h"
#include "control.h"
#include "db.h"

#define BULK_TICK_MS 2000
/* requested_by of a job's commands: "bulk:<job id>:<who asked>". */
#define BULK_WHO_PREFIX "bulk:"

/* Control ops bulk_start, bulk_cancel, bulk_resume (event loop). */
void bulk_request(const struct control_req *r);
/* Event loop: every BULK_TICK_MS, the items due. */
void bulk_tick(const struct csms_config *cfg, int64_t now_ms);
/* Database worker, with the command's history row: a job's command
 * recorded as pending or finished moves its item on.  -1 on a database
 * error. */
int bulk_command(struct db *db, const struct cmd_record *r);
/* Database worker, with a FirmwareStatusNotification: the charge point's
 * item of a running firmware rollout follows it.  -1 on a database
 * error. */
int bulk_firmware_status(struct db *db, const char *cp_id, const char *status,
                         int64_t now_ms);

#endif
