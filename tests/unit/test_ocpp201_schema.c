/*
 * test_ocpp201_schema.c — the official OCPP 2.0.1 schemas
 * (lib/ocpp201-schemas.json) compiled by the same table-driven validator
 * as 1.6 (lib/ocpp_schema*.c), with the keywords only 2.0.1 uses
 * (maxItems, minimum, maximum, additionalItems), and a few valid and
 * invalid payloads.  Payloads use single quotes; val() swaps them.
 */
#include "check.h"
#include "ocpp_schema.h"

#include <stdlib.h>

static ocpp_schemas *S;
static char msg[512];

static int val(const char *action, const char *json)
{
	const ocpp_schema *schema = ocpp_schema_find(S, action, 0);
	char *text = strdup(json);
	msg[0] = '\0';
	if (!schema || !text) {
		free(text);
		return -1;
	}
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	cJSON *payload = cJSON_Parse(text);
	free(text);
	if (!payload)
		return -1;
	int r = (int)ocpp_validate(schema, payload, 0, msg, sizeof msg);
	cJSON_Delete(payload);
	return r;
}

/* Every action of OCPP 2.0.1, both directions: a request and a response
 * schema each. */
static void test_every_action_compiles(void)
{
	static const char *actions[] = {
	    "Authorize",
	    "BootNotification",
	    "CancelReservation",
	    "CertificateSigned",
	    "ChangeAvailability",
	    "ClearCache",
	    "ClearChargingProfile",
	    "ClearDisplayMessage",
	    "ClearVariableMonitoring",
	    "ClearedChargingLimit",
	    "CostUpdated",
	    "CustomerInformation",
	    "DataTransfer",
	    "DeleteCertificate",
	    "FirmwareStatusNotification",
	    "Get15118EVCertificate",
	    "GetBaseReport",
	    "GetCertificateStatus",
	    "GetChargingProfiles",
	    "GetCompositeSchedule",
	    "GetDisplayMessages",
	    "GetInstalledCertificateIds",
	    "GetLocalListVersion",
	    "GetLog",
	    "GetMonitoringReport",
	    "GetReport",
	    "GetTransactionStatus",
	    "GetVariables",
	    "Heartbeat",
	    "InstallCertificate",
	    "LogStatusNotification",
	    "MeterValues",
	    "NotifyChargingLimit",
	    "NotifyCustomerInformation",
	    "NotifyDisplayMessages",
	    "NotifyEVChargingNeeds",
	    "NotifyEVChargingSchedule",
	    "NotifyEvent",
	    "NotifyMonitoringReport",
	    "NotifyReport",
	    "PublishFirmware",
	    "PublishFirmwareStatusNotification",
	    "ReportChargingProfiles",
	    "RequestStartTransaction",
	    "RequestStopTransaction",
	    "ReservationStatusUpdate",
	    "ReserveNow",
	    "Reset",
	    "SecurityEventNotification",
	    "SendLocalList",
	    "SetChargingProfile",
	    "SetDisplayMessage",
	    "SetMonitoringBase",
	    "SetMonitoringLevel",
	    "SetNetworkProfile",
	    "SetVariableMonitoring",
	    "SetVariables",
	    "SignCertificate",
	    "StatusNotification",
	    "TransactionEvent",
	    "TriggerMessage",
	    "UnlockConnector",
	    "UnpublishFirmware",
	    "UpdateFirmware",
	};
	size_t n = sizeof actions / sizeof actions[0];
	CHECK_INT((int)n, 64);
	CHECK_INT((int)ocpp_schemas_count(S), 128);
	for (size_t i = 0; i < n; i++) {
		CHECK(ocpp_schema_find(S, actions[i], 0) != NULL);
		CHECK(ocpp_schema_find(S, actions[i], 1) != NULL);
		CHECK(ocpp_action_known(S, actions[i]));
	}
	CHECK(!ocpp_action_known(S, "StartTransaction")); /* 1.6 only */
}

