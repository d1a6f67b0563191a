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

#include "bulk_state.h"
#include "config.h"
#include "control.h"

#define BULK_TICK_MS 2000

/* Control ops bulk_start, bulk_cancel, bulk_resume (event loop). */
void bulk_request(const struct control_req *r);
/* Event loop: every BULK_TICK_MS, the items due. */
void bulk_tick(const struct csms_config *cfg, int64_t now_ms);

#endif
