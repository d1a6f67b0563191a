/*
 * handle201_status_notification.c — 2.0.1 StatusNotification: the state
 * of one connector of one EVSE, into the same connectors table as 1.6
 * (handlers201.h: EVSE n connector 1 is connector n).  2.0.1 has no
 * errorCode: the row says NoError, and a fault's details come in
 * NotifyEvent (not handled yet).  Occupied is 2.0.1's "in use".
 */
#include <stdio.h>
#include <string.h>

#include "coalesce.h"
#include "handlers201.h"
#include "jsonutil.h"
#include "notify.h"
#include "timeutil.h"

enum hres handle201_status_notification(struct hctx *c, const cJSON *req,
                                        cJSON *conf)
{
	(void)conf;
	long long evse = json_int(req, "evseId", -1);
	long long conn = json_int(req, "connectorId", -1);
	long long connector = evse201_connector(evse, conn);
	if (connector < 0 || conn < 0) {
		snprintf(c->err, sizeof c->err,
		         "evseId/connectorId out of range (evseId 0..21000000, "
		         "connectorId 0..99)");
		return H_BAD_VALUE;
	}
	const char *status = json_str(req, "connectorStatus", NULL);
	int64_t ts;
	if (time_parse_iso8601(json_str(req, "timestamp", ""), &ts)) {
		snprintf(c->err, sizeof c->err, "timestamp: not a date-time");
		return H_BAD_VALUE;
	}
	struct co_status row = {c->cp_id, (int)connector, status, "NoError",
	                        NULL,     NULL,           NULL,   ts,
	                        c->now_ms};
	if (coalesce_status(c->co, c->db, &row))
		return hctx_db_error(c);
	if (status && !strcmp(status, "Faulted") &&
	    notify_connector_faulted(c, connector, NULL, NULL, NULL, NULL, ts))
		return hctx_db_error(c);
	hctx_audit(c, "evse=%lld connector=%lld (connector %lld) status=%s",
	           evse, conn, connector, status);
	return H_OK;
}
