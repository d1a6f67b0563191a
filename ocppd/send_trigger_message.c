/*
 * send_trigger_message.c — TriggerMessage (Remote Trigger profile): ask
 * the charge point to send a message now (StatusNotification, MeterValues,
 * Heartbeat, BootNotification, ...); the message itself follows the
 * answer as an ordinary call.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "requestedMessage=%s connector=%lld status=%s",
	         json_str(req, "requestedMessage", "-"),
	         json_int(req, "connectorId", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send_trigger_message = {"TriggerMessage", 0, NULL, audit};
