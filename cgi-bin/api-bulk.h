/*
 * api-bulk.h — one OCPP command to every charge point of a site or a
 * group (bulk jobs, docs/bulk-commands.md): started, cancelled and
 * resumed through ocppd (bulk_start, bulk_cancel, bulk_resume), read from
 * bulk_jobs and bulk_job_items.
 */
#ifndef CSMS_API_BULK_H
#define CSMS_API_BULK_H

#include "api-req.h"

/* POST /sites/{site_id}/commands/{action} and
 * /groups/{group_id}/commands/{action}: the body is the OCPP payload, the
 * pace is in the query (per_minute, max_in_flight, max_failures). */
void api_site_bulk(struct api_req *r);
void api_group_bulk(struct api_req *r);
/* GET /bulk-jobs?status=&limit=: the newest jobs first. */
void api_bulk_list(struct api_req *r);
/* GET /bulk-jobs/{job_id}: the job and each charge point's progress. */
void api_bulk_one(struct api_req *r);
/* POST /bulk-jobs/{job_id}/cancel and /resume. */
void api_bulk_cancel(struct api_req *r);
void api_bulk_resume(struct api_req *r);

#endif