static void test_valid_samples(void)
{
	CHECK_INT(val("BootNotification",
	              "{'reason':'PowerUp','chargingStation':{'model':'M',"
	              "'vendorName':'V','modem':{'iccid':'1'}}}"),
	          OCPP_VALID);
	CHECK_INT(val("StatusNotification",
	              "{'timestamp':'2026-01-01T00:00:00Z',"
	              "'connectorStatus':'Occupied','evseId':1,"
	              "'connectorId':1}"),
	          OCPP_VALID);
	CHECK_INT(val("TransactionEvent",
	              "{'eventType':'Started','timestamp':'2026-01-01T00:00:"
	              "00.123Z','triggerReason':'Authorized','seqNo':0,"
	              "'transactionInfo':{'transactionId':'tx-1',"
	              "'chargingState':'Charging'},'idToken':{'idToken':'A',"
	              "'type':'ISO14443'},'evse':{'id':1,'connectorId':1},"
	              "'meterValue':[{'timestamp':'2026-01-01T00:00:00Z',"
	              "'sampledValue':[{'value':1234.5,'context':"
	              "'Transaction.Begin','unitOfMeasure':{'unit':'Wh',"
	              "'multiplier':0}}]}]}"),
	          OCPP_VALID);
	CHECK_INT(val("Heartbeat", "{}"), OCPP_VALID);
	CHECK_INT(val("Authorize", "{'idToken':{'idToken':'','type':"
	                           "'NoAuthorization'},'customData':{"
	                           "'vendorId':'x','extra':1}}"),
	          OCPP_VALID);
}

static void test_invalid_samples(void)
{
	CHECK_INT(val("BootNotification",
	              "{'chargingStation':{'model':'M','vendorName':'V'}}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "reason: required property missing");
	CHECK_INT(val("BootNotification",
	              "{'reason':'Bored','chargingStation':{'model':'M',"
	              "'vendorName':'V'}}"),
	          OCPP_ERR_PROPERTY);
	CHECK_INT(val("TransactionEvent",
	              "{'eventType':'Started','timestamp':'2026-01-01T00:00:"
	              "00Z','triggerReason':'Authorized','seqNo':'0',"
	              "'transactionInfo':{'transactionId':'t'}}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "seqNo: expected integer, got string");
	CHECK_INT(val("TransactionEvent",
	              "{'eventType':'Started','timestamp':'2026-01-01T00:00:"
	              "00Z','triggerReason':'Authorized','seqNo':0,"
	              "'transactionInfo':{'transactionId':'t','x':1}}"),
	          OCPP_ERR_FORMATION);
	CHECK_INT(val("TransactionEvent",
	              "{'eventType':'Started','timestamp':'2026-01-01T00:00:"
	              "00Z','triggerReason':'Authorized','seqNo':0,"
	              "'transactionInfo':{'transactionId':'t'},"
	              "'meterValue':[]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_INT(val("TransactionEvent",
	              "{'eventType':'Started','timestamp':'2026-01-01T00:00:"
	              "00Z','triggerReason':'Authorized','seqNo':0,"
	              "'transactionInfo':{'transactionId':"
	              "'0123456789012345678901234567890123456'}}"),
	          OCPP_ERR_PROPERTY);
	/* maxItems (new with 2.0.1): at most 4 certificate hashes. */
	const char *h = "{'hashAlgorithm':'SHA256','issuerNameHash':'a',"
	                "'issuerKeyHash':'b','serialNumber':'c',"
	                "'responderURL':'u'}";
	char buf[1024];
	snprintf(buf, sizeof buf,
	         "{'idToken':{'idToken':'A','type':'Local'},"
	         "'iso15118CertificateHashData':[%s,%s,%s,%s]}",
	         h, h, h, h);
	CHECK_INT(val("Authorize", buf), OCPP_VALID);
	snprintf(buf, sizeof buf,
	         "{'idToken':{'idToken':'A','type':'Local'},"
	         "'iso15118CertificateHashData':[%s,%s,%s,%s,%s]}",
	         h, h, h, h, h);
	CHECK_INT(val("Authorize", buf), OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "iso15118CertificateHashData: at most 4 items allowed");
	/* minimum / maximum (new with 2.0.1): a state of charge in %. */
	const char *needs = "{'evseId':1,'chargingNeeds':{'requestedEnergy"
	                    "Transfer':'DC','dcChargingParameters':{"
	                    "'evMaxCurrent':1,'evMaxVoltage':1,"
	                    "'stateOfCharge':%d}}}";
	snprintf(buf, sizeof buf, needs, 100);
	CHECK_INT(val("NotifyEVChargingNeeds", buf), OCPP_VALID);
	snprintf(buf, sizeof buf, needs, 101);
	CHECK_INT(val("NotifyEVChargingNeeds", buf), OCPP_ERR_PROPERTY);
	snprintf(buf, sizeof buf, needs, -1);
	CHECK_INT(val("NotifyEVChargingNeeds", buf), OCPP_ERR_PROPERTY);
}

int main(void)
{
	char err[256];
	if (ocpp_schemas_load(&S, ocpp201_schemas_json, err, sizeof err)) {
		printf("FAIL load: %s\n", err);
		return 1;
	}
	RUN(test_every_action_compiles);
	RUN(test_valid_samples);
	RUN(test_invalid_samples);
	ocpp_schemas_free(S);
	CHECK_EXIT();
}
