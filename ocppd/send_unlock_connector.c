/*
 * send_unlock_connector.c — UnlockConnector: release the cable of a
 * connector (a transaction there is stopped with reason UnlockCommand).
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "connector=%lld status=%s",
	         json_int(req, "connectorId", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send_unlock_connector = {"UnlockConnector", 0, NULL,
                                              audit};
