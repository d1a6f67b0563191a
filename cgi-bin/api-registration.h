/*
 * api-registration.h — approving charge points (docs/registration.md):
 * GET /registrations (charge points whose boot answer is not Accepted:
 * ?boot_answer=Pending, the ones awaiting approval, or Rejected) and
 * PUT /cps/{cp_id}/boot-answer {"boot_answer": "Accepted" | "Pending" |
 * "Rejected", "trigger": true}, through ocppd's cp_set_boot; an approved
 * charge point that is connected is asked to boot again at once
 * (TriggerMessage BootNotification) unless "trigger" is false.
 */
#ifndef CSMS_API_REGISTRATION_H
#define CSMS_API_REGISTRATION_H

#include "api-req.h"

void api_registrations_list(struct api_req *r);
void api_boot_answer(struct api_req *r);

#endif
