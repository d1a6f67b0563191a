/*
 * api-variables.h — GET /cps/{cp_id}/variables: an OCPP 2.0.1 station's
 * device model as its NotifyReports described it (device_vars,
 * docs/ocpp201.md), one item per component, variable and attribute type.
 */
#ifndef CSMS_API_VARIABLES_H
#define CSMS_API_VARIABLES_H

#include "api-req.h"

void api_cp_variables(struct api_req *r);

#endif
