/*
 * send_remote_start_transaction.c — RemoteStartTransaction: ask the charge
 * point to start charging for an id tag (on a connector, optionally with a
 * TxProfile).  The transaction itself arrives later as StartTransaction;
 * refused while the boot status is Pending (core §4.2).
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "connector=%lld idTag=%s profile=%s status=%s",
	         json_int(req, "connectorId", 0), json_str(req, "idTag", "-"),
	         cJSON_HasObjectItem(req, "chargingProfile") ? "yes" : "no",
	         json_str(conf, "status", "-"));
}

const struct send_op send_remote_start_transaction = {
    "RemoteStartTransaction", SEND_NOT_PENDING, NULL, audit};
