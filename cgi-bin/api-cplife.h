/*
 * api-cplife.h — a charge point's lifecycle through ocppd (docs/sites.md):
 * PUT /cps/{cp_id}/retired {"retired": true|false} (cp_retire,
 * cp_unretire), PUT /cps/{cp_id}/notes {"notes": "..."} (cp_set_notes),
 * and DELETE /cps/{cp_id} (cp_delete: only one with no transactions).
 */
#ifndef CSMS_API_CPLIFE_H
#define CSMS_API_CPLIFE_H

#include "api-req.h"

/* GET /cps/{cp_id} (api_cps_one) and DELETE. */
void api_cp_route(struct api_req *r);
void api_cp_retired(struct api_req *r);
void api_cp_notes(struct api_req *r);

#endif
