/*
 * send_reset.c — Reset (Soft or Hard): the charge point stops its
 * transactions, reboots, reconnects and sends BootNotification again.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "type=%s status=%s", json_str(req, "type", "-"),
	         json_str(conf, "status", "-"));
}

const struct send_op send_reset = {"Reset", 0, NULL, audit};
