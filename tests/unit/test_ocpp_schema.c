/*
 * test_ocpp_schema.c — the schema-driven OCPP 1.6 validator
 * (lib/ocpp_schema.c) against the official schemas embedded in the build.
 *
 * Payloads are written with single quotes for readability; val() turns them
 * into double quotes before parsing.
 */
#include "check.h"
#include "ocpp_schema.h"

#include <stdlib.h>

static ocpp_schemas *S;
static char msg[512];

/* Validate a payload against the official schema; -1 if that cannot run. */
static int val_in(const ocpp_schemas *set, const char *action, int is_conf,
                  unsigned flags, const char *json)
{
	const ocpp_schema *schema = ocpp_schema_find(set, action, is_conf);
	char *text = strdup(json);
	cJSON *payload;
	int r;

	msg[0] = '\0';
	if (!schema || !text) {
		free(text);
		return -1;
	}
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	payload = cJSON_Parse(text);
	free(text);
	if (!payload)
		return -1;
	r = (int)ocpp_validate(schema, payload, flags, msg, sizeof msg);
	cJSON_Delete(payload);
	return r;
}

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int val(const char *action, int is_conf, const char *json)
{
	return val_in(S, action, is_conf, 0, json);
}

static int val_lenient(const char *action, int is_conf, const char *json)
{
	return val_in(S, action, is_conf, OCPP_V_LENIENT_UNKNOWN, json);
}

static void test_all_schemas_compile(void)
{
	static const char *actions[] = {
	    "Authorize",
	    "BootNotification",
	    "CancelReservation",
	    "CertificateSigned",
	    "ChangeAvailability",
	    "ChangeConfiguration",
	    "ClearCache",
	    "ClearChargingProfile",
	    "DataTransfer",
	    "DeleteCertificate",
	    "DiagnosticsStatusNotification",
	    "ExtendedTriggerMessage",
	    "FirmwareStatusNotification",
	    "GetCompositeSchedule",
	    "GetConfiguration",
	    "GetDiagnostics",
	    "GetInstalledCertificateIds",
	    "GetLocalListVersion",
	    "GetLog",
	    "Heartbeat",
	    "InstallCertificate",
	    "LogStatusNotification",
	    "MeterValues",
	    "RemoteStartTransaction",
	    "RemoteStopTransaction",
	    "ReserveNow",
	    "Reset",
	    "SecurityEventNotification",
	    "SendLocalList",
	    "SetChargingProfile",
	    "SignCertificate",
	    "SignedFirmwareStatusNotification",
	    "SignedUpdateFirmware",
	    "StartTransaction",
	    "StatusNotification",
	    "StopTransaction",
	    "TriggerMessage",
	    "UnlockConnector",
	    "UpdateFirmware",
	};
	char name[96];

	CHECK(S != NULL);
	CHECK_INT(ocpp_schemas_count(S), 78);
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		const ocpp_schema *req = ocpp_schema_find(S, actions[i], 0);
		const ocpp_schema *conf = ocpp_schema_find(S, actions[i], 1);

		CHECK(req && conf && req != conf);
		snprintf(name, sizeof name, "%s.req", actions[i]);
		CHECK_STR(ocpp_schema_name(req), name);
		snprintf(name, sizeof name, "%s.conf", actions[i]);
		CHECK_STR(ocpp_schema_name(conf), name);
		CHECK_INT(ocpp_action_known(S, actions[i]), 1);
	}
}

static void test_lookup(void)
{
	char longname[200];

	memset(longname, 'A', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	CHECK_INT(ocpp_action_known(S, "Foo"), 0);
	CHECK_INT(ocpp_action_known(S, ""), 0);
	CHECK_INT(ocpp_action_known(S, NULL), 0);
	CHECK_INT(ocpp_action_known(S, longname), 0);
	CHECK_INT(ocpp_action_known(S, "bootnotification"), 0);
	CHECK_INT(ocpp_action_known(S, "BootNotification.req"), 0);
	CHECK_INT(ocpp_action_known(NULL, "BootNotification"), 0);
	CHECK(ocpp_schema_find(S, "Foo", 0) == NULL);
	CHECK(ocpp_schema_find(S, "Foo", 1) == NULL);
	CHECK(ocpp_schema_find(S, "Authorize", 1) != NULL);
	CHECK(ocpp_schema_find(S, "UpdateFirmware", 0) != NULL);
}

static void test_error_codes(void)
{
	CHECK_STR(ocpp_verr_code(OCPP_VALID), "");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_TYPE), "TypeConstraintViolation");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_OCCURRENCE),
	          "OccurenceConstraintViolation");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_PROPERTY),
	          "PropertyConstraintViolation");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_FORMATION), "FormationViolation");
	CHECK_STR(ocpp_verr_code((enum ocpp_verr)99), "GenericError");
}

