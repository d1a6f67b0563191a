/*
 * send_ocpp201.c — the OCPP 2.0.1 commands (lib/ctl_proto.h's
 * CTL_COMMANDS201): what is specific to each, its audit line and the
 * defaults it fills.  The payload is 2.0.1's, validated by calls.c
 * against the 2.0.1 schemas like a 1.6 one against 1.6's.
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"
#include "timeutil.h"

/* "evse=1 connector=2" of an optional EVSEType object, or "evse=-". */
static void evse_text(const cJSON *req, char *out, size_t len)
{
	const cJSON *evse = cJSON_GetObjectItemCaseSensitive(req, "evse");
	if (!cJSON_IsObject(evse))
		snprintf(out, len, "evse=-");
	else if (cJSON_HasObjectItem(evse, "connectorId"))
		snprintf(out, len, "evse=%lld connector=%lld",
		         json_int(evse, "id", 0),
		         json_int(evse, "connectorId", 0));
	else
		snprintf(out, len, "evse=%lld", json_int(evse, "id", 0));
}

static void audit_availability(const cJSON *req, const cJSON *conf, char *out,
                               size_t len)
{
	char evse[64];
	evse_text(req, evse, sizeof evse);
	snprintf(out, len, "%s operationalStatus=%s status=%s", evse,
	         json_str(req, "operationalStatus", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_data_transfer(const cJSON *req, const cJSON *conf, char *out,
                                size_t len)
{
	snprintf(out, len, "vendorId=%s messageId=%s status=%s",
	         json_str(req, "vendorId", "-"),
	         json_str(req, "messageId", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_base_report(const cJSON *req, const cJSON *conf, char *out,
                              size_t len)
{
	snprintf(out, len, "requestId=%lld reportBase=%s status=%s",
	         json_int(req, "requestId", 0),
	         json_str(req, "reportBase", "-"),
	         json_str(conf, "status", "-"));
}

/* "n results, m not Accepted" of a Get/SetVariables answer. */
static void audit_variables(const cJSON *req, const cJSON *conf, char *out,
                            size_t len, const char *reqkey, const char *reskey,
                            const char *okstatus)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(conf, reskey);
	int refused = 0;
	const cJSON *r;
	cJSON_ArrayForEach(r, res)
	{
		const char *st = json_str(r, "attributeStatus", "");
		if (strcmp(st, okstatus))
			refused++;
	}
	snprintf(
	    out, len, "asked=%d answered=%d not_%s=%d",
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, reqkey)),
	    cJSON_GetArraySize(res), okstatus, refused);
}

static void audit_get_variables(const cJSON *req, const cJSON *conf, char *out,
                                size_t len)
{
	audit_variables(req, conf, out, len, "getVariableData",
	                "getVariableResult", "Accepted");
}

static void audit_set_variables(const cJSON *req, const cJSON *conf, char *out,
                                size_t len)
{
	audit_variables(req, conf, out, len, "setVariableData",
	                "setVariableResult", "Accepted");
}

/* remoteStartId is required by 2.0.1 (it comes back in the session's
 * TransactionEvent); a caller that does not care gets a fresh one: the
 * second it was asked in and a counter, distinct for 1000 starts a second
 * and across restarts, below 2^31 (the schema's integer). */
static int build_start(const cJSON *params, cJSON **payload, char *why,
                       size_t whylen)
{
	static unsigned seq;
	(void)why;
	(void)whylen;
	*payload = cJSON_Duplicate(params, 1);
	if (!*payload)
		return -1;
	long long id = time_now_ms() / 1000 % 2000000 * 1000 + seq++ % 1000;
	if (cJSON_IsObject(*payload) &&
	    !cJSON_HasObjectItem(*payload, "remoteStartId") &&
	    json_add_int(*payload, "remoteStartId", id)) {
		cJSON_Delete(*payload);
		*payload = NULL;
		return -1;
	}
	return 0;
}

static void audit_start(const cJSON *req, const cJSON *conf, char *out,
                        size_t len)
{
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(req, "idToken");
	snprintf(out, len,
	         "evse=%lld idToken=%s remoteStartId=%lld status=%s "
	         "transactionId=%s",
	         json_int(req, "evseId", 0), json_str(tok, "idToken", "-"),
	         json_int(req, "remoteStartId", 0),
	         json_str(conf, "status", "-"),
	         json_str(conf, "transactionId", "-"));
}

static void audit_stop(const cJSON *req, const cJSON *conf, char *out,
                       size_t len)
{
	snprintf(out, len, "transactionId=%s status=%s",
	         json_str(req, "transactionId", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_reset(const cJSON *req, const cJSON *conf, char *out,
                        size_t len)
{
	snprintf(out, len, "type=%s evse=%lld status=%s",
	         json_str(req, "type", "-"), json_int(req, "evseId", 0),
	         json_str(conf, "status", "-"));
}

static void audit_trigger(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	char evse[64];
	evse_text(req, evse, sizeof evse);
	snprintf(out, len, "requestedMessage=%s %s status=%s",
	         json_str(req, "requestedMessage", "-"), evse,
	         json_str(conf, "status", "-"));
}

static void audit_unlock(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "evse=%lld connector=%lld status=%s",
	         json_int(req, "evseId", 0), json_int(req, "connectorId", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send201_change_availability = {"ChangeAvailability", 0,
                                                    NULL, audit_availability};
const struct send_op send201_clear_cache = {"ClearCache", 0, NULL, NULL};
const struct send_op send201_data_transfer = {"DataTransfer", 0, NULL,
                                              audit_data_transfer};
const struct send_op send201_get_base_report = {"GetBaseReport", 0, NULL,
                                                audit_base_report};
const struct send_op send201_get_variables = {"GetVariables", 0, NULL,
                                              audit_get_variables};
/* Pending: the station is being configured, not used (2.0.1 B02). */
const struct send_op send201_request_start_transaction = {
    "RequestStartTransaction", SEND_NOT_PENDING, build_start, audit_start};
const struct send_op send201_request_stop_transaction = {
    "RequestStopTransaction", SEND_NOT_PENDING, NULL, audit_stop};
const struct send_op send201_reset = {"Reset", 0, NULL, audit_reset};
const struct send_op send201_set_variables = {"SetVariables", 0, NULL,
                                              audit_set_variables};
const struct send_op send201_trigger_message = {"TriggerMessage", 0, NULL,
                                                audit_trigger};
const struct send_op send201_unlock_connector = {"UnlockConnector", 0, NULL,
                                                 audit_unlock};
