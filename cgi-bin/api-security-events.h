/*
 * api-security-events.h — GET /security-events and
 * GET /cps/{cp_id}/security-events: what charge points reported with
 * SecurityEventNotification (docs/security-events.md), newest first,
 * paged; filters cp_id (the fleet list), critical (true/false) and type.
 */
#ifndef CSMS_API_SECURITY_EVENTS_H
#define CSMS_API_SECURITY_EVENTS_H

#include "api-req.h"

void api_security_events(struct api_req *r);
void api_cp_security_events(struct api_req *r);

#endif
