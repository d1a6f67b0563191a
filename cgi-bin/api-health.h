/*
 * api-health.h — GET /health: is the database reachable, is ocppd alive,
 * which version answers.  For load balancers and uptime checks: 503 when
 * the API cannot serve data.
 */
#ifndef CSMS_API_HEALTH_H
#define CSMS_API_HEALTH_H

#include "api-req.h"

void api_health(struct api_req *r);

#endif
