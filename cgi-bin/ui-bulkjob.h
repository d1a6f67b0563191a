/*
 * ui-bulkjob.h — the bulk jobs (docs/bulk-commands.md): the list of the
 * newest, one job's page with each charge point's progress (refreshed
 * while it runs), and its cancel and resume buttons (bulk_cancel,
 * bulk_resume through ocppd).
 */
#ifndef CSMS_UI_BULKJOB_H
#define CSMS_UI_BULKJOB_H

#include "ui-shared.h"

void ui_bulk_jobs(struct ui_req *r, const char *arg);
void ui_bulk_job(struct ui_req *r, const char *arg);
void ui_bulk_job_post(struct ui_req *r, const char *arg);

#endif
