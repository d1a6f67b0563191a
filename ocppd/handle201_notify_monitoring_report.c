/*
 * handle201_notify_monitoring_report.c — 2.0.1 NotifyMonitoringReport:
 * the monitors a station has set, sent after a GetMonitoringReport.  Not
 * kept: the report's size is in the audit line (ocpp_log keeps the frame
 * for ocpp_log_retention_days), and a new GetMonitoringReport asks again.
 */
#include "handlers201.h"
#include "jsonutil.h"

enum hres handle201_notify_monitoring_report(struct hctx *c, const cJSON *req,
                                             cJSON *conf)
{
	(void)conf;
	int monitors = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(req, "monitor"))
	{
		monitors += cJSON_GetArraySize(
		    cJSON_GetObjectItemCaseSensitive(m, "variableMonitoring"));
	}
	hctx_audit(c, "requestId=%lld seqNo=%lld tbc=%s monitors=%d",
	           json_int(req, "requestId", 0), json_int(req, "seqNo", 0),
	           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "tbc"))
	               ? "true"
	               : "false",
	           monitors);
	return H_OK;
}
