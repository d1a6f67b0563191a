/*
 * send_extended_trigger_message.c — ExtendedTriggerMessage (Security
 * Whitepaper): TriggerMessage with the security messages added
 * (SignChargePointCertificate asks for a new CSR: the renewal, certs.h;
 * LogStatusNotification, SignedFirmwareStatusNotification, ...).
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

const struct send_op send_extended_trigger_message = {"ExtendedTriggerMessage",
                                                      0, NULL, audit};
