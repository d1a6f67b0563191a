/*
 * api-chargepoints.h — GET /cps, /cps/{cp_id}, /connectors/{cp_id}.
 */
#ifndef CSMS_API_CHARGEPOINTS_H
#define CSMS_API_CHARGEPOINTS_H

#include "api-req.h"

/* GET /cps: charge points per page by default, and the most. */
#define API_CPS_LIMIT     100
#define API_CPS_LIMIT_MAX 1000

void api_cps_list(struct api_req *r);
void api_cps_one(struct api_req *r);
void api_connectors(struct api_req *r);

#endif
