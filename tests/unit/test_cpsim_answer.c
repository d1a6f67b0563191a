/*
 * test_cpsim_answer.c — how cpsim's charge point answers the central
 * system's calls: the status it returns, the state it commits to and the
 * follow-up it asks for; every CALLRESULT payload is checked against the
 * official .conf schema.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "ocpp_schema.h"

#include "cpsim_answer_all.h"

static ocpp_schemas *schemas;
static struct cpstate st;
static struct answer a;

/* Answer action with payload text; checks a CALLRESULT against the schema. */
static const char *ask(const char *action, const char *payload)
{
	cJSON *p = cJSON_Parse(payload);
	static char msg[512];

	answer_call(&st, action, p, &a);
	cJSON_Delete(p);
	if (a.error)
		return a.error;
	{
		const ocpp_schema *s = ocpp_schema_find(schemas, action, 1);
		cJSON *r = cJSON_Parse(a.payload);

		if (s && (!r || ocpp_validate(s, r, 0, msg, sizeof msg))) {
			cJSON_Delete(r);
			snprintf(msg, sizeof msg, "schema violation: %.400s",
			         a.payload);
			return msg;
		}
		cJSON_Delete(r);
	}
	return a.payload;
}

static void fresh(int connectors)
{
	cpstate_init(&st, connectors, 60, 10, 0);
}

