/*
 * api-events.h — GET /cps/{cp_id}/events: what an OCPP 2.0.1 station
 * reported with NotifyEvent (sql/038, docs/ocpp201.md), newest first,
 * optionally only one component's or only the cleared (or the raised)
 * ones.
 */
#ifndef CSMS_API_EVENTS_H
#define CSMS_API_EVENTS_H

#include "api-req.h"

void api_cp_events(struct api_req *r);

#endif