static void test_valid_payloads(void)
{
	CHECK_INT(val("BootNotification", 0,
	              "{'chargePointVendor':'VendorX','chargePointModel':"
	              "'Wallbox 22','chargePointSerialNumber':'SN-1',"
	              "'firmwareVersion':'1.2.3','iccid':'','imsi':'',"
	              "'meterType':'DZG','meterSerialNumber':'M1'}"),
	          OCPP_VALID);
	CHECK_STR(msg, "");
	CHECK_INT(val("Authorize", 0, "{'idTag':'04A2B3C4D5E6F7'}"),
	          OCPP_VALID);
	CHECK_INT(val("Heartbeat", 0, "{}"), OCPP_VALID);
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':12345,"
	              "'reservationId':7,'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_VALID);
	CHECK_INT(val("StopTransaction", 0,
	              "{'transactionId':42,'idTag':'ABC','meterStop':23456,"
	              "'timestamp':'2026-11-25T14:00:00.123+01:00',"
	              "'reason':'Local','transactionData':["
	              "{'timestamp':'2026-11-25T13:00:00Z','sampledValue':["
	              "{'value':'12345','context':'Transaction.Begin',"
	              "'measurand':'Energy.Active.Import.Register',"
	              "'unit':'Wh','location':'Outlet','format':'Raw'}]},"
	              "{'timestamp':'2026-11-25T14:00:00Z','sampledValue':["
	              "{'value':'23456','context':'Transaction.End'},"
	              "{'value':'16.1','measurand':'Current.Import',"
	              "'phase':'L1','unit':'A'}]}]}"),
	          OCPP_VALID);
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'transactionId':42,'meterValue':["
	              "{'timestamp':'2026-11-25T13:15:00Z','sampledValue':["
	              "{'value':'7.4','measurand':'Power.Active.Import',"
	              "'unit':'kW','context':'Sample.Periodic'},"
	              "{'value':'230.1','measurand':'Voltage','phase':'L1-N',"
	              "'unit':'V'},{'value':'81','measurand':'SoC',"
	              "'unit':'Percent','location':'EV'}]}]}"),
	          OCPP_VALID);
	CHECK_INT(val("StatusNotification", 0,
	              "{'connectorId':0,'errorCode':'NoError','status':"
	              "'Available','timestamp':'2026-11-25T13:00:00Z',"
	              "'info':'ok','vendorId':'X','vendorErrorCode':'0'}"),
	          OCPP_VALID);
	/* integral doubles are integers */
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1.0,'idTag':'ABC','meterStart':0,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_VALID);
}

static void test_valid_conf_payloads(void)
{
	CHECK_INT(val("BootNotification", 1,
	              "{'status':'Accepted','currentTime':"
	              "'2026-11-25T13:00:00.000Z','interval':300}"),
	          OCPP_VALID);
	CHECK_INT(val("StartTransaction", 1,
	              "{'transactionId':42,'idTagInfo':{'status':'Accepted',"
	              "'expiryDate':'2027-01-01T00:00:00Z',"
	              "'parentIdTag':'PARENT'}}"),
	          OCPP_VALID);
	CHECK_INT(val("Authorize", 1, "{'idTagInfo':{'status':'Blocked'}}"),
	          OCPP_VALID);
	CHECK_INT(val("GetConfiguration", 1,
	              "{'configurationKey':[{'key':'HeartbeatInterval',"
	              "'readonly':false,'value':'300'}],"
	              "'unknownKey':['Foo']}"),
	          OCPP_VALID);
}

