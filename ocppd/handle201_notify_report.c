/*
 * handle201_notify_report.c — 2.0.1 NotifyReport: the device model a
 * charging station reports after GetBaseReport.  Acknowledged and noted
 * in the log (request id, part, whether more follow); the device model
 * is not stored yet (docs/ocpp201.md).  Runs on the event loop.
 */
#include "handlers201.h"
#include "jsonutil.h"

enum hres handle201_notify_report(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)conf;
	const cJSON *data = NULL;
	json_get_array(req, "reportData", &data, 0);
	hctx_audit(c, "requestId=%lld seqNo=%lld tbc=%s items=%d (not stored)",
	           json_int(req, "requestId", 0), json_int(req, "seqNo", 0),
	           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "tbc"))
	               ? "true"
	               : "false",
	           data ? cJSON_GetArraySize(data) : 0);
	return H_OK;
}
