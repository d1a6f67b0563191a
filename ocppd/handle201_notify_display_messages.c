/*
 * handle201_notify_display_messages.c — 2.0.1 NotifyDisplayMessages: the
 * messages a station is showing, sent after a GetDisplayMessages.  Not
 * kept: the audit line names the request and the messages' ids, and
 * ocpp_log keeps the frame for ocpp_log_retention_days.
 */
#include <stdio.h>
#include <string.h>

#include "handlers201.h"
#include "jsonutil.h"

enum hres handle201_notify_display_messages(struct hctx *c, const cJSON *req,
                                            cJSON *conf)
{
	(void)conf;
	char ids[200] = "";
	size_t used = 0;
	int n = 0;
	const cJSON *m;
	cJSON_ArrayForEach(m,
	                   cJSON_GetObjectItemCaseSensitive(req, "messageInfo"))
	{
		n++;
		if (used + 24 >= sizeof ids)
			continue; /* the count still says how many */
		int w = snprintf(ids + used, sizeof ids - used, "%s%lld",
		                 used ? "," : "", json_int(m, "id", 0));
		if (w > 0)
			used += (size_t)w;
	}
	hctx_audit(c, "requestId=%lld tbc=%s messages=%d ids=%s",
	           json_int(req, "requestId", 0),
	           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "tbc"))
	               ? "true"
	               : "false",
	           n, used ? ids : "-");
	return H_OK;
}
