/*
 * send_remote_stop_transaction.c — RemoteStopTransaction: ask the charge
 * point to stop a transaction; it answers, then sends StopTransaction with
 * reason Remote.  Refused while the boot status is Pending (core §4.2).
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "tx=%lld status=%s",
	         json_int(req, "transactionId", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send_remote_stop_transaction = {
    "RemoteStopTransaction", SEND_NOT_PENDING, NULL, audit};
