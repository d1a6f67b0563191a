/*
 * api-tariffs.h — tariffs (docs/tariffs.md): GET /tariffs and
 * /tariffs/{tariff_id} read the database; POST /tariffs (a tariff and its
 * first version), PUT /tariffs/{tariff_id} (a new version), DELETE
 * /tariffs/{tariff_id}, POST /tariffs/{tariff_id}/assignments and DELETE
 * /tariffs/{tariff_id}/assignments/{assignment_id} are control requests
 * that ocppd checks and writes.  GET /costs: the stored costs' totals per
 * site, id tag or month.
 */
#ifndef CSMS_API_TARIFFS_H
#define CSMS_API_TARIFFS_H

#include "api-req.h"

void api_tariffs_route(struct api_req *r);
void api_tariff_route(struct api_req *r);
void api_tariff_assignments(struct api_req *r);
void api_tariff_assignment(struct api_req *r);
void api_costs(struct api_req *r);

#endif
