/*
 * send_data_transfer.c — DataTransfer to the charge point: a vendor
 * extension message, passed through as given.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "vendorId=%s messageId=%s status=%s",
	         json_str(req, "vendorId", "-"),
	         json_str(req, "messageId", "-"),
	         json_str(conf, "status", "-"));
}

const struct send_op send_data_transfer = {"DataTransfer", 0, NULL, audit};