static void test_remote_start_stop(void)
{
	fresh(2);
	CHECK_STR(ask("RemoteStartTransaction", "{\"idTag\":\"T1\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_REMOTE_START);
	CHECK_INT(a.connector, 1);
	CHECK_STR(a.id_tag, "T1");
	CHECK_INT(st.conn[1].tx, TX_STARTING);
	/* Connector 1 is promised: the next start goes to 2, then none. */
	CHECK_STR(ask("RemoteStartTransaction", "{\"idTag\":\"T2\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.connector, 2);
	CHECK_STR(ask("RemoteStartTransaction", "{\"idTag\":\"T3\"}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_INT(a.fu, FU_NONE);
	/* A named connector that is busy or does not exist. */
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"T3\",\"connectorId\":1}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"T3\",\"connectorId\":9}"),
	          "{\"status\":\"Rejected\"}");

	/* Stop: only a running transaction. */
	st.conn[1].tx = TX_RUNNING;
	st.conn[1].tx_id = 42;
	CHECK_STR(ask("RemoteStopTransaction", "{\"transactionId\":43}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_STR(ask("RemoteStopTransaction", "{\"transactionId\":42}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_REMOTE_STOP);
	CHECK_INT(a.connector, 1);
	CHECK_INT(a.tx_id, 42);
}

static void test_malformed_calls(void)
{
	fresh(1);
	CHECK_STR(ask("RemoteStartTransaction", "{}"), "ProtocolError");
	CHECK_STR(ask("RemoteStartTransaction", "{\"idTag\":5}"),
	          "TypeConstraintViolation");
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"123456789012345678901\"}"),
	          "PropertyConstraintViolation");
	CHECK_STR(ask("RemoteStopTransaction", "{\"transactionId\":\"1\"}"),
	          "TypeConstraintViolation");
	CHECK_STR(ask("Reset", "{\"type\":\"Warm\"}"),
	          "PropertyConstraintViolation");
	CHECK_STR(ask("Reset", "[1]"), "FormationViolation");
	CHECK_INT(st.conn[1].tx, TX_NONE);
}

static void test_unknown_and_unsupported(void)
{
	fresh(1);
	CHECK_STR(ask("FooBar", "{}"), "NotImplemented");
	CHECK_STR(ask("ReserveNow", "{}"), "ProtocolError");
	CHECK_STR(ask("UpdateFirmware", "{}"), "NotSupported");
	CHECK_STR(ask("DataTransfer", "{\"vendorId\":\"acme\"}"),
	          "{\"status\":\"UnknownVendorId\"}");
	CHECK_STR(ask("ClearCache", "{}"), "{\"status\":\"Accepted\"}");
}

/* --files: the file transfers are accepted and named as follow-ups. */
static void test_files(void)
{
	fresh(1);
	CHECK_STR(ask("GetLog", "{}"), "NotSupported");
	st.files = 1;
	CHECK_STR(ask("GetLog", "{\"logType\":\"DiagnosticsLog\","
	                        "\"requestId\":7,\"log\":{\"remoteLocation\":"
	                        "\"http://h/files/u/CP/t\"}}"),
	          "{\"status\":\"Accepted\",\"filename\":\"cpsim.log\"}");
	CHECK_INT(a.fu, FU_FILE);
	CHECK_INT(a.request_id, 7);
	CHECK_STR(a.url, "http://h/files/u/CP/t");
	/* FTP is accepted, but nothing is sent (no FTP client here) */
	ask("GetDiagnostics", "{\"location\":\"ftp://h/x\"}");
	CHECK(!a.error);
	CHECK_INT(a.fu, FU_NONE);
	CHECK_STR(
	    ask("SignedUpdateFirmware",
	        "{\"requestId\":3,\"firmware\":{\"location\":\"http://h/f\","
	        "\"retrieveDateTime\":\"2030-01-01T00:00:00Z\","
	        "\"signingCertificate\":\"C\",\"signature\":\"S\"}}"),
	    "{\"status\":\"Accepted\"}");
	CHECK_STR(a.what, "SignedUpdateFirmware");
	CHECK_STR(ask("SignedUpdateFirmware", "{\"requestId\":3}"),
	          "ProtocolError");
	CHECK_STR(ask("UpdateFirmware", "{\"location\":\"http://h/f\"}"),
	          "ProtocolError");
}

static void test_reset_unlock(void)
{
	fresh(2);
	CHECK_STR(ask("Reset", "{\"type\":\"Hard\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_RESET);
	CHECK_STR(a.what, "Hard");
	CHECK_STR(ask("UnlockConnector", "{\"connectorId\":2}"),
	          "{\"status\":\"Unlocked\"}");
	CHECK_INT(a.fu, FU_UNLOCK);
	CHECK_INT(a.connector, 2);
	CHECK_STR(ask("UnlockConnector", "{\"connectorId\":3}"),
	          "{\"status\":\"UnlockFailed\"}");
}

static void test_change_availability(void)
{
	fresh(2);
	CHECK_STR(ask("ChangeAvailability",
	              "{\"connectorId\":1,\"type\":\"Inoperative\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(st.conn[1].status, ST_UNAVAILABLE);
	CHECK_INT(st.conn[1].inoperative, 1);
	CHECK_INT(a.fu, FU_AVAILABILITY);
	/* An unavailable connector takes no remote start. */
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"T\",\"connectorId\":1}"),
	          "{\"status\":\"Rejected\"}");
	/* With a transaction running the change is scheduled. */
	st.conn[2].tx = TX_RUNNING;
	CHECK_STR(ask("ChangeAvailability",
	              "{\"connectorId\":0,\"type\":\"Inoperative\"}"),
	          "{\"status\":\"Scheduled\"}");
	CHECK_INT(st.conn[2].pending_avail, 1);
	CHECK_INT(st.conn[2].status, ST_AVAILABLE);
	CHECK_INT(st.conn[0].status, ST_UNAVAILABLE);
	CHECK_STR(ask("ChangeAvailability",
	              "{\"connectorId\":1,\"type\":\"Operative\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(st.conn[1].status, ST_AVAILABLE);
	CHECK_STR(ask("ChangeAvailability",
	              "{\"connectorId\":7,\"type\":\"Operative\"}"),
	          "{\"status\":\"Rejected\"}");
}

static void test_configuration(void)
{
	cJSON *r;
	const cJSON *k;

	fresh(3);
	CHECK_STR(ask("GetConfiguration",
	              "{\"key\":[\"heartbeatinterval\",\"Nope\","
	              "\"AuthorizationKey\"]}"),
	          "{\"configurationKey\":[{\"key\":\"HeartbeatInterval\","
	          "\"readonly\":false,\"value\":\"60\"}],"
	          "\"unknownKey\":[\"Nope\",\"AuthorizationKey\"]}");
	CHECK(ask("GetConfiguration", "{}") == a.payload);
	r = cJSON_Parse(a.payload);
	k = cJSON_GetObjectItem(r, "configurationKey");
	CHECK(cJSON_GetArraySize(k) >= 20);
	CHECK(!cJSON_GetObjectItem(r, "unknownKey"));
	cJSON_Delete(r);
	CHECK(strstr(a.payload, "{\"key\":\"NumberOfConnectors\","
	                        "\"readonly\":true,\"value\":\"3\"}"));
	CHECK(!strstr(a.payload, "AuthorizationKey"));

	CHECK_STR(ask("ChangeConfiguration",
	              "{\"key\":\"HeartbeatInterval\",\"value\":\"30\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_CONFIG);
	CHECK_INT(cpconfig_get_int(&st.cfg, "HeartbeatInterval", 0), 30);
	CHECK_STR(ask("ChangeConfiguration",
	              "{\"key\":\"HeartbeatInterval\",\"value\":\"soon\"}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_STR(ask("ChangeConfiguration",
	              "{\"key\":\"NumberOfConnectors\",\"value\":\"4\"}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_STR(
	    ask("ChangeConfiguration", "{\"key\":\"Bogus\",\"value\":\"1\"}"),
	    "{\"status\":\"NotSupported\"}");
	CHECK_STR(
	    ask("ChangeConfiguration",
	        "{\"key\":\"AuthorizeRemoteTxRequests\",\"value\":\"TRUE\"}"),
	    "{\"status\":\"Accepted\"}");
	CHECK_STR(cpconfig_get(&st.cfg, "AuthorizeRemoteTxRequests"), "true");
	/* The write-only key can be written but never read. */
	CHECK_STR(ask("ChangeConfiguration",
	              "{\"key\":\"AuthorizationKey\",\"value\":\"s3cret\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK(cpconfig_get(&st.cfg, "AuthorizationKey") == NULL);
	CHECK_STR(cpconfig_get(&st.cfg, "ConnectorPhaseRotation"),
	          "0.RST,1.RST,2.RST,3.RST");
}

static void test_trigger(void)
{
	fresh(2);
	CHECK_STR(ask("TriggerMessage",
	              "{\"requestedMessage\":\"StatusNotification\","
	              "\"connectorId\":2}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_TRIGGER);
	CHECK_STR(a.what, "StatusNotification");
	CHECK_INT(a.connector, 2);
	CHECK_STR(ask("TriggerMessage", "{\"requestedMessage\":\"Heartbeat\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.connector, -1);
	CHECK_STR(
	    ask("TriggerMessage",
	        "{\"requestedMessage\":\"MeterValues\",\"connectorId\":5}"),
	    "{\"status\":\"Rejected\"}");
	CHECK_STR(ask("TriggerMessage", "{\"requestedMessage\":\"Coffee\"}"),
	          "{\"status\":\"NotImplemented\"}");
}

static void test_overrides(void)
{
	fresh(1);
	CHECK_INT(
	    answer_override(&st, "Reset", NULL, "{\"status\":\"Rejected\"}"),
	    0);
	CHECK_STR(ask("Reset", "{\"type\":\"Soft\"}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_INT(a.fu, FU_NONE);
	CHECK_INT(answer_override(&st, "Reset", "InternalError", NULL), 0);
	CHECK_STR(ask("Reset", "{\"type\":\"Soft\"}"), "InternalError");
	CHECK_INT(st.noverrides, 1);
	CHECK_INT(answer_override(&st, "GetLog", "NotSupported", NULL), 0);
	CHECK_STR(ask("GetLog", "{}"), "NotSupported");
}

static void test_status_names(void)
{
	CHECK_STR(cpstate_status_name(ST_SUSPENDED_EVSE), "SuspendedEVSE");
	CHECK_INT(cpstate_status_parse("Faulted"), ST_FAULTED);
	CHECK_INT(cpstate_status_parse("faulted"), -1);
	fresh(40);
	CHECK_INT(st.nconn, CPSTATE_MAX_CONN);
}

int main(void)
{
	char err[256];

	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL schemas: %s\n", err);
		return 1;
	}
	RUN(test_remote_start_stop);
	RUN(test_malformed_calls);
	RUN(test_files);
	RUN(test_unknown_and_unsupported);
	RUN(test_reset_unlock);
	RUN(test_change_availability);
	RUN(test_configuration);
	RUN(test_trigger);
	RUN(test_overrides);
	RUN(test_status_names);
	ocpp_schemas_free(schemas);
	CHECK_EXIT();
}
