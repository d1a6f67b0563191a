/*
 * handle_status_notification.c — StatusNotification: the state of
 * connector 0 (the whole charge point) or 1..n; a connector row is created
 * the first time it is reported.  The upsert joins the others of the
 * worker's batch in one multi-row statement (coalesce.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "coalesce.h"
#include "handlers.h"
#include "jsonutil.h"
#include "notify.h"
#include "timeutil.h"
#include "txcost.h"

enum hres handle_status_notification(struct hctx *c, const cJSON *req,
                                     cJSON *conf)
{
	(void)conf;
	long long connector = json_int(req, "connectorId", -1);
	if (connector < 0) {
		snprintf(c->err, sizeof c->err, "connectorId must be >= 0");
		return H_BAD_VALUE;
	}
	const char *status = json_str(req, "status", NULL);
	const char *error = json_str(req, "errorCode", NULL);
	const char *info = json_str(req, "info", NULL);
	const char *vendor = json_str(req, "vendorId", NULL);
	const char *verr = json_str(req, "vendorErrorCode", NULL);
	int64_t ts = c->now_ms;
	const char *tstext = json_str(req, "timestamp", NULL);
	if (tstext && time_parse_iso8601(tstext, &ts)) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}
	struct co_status row = {c->cp_id, (int)connector, status, error,
	                        info,     vendor,         verr,   ts,
	                        c->now_ms};
	if (coalesce_status(c->co, c->db, &row))
		return hctx_db_error(c);
	/* Where a session's idle time starts (txcost.h). */
	if (txcost_status(c, (int)connector, status, ts))
		return hctx_db_error(c);
	/* A fault is a webhook event, in this transaction. */
	if (status && !strcmp(status, "Faulted") &&
	    notify_connector_faulted(c, connector, error, info, vendor, verr,
	                             ts))
		return hctx_db_error(c);
	hctx_audit(c, "connector=%lld status=%s errorCode=%s", connector,
	           status, error);
	return H_OK;
}
