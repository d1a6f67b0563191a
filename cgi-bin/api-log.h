/*
 * api-log.h — a charge point's OCPP message log (docs/api.md, "Message
 * log"): GET /cps/{cp_id}/log (JSON, a page and its next cursor),
 * /cps/{cp_id}/log.csv and /cps/{cp_id}/log.ndjson (streamed exports),
 * and GET/PUT /cps/{cp_id}/log-level (the charge point's own level,
 * set through ocppd's control op cp_set_log).
 */
#ifndef CSMS_API_LOG_H
#define CSMS_API_LOG_H

#include "api-req.h"

void api_log_list(struct api_req *r);
void api_log_csv(struct api_req *r);
void api_log_ndjson(struct api_req *r);
void api_log_level(struct api_req *r);

#endif
