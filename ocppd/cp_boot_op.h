/*
 * cp_boot_op.h — cp_set_boot: an operator's answer to a charge point's
 * BootNotification (charge_points.boot_answer: Accepted, Pending or
 * Rejected), the approval step of docs/registration.md.
 *
 *   {"op": "cp_set_boot", "cp_id": "CP_1", "params": {"boot_answer":
 * "Accepted"}}
 *
 * Answers {"id", "boot_answer", "connected"}; not_found for a charge point
 * that has no row.  The charge point gets the new answer at its next
 * BootNotification: a connected one waiting in Pending boots again within
 * unapproved_boot_interval, or at once when asked with TriggerMessage
 * BootNotification (the web tier sends it after an approval).
 */
#ifndef OCPPD_CP_BOOT_OP_H
#define OCPPD_CP_BOOT_OP_H

#include "control.h"

void cp_boot_request(const struct control_req *r);

#endif
