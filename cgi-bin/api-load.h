/*
 * api-load.h — site load management in the API (docs/load-management.md,
 * docs/api.md): GET /sites/{id}/load (each session's share and what its
 * charge point answered, the defaults, the latest decisions), and
 * GET/PUT /cps/{id}/load (how a charge point draws: phases, min_a,
 * max_a, priority; a PUT goes to ocppd's cp_set_load).
 */
#ifndef CSMS_API_LOAD_H
#define CSMS_API_LOAD_H

#include "api-req.h"

void api_site_load(struct api_req *r);
void api_cp_load(struct api_req *r);

#endif