static void test_conf_errors(void)
{
	CHECK_INT(val("BootNotification", 1,
	              "{'status':'Accepted','currentTime':'yesterday',"
	              "'interval':300}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "currentTime: \"yesterday\" is not a valid date-time");
	CHECK_INT(val("BootNotification", 1,
	              "{'status':'Maybe','currentTime':'2026-11-25T13:00:00Z',"
	              "'interval':300}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "status: \"Maybe\" is not one of Accepted, Pending, "
	               "Rejected");
	CHECK_INT(val("BootNotification", 1,
	              "{'status':'Accepted','currentTime':"
	              "'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "interval: required property missing");
	CHECK_INT(val("StartTransaction", 1,
	              "{'transactionId':42,'idTagInfo':{'status':'Foo'}}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "idTagInfo.status: \"Foo\" is not one of Accepted, "
	               "Blocked, Expired, Invalid, ConcurrentTx");
	CHECK_INT(val("StartTransaction", 1,
	              "{'transactionId':42,"
	              "'idTagInfo':{}}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "idTagInfo.status: required property missing");
	CHECK_INT(val("StartTransaction", 1,
	              "{'transactionId':42,'idTagInfo':'Accepted'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "idTagInfo: expected object, got string");
	CHECK_INT(val("StartTransaction", 1,
	              "{'transactionId':42,'idTagInfo':{'status':'Accepted',"
	              "'parentIdTag':'123456789012345678901'}}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "idTagInfo.parentIdTag: longer than 20 characters");
	CHECK_INT(val("GetConfiguration", 1,
	              "{'configurationKey':[{'key':'A','readonly':'yes'}]}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "configurationKey[0].readonly: expected boolean, got "
	               "string");
	CHECK_INT(val("GetConfiguration", 1, "{'unknownKey':['ok',7]}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "unknownKey[1]: expected string, got number");
}

static void test_missing_required(void)
{
	CHECK_INT(val("BootNotification", 0, "{'chargePointVendor':'V'}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "chargePointModel: required property missing");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_OCCURRENCE),
	          "OccurenceConstraintViolation");
	CHECK_INT(val("Authorize", 0, "{}"), OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "idTag: required property missing");
	/* null is not "present with a null value": it is the wrong type */
	CHECK_INT(val("Authorize", 0, "{'idTag':null}"), OCPP_ERR_TYPE);
	CHECK_STR(msg, "idTag: expected string, got null");
}

static void test_nested_arrays(void)
{
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'meterValue':["
	              "{'timestamp':'2026-11-25T13:00:00Z','sampledValue':["
	              "{'value':'1'},{'unit':'Wh'}]}]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "meterValue[0].sampledValue[1].value: required "
	               "property missing");
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'meterValue':["
	              "{'timestamp':'2026-11-25T13:00:00Z','sampledValue':"
	              "[{'value':'1'}]},"
	              "{'timestamp':'2026-11-25T13:01:00Z','sampledValue':"
	              "[{'value':'2','measurand':'Energy'}]}]}"),
	          OCPP_ERR_PROPERTY);
	CHECK(starts(msg, "meterValue[1].sampledValue[0].measurand: "
	                  "\"Energy\" is not one of "
	                  "Energy.Active.Export.Register, "));
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'meterValue':["
	              "{'timestamp':'2026-11-25T25:00:00Z','sampledValue':"
	              "[{'value':'1'}]}]}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "meterValue[0].timestamp: \"2026-11-25T25:00:00Z\" is "
	               "not a valid date-time");
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'meterValue':{'timestamp':"
	              "'2026-11-25T13:00:00Z','sampledValue':[]}}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "meterValue: expected array, got object");
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'meterValue':["
	              "{'timestamp':'2026-11-25T13:00:00Z','sampledValue':"
	              "[{'value':12}]}]}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "meterValue[0].sampledValue[0].value: expected string,"
	               " got number");
	CHECK_INT(val("StopTransaction", 0,
	              "{'transactionId':1,'meterStop':2,'timestamp':"
	              "'2026-11-25T13:00:00Z','transactionData':[{"
	              "'timestamp':'2026-11-25T13:00:00Z'}]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "transactionData[0].sampledValue: required property "
	               "missing");
}

static void test_wrong_types(void)
{
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':'1','idTag':'ABC','meterStart':0,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "connectorId: expected integer, got string");
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':1234,'meterStart':0,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "idTag: expected string, got number");
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':true,'idTag':'A','meterStart':0,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "connectorId: expected integer, got boolean");
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':[1],'idTag':'A','meterStart':0,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "connectorId: expected integer, got array");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_TYPE), "TypeConstraintViolation");
}

static void test_integers(void)
{
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1.5,'idTag':'ABC','meterStart':0,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "connectorId: 1.5 is not an integer");
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':-0.25,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "meterStart: -0.25 is not an integer");
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':2147483647,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_VALID);
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':-2147483648,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_VALID);
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':2147483648,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "meterStart: 2147483648 is out of range for an integer");
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':-3e9,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'ABC','meterStart':1e999,"
	              "'timestamp':'2026-11-25T13:00:00Z'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "meterStart: number out of range");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_PROPERTY),
	          "PropertyConstraintViolation");
}

static void test_enums(void)
{
	CHECK_INT(val("StatusNotification", 0,
	              "{'connectorId':1,'errorCode':'NoError','status':"
	              "'Foo'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "status: \"Foo\" is not one of Available, Preparing, "
	               "Charging, SuspendedEVSE, SuspendedEV, Finishing, "
	               "Reserved, Unavailable, Faulted");
	/* enums are case-sensitive */
	CHECK_INT(val("StatusNotification", 0,
	              "{'connectorId':1,'errorCode':'noerror','status':"
	              "'Available'}"),
	          OCPP_ERR_PROPERTY);
	CHECK(starts(msg, "errorCode: \"noerror\" is not one of "));
	/* an enum value of the wrong type is a type error first */
	CHECK_INT(val("StatusNotification", 0,
	              "{'connectorId':1,'errorCode':'NoError','status':3}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "status: expected string, got number");
}

static void test_max_length_counts_code_points(void)
{
	/* CiString20: 20 ASCII characters fit, 21 do not */
	CHECK_INT(val("Authorize", 0, "{'idTag':'12345678901234567890'}"),
	          OCPP_VALID);
	CHECK_INT(val("Authorize", 0, "{'idTag':'123456789012345678901'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "idTag: longer than 20 characters");
	/* 20 x U+00E9 is 40 bytes but 20 characters */
	CHECK_INT(val("Authorize", 0,
	              "{'idTag':'\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9'}"),
	          OCPP_VALID);
	CHECK_INT(val("Authorize", 0,
	              "{'idTag':'\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "idTag: longer than 20 characters");
	/* 19 ASCII + one 4-byte emoji = 20 characters, 23 bytes */
	CHECK_INT(val("Authorize", 0,
	              "{'idTag':'1234567890123456789\xf0\x9f\x94\x8c'}"),
	          OCPP_VALID);
	/* a \u escape decoded by cJSON counts once too (U+20AC, 3 bytes) */
	CHECK_INT(val("Authorize", 0, "{'idTag':'1234567890123456789\\u20ac'}"),
	          OCPP_VALID);
	CHECK_INT(
	    val("Authorize", 0, "{'idTag':'12345678901234567890\\u20ac'}"),
	    OCPP_ERR_PROPERTY);
}

static void test_invalid_utf8(void)
{
	static const char *bad[] = {
	    "{'idTag':'ab\xc3\x28'}",       /* broken sequence */
	    "{'idTag':'\xc0\xaf'}",         /* overlong '/' */
	    "{'idTag':'\xed\xa0\x80'}",     /* UTF-16 surrogate */
	    "{'idTag':'\xf4\x90\x80\x80'}", /* beyond U+10FFFF */
	    "{'idTag':'\xff'}",             /* never valid */
	    "{'idTag':'abc\xe2\x82'}",      /* truncated at the end */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(val("Authorize", 0, bad[i]), OCPP_ERR_FORMATION);
		CHECK_STR(msg, "idTag: invalid UTF-8");
	}
}

static void test_date_time(void)
{
	static const char *good[] = {
	    "2026-11-25T13:00:00Z",        "2026-11-25T13:00:00.5Z",
	    "2026-11-25T13:00:00.123456Z", "2026-11-25T13:00:00+02:00",
	    "2026-11-25T13:00:00-0530",    "2026-11-25 13:00:00",
	    "2026-11-25T13:00:00",
	};
	static const char *bad[] = {
	    "2026-11-25", "2026-02-30T00:00:00Z",  "2026-11-25T13:00:00Zx", "",
	    "13:00:00",   "2026-11-25T13:00:00 Z",
	};
	char json[160];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(json, sizeof json,
		         "{'connectorId':1,'idTag':'A','meterStart':0,"
		         "'timestamp':'%s'}",
		         good[i]);
		CHECK_INT(val("StartTransaction", 0, json), OCPP_VALID);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[96];

		snprintf(json, sizeof json,
		         "{'connectorId':1,'idTag':'A','meterStart':0,"
		         "'timestamp':'%s'}",
		         bad[i]);
		CHECK_INT(val("StartTransaction", 0, json), OCPP_ERR_PROPERTY);
		snprintf(want, sizeof want,
		         "timestamp: \"%s\" is not a valid date-time", bad[i]);
		CHECK_STR(msg, want);
	}
	/* a date-time is still a string first */
	CHECK_INT(val("StartTransaction", 0,
	              "{'connectorId':1,'idTag':'A','meterStart':0,"
	              "'timestamp':1764075600}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "timestamp: expected string, got number");
}

static void test_unknown_properties(void)
{
	const char *top = "{'idTag':'A','vendorField':1}";
	const char *nested =
	    "{'connectorId':1,'meterValue':[{'timestamp':"
	    "'2026-11-25T13:00:00Z','sampledValue':[{'value':'1',"
	    "'signedMeterValue':'x'}]}]}";

	CHECK_INT(val("Authorize", 0, top), OCPP_ERR_FORMATION);
	CHECK_STR(msg, "vendorField: unknown property");
	CHECK_STR(ocpp_verr_code(OCPP_ERR_FORMATION), "FormationViolation");
	CHECK_INT(val_lenient("Authorize", 0, top), OCPP_VALID);
	CHECK_INT(val("MeterValues", 0, nested), OCPP_ERR_FORMATION);
	CHECK_STR(msg, "meterValue[0].sampledValue[0].signedMeterValue: "
	               "unknown property");
	CHECK_INT(val_lenient("MeterValues", 0, nested), OCPP_VALID);
	/* lenient only forgives unknown names, not bad known ones */
	CHECK_INT(val_lenient("Authorize", 0, "{'extra':{},'idTag':5}"),
	          OCPP_ERR_TYPE);
	CHECK_INT(val_lenient("Authorize", 0, "{'extra':1}"),
	          OCPP_ERR_OCCURRENCE);
	/* hostile names are made printable in the message */
	CHECK_INT(val("Authorize", 0, "{'idTag':'A','a\\nb\\u0001':1}"),
	          OCPP_ERR_FORMATION);
	CHECK_STR(msg, "a?b?: unknown property");
}

static void test_payload_not_object(void)
{
	const ocpp_schema *s = ocpp_schema_find(S, "Heartbeat", 0);
	cJSON *arr = cJSON_CreateArray();
	cJSON *str = cJSON_CreateString("{}");

	CHECK_INT(ocpp_validate(s, arr, 0, msg, sizeof msg),
	          OCPP_ERR_FORMATION);
	CHECK_STR(msg, "payload: not a JSON object");
	CHECK_INT(ocpp_validate(s, str, 0, msg, sizeof msg),
	          OCPP_ERR_FORMATION);
	CHECK_INT(ocpp_validate(s, NULL, 0, msg, sizeof msg),
	          OCPP_ERR_FORMATION);
	CHECK_INT(val("Heartbeat", 0, "null"), OCPP_ERR_FORMATION);
	CHECK_INT(val("Heartbeat", 0, "[]"), OCPP_ERR_FORMATION);
	CHECK_INT(val("Heartbeat", 0, "42"), OCPP_ERR_FORMATION);
	cJSON_Delete(arr);
	cJSON_Delete(str);
}

/* The security extension schemas reach their types through $ref. */
static void test_ref_schemas(void)
{
	CHECK_INT(val("GetLog", 0,
	              "{'logType':'SecurityLog','requestId':1,'log':{"
	              "'remoteLocation':'https://example.com/upload',"
	              "'oldestTimestamp':'2026-11-01T00:00:00Z'}}"),
	          OCPP_VALID);
	CHECK_INT(val("GetLog", 0,
	              "{'logType':'AuditLog','requestId':1,'log':{"
	              "'remoteLocation':'x'}}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "logType: \"AuditLog\" is not one of DiagnosticsLog, "
	               "SecurityLog");
	CHECK_INT(val("GetLog", 0,
	              "{'logType':'SecurityLog','requestId':1,'log':{}}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "log.remoteLocation: required property missing");
	CHECK_INT(val("GetLog", 0,
	              "{'logType':'SecurityLog','requestId':1,'log':{"
	              "'remoteLocation':'x','latestTimestamp':'soon'}}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "log.latestTimestamp: \"soon\" is not a valid "
	               "date-time");
	CHECK_INT(val("CertificateSigned", 1, "{'status':'Accepted'}"),
	          OCPP_VALID);
	CHECK_INT(val("CertificateSigned", 1, "{'status':'OK'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "status: \"OK\" is not one of Accepted, Rejected");
	CHECK_INT(val("SignedUpdateFirmware", 0,
	              "{'requestId':3,'firmware':{'location':'https://x/fw',"
	              "'retrieveDateTime':'2026-11-25T13:00:00Z',"
	              "'signingCertificate':'PEM','signature':'SIG',"
	              "'checksum':'abc'}}"),
	          OCPP_ERR_FORMATION);
	CHECK_STR(msg, "firmware.checksum: unknown property");
	CHECK_INT(val("GetInstalledCertificateIds", 1,
	              "{'status':'Accepted','certificateHashData':["
	              "{'hashAlgorithm':'SHA256','issuerNameHash':'a',"
	              "'issuerKeyHash':'b','serialNumber':'c'},"
	              "{'hashAlgorithm':'MD5','issuerNameHash':'a',"
	              "'issuerKeyHash':'b','serialNumber':'c'}]}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "certificateHashData[1].hashAlgorithm: \"MD5\" is not "
	               "one of SHA256, SHA384, SHA512");
}

static void test_min_items(void)
{
	/* the only minItems in the official 1.6 schemas */
	CHECK_INT(val("GetInstalledCertificateIds", 1,
	              "{'status':'NotFound','certificateHashData':[]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "certificateHashData: at least 1 item required");
	CHECK_INT(val("GetInstalledCertificateIds", 1, "{'status':'NotFound'}"),
	          OCPP_VALID);
	/* The official MeterValues schema has no minItems although the
	 * specification says 1..*: the schema decides, so empty arrays pass. */
	CHECK_INT(val("MeterValues", 0, "{'connectorId':1,'meterValue':[]}"),
	          OCPP_VALID);
	CHECK_INT(val("MeterValues", 0,
	              "{'connectorId':1,'meterValue':[{'timestamp':"
	              "'2026-11-25T13:00:00Z','sampledValue':[]}]}"),
	          OCPP_VALID);
}

/* minItems on nested meterValue/sampledValue, from a schema that has it. */
static void test_min_items_nested_schema(void)
{
	const char *text =
	    "[{\"$id\":\"urn:MeterValues.req\",\"type\":\"object\","
	    "\"properties\":{\"meterValue\":{\"type\":\"array\","
	    "\"minItems\":1,\"items\":{\"type\":\"object\","
	    "\"properties\":{\"sampledValue\":{\"type\":\"array\","
	    "\"minItems\":2,\"items\":{\"type\":\"string\"}}}}}},"
	    "\"required\":[\"meterValue\"]}]";
	ocpp_schemas *set = NULL;
	char err[256];

	CHECK_INT(ocpp_schemas_load(&set, text, err, sizeof err), 0);
	CHECK_INT(val_in(set, "MeterValues", 0, 0, "{'meterValue':[]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "meterValue: at least 1 item required");
	CHECK_INT(val_in(set, "MeterValues", 0, 0,
	                 "{'meterValue':[{'sampledValue':['a','b']},"
	                 "{'sampledValue':['a']}]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "meterValue[1].sampledValue: at least 2 items required");
	CHECK_INT(val_in(set, "MeterValues", 0, 0,
	                 "{'meterValue':[{'sampledValue':['a','b','c']}]}"),
	          OCPP_VALID);
	CHECK(ocpp_schema_find(set, "MeterValues", 1) == NULL);
	CHECK_INT(ocpp_schemas_count(set), 1);
	ocpp_schemas_free(set);
}

static void test_multiple_of(void)
{
	const char *fmt = "{'connectorId':1,'csChargingProfiles':{"
	                  "'chargingProfileId':1,'stackLevel':0,"
	                  "'chargingProfilePurpose':'TxDefaultProfile',"
	                  "'chargingProfileKind':'Absolute',"
	                  "'chargingSchedule':{'chargingRateUnit':'A',"
	                  "'chargingSchedulePeriod':[{'startPeriod':0,"
	                  "'limit':32},{'startPeriod':600,'limit':%s}]}}}";
	static const char *good[] = {"16",   "16.1",    "2.3", "0.7",
	                             "-1.1", "99999.9", "0"};
	static const char *bad[] = {"16.15", "0.05", "2.31"};
	char json[512];

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(json, sizeof json, fmt, good[i]);
		CHECK_INT(val("SetChargingProfile", 0, json), OCPP_VALID);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[128];

		snprintf(json, sizeof json, fmt, bad[i]);
		CHECK_INT(val("SetChargingProfile", 0, json),
		          OCPP_ERR_PROPERTY);
		snprintf(want, sizeof want,
		         "csChargingProfiles.chargingSchedule."
		         "chargingSchedulePeriod[1].limit: %s is not a "
		         "multiple of 0.1",
		         bad[i]);
		CHECK_STR(msg, want);
	}
}

static void test_uri_format(void)
{
	CHECK_INT(val("GetDiagnostics", 0,
	              "{'location':'ftp://user:pw@example.com/diag/'}"),
	          OCPP_VALID);
	CHECK_INT(val("GetDiagnostics", 0, "{'location':'not a uri'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "location: \"not a uri\" is not a valid URI");
	CHECK_INT(val("GetDiagnostics", 0, "{'location':'https://a b/'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_INT(val("GetDiagnostics", 0, "{'location':'http:'}"),
	          OCPP_ERR_PROPERTY);
}

static void test_message_buffer_limits(void)
{
	const ocpp_schema *s = ocpp_schema_find(S, "StartTransaction", 1);
	cJSON *p = cJSON_Parse("{\"transactionId\":1,\"idTagInfo\":"
	                       "{\"status\":\"Foo\"}}");
	char small[12];

	CHECK(p != NULL);
	memset(small, 'x', sizeof small);
	CHECK_INT(ocpp_validate(s, p, 0, small, sizeof small),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(small, "idTagInfo.s");
	CHECK_INT(ocpp_validate(s, p, 0, NULL, 0), OCPP_ERR_PROPERTY);
	CHECK_INT(ocpp_validate(s, p, 0, small, 1), OCPP_ERR_PROPERTY);
	CHECK_STR(small, "");
	cJSON_Delete(p);
	/* long values are cut short in the message, never mid-character */
	CHECK_INT(val("BootNotification", 1,
	              "{'status':'Accepted','interval':1,'currentTime':'"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	              "'}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg,
	          "currentTime: \""
	          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	          "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	          "...\" is not a valid date-time");
}

static int load_err(const char *text, char *err, size_t errlen)
{
	ocpp_schemas *set = NULL;
	int r = ocpp_schemas_load(&set, text, err, errlen);

	if (r == 0)
		ocpp_schemas_free(set);
	else if (set)
		r = -2; /* a failed load must hand back nothing */
	return r;
}

static void test_load_errors(void)
{
	char err[256];

	CHECK_INT(load_err("[", err, sizeof err), -1);
	CHECK(strstr(err, "JSON syntax error") != NULL);
	CHECK_INT(load_err(NULL, err, sizeof err), -1);
	CHECK_INT(load_err("{}", err, sizeof err), -1);
	CHECK_STR(err, "schema: top level must be an array");
	CHECK_INT(load_err("[{\"type\":\"object\"}]", err, sizeof err), -1);
	CHECK(strstr(err, "$id must be") != NULL);
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.response\"}]", err, sizeof err),
	          -1);
	CHECK_STR(err, "urn:Foo.response: $id must end in .req or .conf");
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\"},"
	                   "{\"$id\":\"urn:Foo.req\"}]",
	                   err, sizeof err),
	          -1);
	CHECK_STR(err, "schema: duplicate $id for Foo.req");
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"properties\":{\"a\":{"
	                   "\"type\":\"string\",\"pattern\":\"^x$\"}}}]",
	                   err, sizeof err),
	          -1);
	CHECK_STR(err,
	          "urn:Foo.req: properties.a.pattern: unsupported keyword");
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"properties\":{\"a\":{"
	                   "\"$ref\":\"#/definitions/Nope\"}}}]",
	                   err, sizeof err),
	          -1);
	CHECK_STR(err, "urn:Foo.req: properties.a: unresolved $ref "
	               "#/definitions/Nope");
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"type\":\"thing\"}]",
	                   err, sizeof err),
	          -1);
	CHECK_STR(err, "urn:Foo.req: type: unknown type");
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"maxLength\":-1}]", err,
	                   sizeof err),
	          -1);
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"format\":\"email\"}]",
	                   err, sizeof err),
	          -1);
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"multipleOf\":0}]", err,
	                   sizeof err),
	          -1);
	CHECK_INT(load_err("[{\"$id\":\"urn:Foo.req\",\"$ref\":\"#\"}]", err,
	                   sizeof err),
	          -1);
	CHECK(strstr(err, "not a usable schema") != NULL);
	/* a NULL error buffer is fine too */
	CHECK_INT(load_err("[1]", NULL, 0), -1);
	CHECK_INT(load_err("[]", err, sizeof err), 0);
}

/* Recursive definitions, ref chains and schema-valued
 * additionalProperties, beyond what OCPP 1.6 itself uses. */
static void test_ref_recursion_and_additional(void)
{
	const char *text =
	    "[{\"$id\":\"urn:Tree.req\",\"$ref\":\"#/definitions/Node\","
	    "\"definitions\":{\"Node\":{\"type\":\"object\","
	    "\"properties\":{\"name\":{\"$ref\":\"#/definitions/Name\"},"
	    "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":"
	    "\"#/definitions/Node\"}}},\"required\":[\"name\"],"
	    "\"additionalProperties\":{\"type\":\"integer\"}},"
	    "\"Name\":{\"$ref\":\"#/definitions/Str\"},"
	    "\"Str\":{\"type\":\"string\",\"maxLength\":3}}},"
	    "{\"$id\":\"urn:Tree.conf\",\"type\":[\"string\",\"null\"]}]";
	ocpp_schemas *set = NULL;
	char err[256] = "";

	CHECK_INT(ocpp_schemas_load(&set, text, err, sizeof err), 0);
	CHECK_STR(err, "");
	CHECK_INT(ocpp_action_known(set, "Tree"), 1);
	CHECK_INT(val_in(set, "Tree", 0, 0,
	                 "{'name':'a','x':1,'kids':[{'name':'b','kids':"
	                 "[{'name':'c'}]}]}"),
	          OCPP_VALID);
	CHECK_INT(val_in(set, "Tree", 0, 0,
	                 "{'name':'a','kids':[{'name':'b','kids':"
	                 "[{'name':'long'}]}]}"),
	          OCPP_ERR_PROPERTY);
	CHECK_STR(msg, "kids[0].kids[0].name: longer than 3 characters");
	CHECK_INT(val_in(set, "Tree", 0, 0,
	                 "{'name':'a','kids':[{'name':'b','y':'z'}]}"),
	          OCPP_ERR_TYPE);
	CHECK_STR(msg, "kids[0].y: expected integer, got string");
	CHECK_INT(val_in(set, "Tree", 0, 0, "{'kids':[]}"),
	          OCPP_ERR_OCCURRENCE);
	CHECK_STR(msg, "name: required property missing");
	ocpp_schemas_free(set);
}

/* Validation allocates nothing and keeps no state between calls. */
static void test_repeatable(void)
{
	const char *ok = "{'connectorId':1,'meterValue':[{'timestamp':"
	                 "'2026-11-25T13:00:00Z','sampledValue':[{'value':"
	                 "'1','unit':'Wh'}]}]}";

	for (int i = 0; i < 2000; i++) {
		CHECK_INT(val("MeterValues", 0, ok), OCPP_VALID);
		CHECK_INT(val("Authorize", 0, "{}"), OCPP_ERR_OCCURRENCE);
	}
	CHECK_STR(msg, "idTag: required property missing");
}

int main(void)
{
	char err[256];

	if (ocpp_schemas_load(&S, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL load: %s\n", err);
		return 1;
	}
	RUN(test_all_schemas_compile);
	RUN(test_lookup);
	RUN(test_error_codes);
	RUN(test_valid_payloads);
	RUN(test_valid_conf_payloads);
	RUN(test_conf_errors);
	RUN(test_missing_required);
	RUN(test_nested_arrays);
	RUN(test_wrong_types);
	RUN(test_integers);
	RUN(test_enums);
	RUN(test_max_length_counts_code_points);
	RUN(test_invalid_utf8);
	RUN(test_date_time);
	RUN(test_unknown_properties);
	RUN(test_payload_not_object);
	RUN(test_ref_schemas);
	RUN(test_min_items);
	RUN(test_min_items_nested_schema);
	RUN(test_multiple_of);
	RUN(test_uri_format);
	RUN(test_message_buffer_limits);
	RUN(test_load_errors);
	RUN(test_ref_recursion_and_additional);
	RUN(test_repeatable);
	ocpp_schemas_free(S);
	CHECK_EXIT();
}
