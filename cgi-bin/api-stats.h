/*
 * api-stats.h — GET /stats (JSON totals) and GET /metrics (the same
 * totals in the Prometheus text exposition format).
 */
#ifndef CSMS_API_STATS_H
#define CSMS_API_STATS_H

#include "api-req.h"

void api_stats(struct api_req *r);
void api_metrics(struct api_req *r);

#endif
