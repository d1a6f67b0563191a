/*
 * ui-bulk.h — the bulk command form of the site and group pages
 * (bulkform.tmpl): POST /bulk starts a job through ocppd (bulk_start,
 * docs/bulk-commands.md) and goes to its page.
 */
#ifndef CSMS_UI_BULK_H
#define CSMS_UI_BULK_H

#include "ui-shared.h"

void ui_bulk_post(struct ui_req *r, const char *arg);

#endif
