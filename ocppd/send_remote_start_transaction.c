/*
 * send_remote_start_transaction.c — RemoteStartTransaction: ask the charge
 * point to start charging for an id tag (on a connector, optionally with a
 * TxProfile).  The transaction itself arrives later as StartTransaction;
 * refused while the boot status is Pending (core §4.2).
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"
#include "send_profile_check.h"

/* A chargingProfile keeps the 1.6 rules of a remote start's TxProfile. */
static int build(const cJSON *params, cJSON **payload, char *why, size_t whylen)
{
	const cJSON *prof =
	    cJSON_GetObjectItemCaseSensitive(params, "chargingProfile");
	if (prof && send_profile_check(prof, 0, 1, why, whylen))
		return -1;
	*payload = cJSON_Duplicate(params, 1);
	return *payload ? 0 : -1;
}

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "connector=%lld idTag=%s profile=%s status=%s",
	         json_int(req, "connectorId", 0), json_str(req, "idTag", "-"),
	         cJSON_HasObjectItem(req, "chargingProfile") ? "yes" : "no",
	         json_str(conf, "status", "-"));
}

const struct send_op send_remote_start_transaction = {
    "RemoteStartTransaction", SEND_NOT_PENDING, build, audit};
