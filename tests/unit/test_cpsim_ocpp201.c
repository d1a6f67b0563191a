/*
 * test_cpsim_ocpp201.c — cpsim's OCPP 2.0.1 side: every payload the
 * station sends (messages201.c, NotifyReport) and every answer it gives
 * to the CSMS's calls (answer201*.c) checked against the official 2.0.1
 * schemas (lib/ocpp201-schemas.json), and the model the answers keep.
 *
 * cpsim's sources are compiled in directly, as in test_cpsim_frame.c.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "ocpp_schema.h"

#include "../../tools/cpsim/answer201.c"
#include "../../tools/cpsim/answer201_avail.c"
#include "../../tools/cpsim/answer201_device.c"
#include "../../tools/cpsim/answer201_more.c"
#include "../../tools/cpsim/answer201_trigger.c"
#include "../../tools/cpsim/answer201_tx.c"
#include "../../tools/cpsim/clock.c"
#include "../../tools/cpsim/frame.c"
#include "../../tools/cpsim/load_mix.c"
#include "../../tools/cpsim/load_mix201.c"
#include "../../tools/cpsim/messages.c"
#include "../../tools/cpsim/messages201.c"

static ocpp_schemas *schemas;

static int valid(const char *action, int conf, const char *payload, char *msg,
                 size_t msglen)
{
	const ocpp_schema *s = ocpp_schema_find(schemas, action, conf);
	cJSON *p = cJSON_Parse(payload);
	enum ocpp_verr e;

	if (!s || !p) {
		snprintf(msg, msglen, "%s", !s ? "no schema" : "not JSON");
		cJSON_Delete(p);
		return 0;
	}
	e = ocpp_validate(s, p, 0, msg, msglen);
	cJSON_Delete(p);
	return e == OCPP_VALID;
}

#define CHECK_VALID(action, conf, payload)                                     \
	do {                                                                   \
		char vmsg_[256] = "";                                          \
		if (!valid(action, conf, payload, vmsg_, sizeof vmsg_))        \
			CHECK_FAIL_("%s:%d: %s%s invalid: %s: %.600s",         \
			            __FILE__, __LINE__, action,                \
			            conf ? " response" : "", vmsg_, payload);  \
	} while (0)

static void test_station_messages_valid(void)
{
	struct boot_info b = {"ACME", "Wallbox", "1.2.3", "SN-1"};
	struct boot_info bare = {"cpsim", "cpsim-ac22", NULL, NULL};
	struct tx201_event e = {0};
	const char *ts = "2026-01-02T03:04:05.678Z";
	char p[4096];
	static const char *const types[] = {"Started", "Updated", "Ended"};
	int i;

	CHECK(msg201_boot(p, sizeof p, &b, "PowerUp") > 0);
	CHECK_VALID("BootNotification", 0, p);
	CHECK(msg201_boot(p, sizeof p, &bare, "RemoteReset") > 0);
	CHECK_VALID("BootNotification", 0, p);
	CHECK(msg201_status(p, sizeof p, ts, "Occupied", 2, 1) > 0);
	CHECK_VALID("StatusNotification", 0, p);
	CHECK(msg201_authorize(p, sizeof p, "DEMO-TAG-1") > 0);
	CHECK_VALID("Authorize", 0, p);
	CHECK(msg201_meter(p, sizeof p, 1, ts, 1234, 11000, "Trigger") > 0);
	CHECK_VALID("MeterValues", 0, p);
	for (i = 0; i < 3; i++) {
		e.type = types[i];
		e.ts = ts;
		e.trigger = i == 0 ? "RemoteStart" : "MeterValuePeriodic";
		e.seq_no = i;
		e.tx_id = "CP-1-6578abcd-1";
		e.charging_state = i == 2 ? "Idle" : "Charging";
		e.stopped_reason = i == 2 ? "Remote" : NULL;
		e.remote_start_id = i == 0 ? 7 : -1;
		e.id_token = i == 0 ? "TAG" : NULL;
		e.evse = i == 0 ? 1 : 0;
		e.energy_wh = 100 * i;
		e.power_w = 11000;
		e.context = "Sample.Periodic";
		CHECK(msg201_tx_event(p, sizeof p, &e) > 0);
		CHECK_VALID("TransactionEvent", 0, p);
	}
	e.energy_wh = -1;
	CHECK(msg201_tx_event(p, sizeof p, &e) > 0);
	CHECK(!strstr(p, "meterValue"));
	CHECK_VALID("TransactionEvent", 0, p);
	/* Too small a buffer is -1, never a cut object. */
	CHECK_INT(msg201_tx_event(p, 40, &e), -1);
}

/* Answer action's request text (single quotes) on st; checks the
 * response against its schema.  Returns the answer. */
static struct answer201 ans;
static int ask(struct st201 *st, const char *action, const char *req)
{
	char *t = strdup(req), msg[256] = "";
	cJSON *p;

	for (char *c = t; *c; c++)
		if (*c == '\'')
			*c = '"';
	p = cJSON_Parse(t);
	free(t);
	answer201_call(st, action, p, &ans);
	cJSON_Delete(p);
	if (ans.error)
		return 0;
	if (!valid(action, 1, ans.payload, msg, sizeof msg)) {
		printf("  %s response invalid: %s: %s\n", action, msg,
		       ans.payload);
		return -1;
	}
	return 1;
}

static int has(const char *status)
{
	char want[80];

	snprintf(want, sizeof want, "\"status\":\"%s\"", status);
	return strstr(ans.payload, want) != NULL;
}

static void test_answers_valid_and_model(void)
{
	struct st201 st;
	char p[4096];

	st201_init(&st, 2, "CP-ONE", 60, 10, 0);
	st.now_ms = 1700000000000LL;
	CHECK_INT(ask(&st, "RequestStartTransaction",
	              "{'idToken':{'idToken':'T1','type':'Central'},"
	              "'remoteStartId':42,'evseId':2}"),
	          1);
	CHECK(has("Accepted"));
	CHECK_INT(ans.fu, FU201_START);
	CHECK_INT(ans.evse, 2);
	CHECK_INT(ans.remote_start_id, 42);
	CHECK_INT(st.evse[2].tx, TX_STARTING);
	/* The same EVSE is not promised twice. */
	CHECK_INT(ask(&st, "RequestStartTransaction",
	              "{'idToken':{'idToken':'T1','type':'Central'},"
	              "'remoteStartId':43,'evseId':2}"),
	          1);
	CHECK(has("Rejected"));
	st201_new_tx(&st, &st.evse[2]);
	st.evse[2].tx = TX_RUNNING;
	CHECK(strlen(st.evse[2].tx_id) > 0 && strlen(st.evse[2].tx_id) <= 36);
	snprintf(p, sizeof p, "{'transactionId':'%s'}", st.evse[2].tx_id);
	CHECK_INT(ask(&st, "RequestStopTransaction", p), 1);
	CHECK(has("Accepted"));
	CHECK_INT(ans.fu, FU201_STOP);
	CHECK_INT(ans.evse, 2);
	CHECK_INT(
	    ask(&st, "RequestStopTransaction", "{'transactionId':'nope'}"), 1);
	CHECK(has("Rejected"));
	CHECK_INT(ask(&st, "UnlockConnector", "{'evseId':2,'connectorId':1}"),
	          1);
	CHECK(has("OngoingAuthorizedTransaction"));
	CHECK_INT(ask(&st, "UnlockConnector", "{'evseId':1,'connectorId':1}"),
	          1);
	CHECK(has("Unlocked"));
	CHECK_INT(ask(&st, "UnlockConnector", "{'evseId':9,'connectorId':1}"),
	          1);
	CHECK(has("UnknownConnector"));
	CHECK_INT(ask(&st, "ChangeAvailability",
	              "{'operationalStatus':'Inoperative','evse':{'id':1}}"),
	          1);
	CHECK(has("Accepted"));
	CHECK_INT(st.evse[1].inoperative, 1);
	CHECK_INT(ask(&st, "ChangeAvailability",
	              "{'operationalStatus':'Inoperative'}"),
	          1);
	CHECK(has("Scheduled"));
	CHECK_INT(st.evse[2].pending_avail, 1);
	CHECK_INT(ask(&st, "Reset", "{'type':'OnIdle'}"), 1);
	CHECK(has("Scheduled"));
	CHECK_INT(ask(&st, "Reset", "{'type':'Immediate'}"), 1);
	CHECK(has("Accepted"));
	CHECK_INT(ask(&st, "TriggerMessage",
	              "{'requestedMessage':'StatusNotification',"
	              "'evse':{'id':1,'connectorId':1}}"),
	          1);
	CHECK(has("Accepted"));
	CHECK_INT(ans.evse, 1);
	CHECK_INT(ask(&st, "TriggerMessage",
	              "{'requestedMessage':'LogStatusNotification'}"),
	          1);
	CHECK(has("NotImplemented"));
	CHECK_INT(ask(&st, "ClearCache", "{}"), 1);
	CHECK_INT(ask(&st, "DataTransfer", "{'vendorId':'other'}"), 1);
	CHECK(has("UnknownVendorId"));
	CHECK_INT(
	    ask(&st, "DataTransfer", "{'vendorId':'cpsim','data':{'a':1}}"), 1);
	CHECK(has("Accepted"));
	CHECK(strstr(ans.payload, "\"data\":{\"a\":1}"));
	CHECK_INT(ask(&st, "ReserveNow", "{}"), 0);
	CHECK_STR(ans.error, "NotImplemented");
}

/* The monitoring, display, network profile, transaction status and cost
 * answers: each valid against its .conf schema. */
static void test_more_answers_valid(void)
{
	struct st201 st;

	st201_init(&st, 1, "CP-THREE", 60, 10, 0);
	CHECK_INT(ask(&st, "SetVariableMonitoring",
	              "{'setMonitoringData':[{'value':1,'type':'Delta',"
	              "'severity':5,'component':{'name':'EVSE'},"
	              "'variable':{'name':'Power'}}]}"),
	          1);
	CHECK(strstr(ans.payload, "UnsupportedMonitorType"));
	CHECK_INT(ask(&st, "ClearVariableMonitoring", "{'id':[1,2]}"), 1);
	CHECK(strstr(ans.payload, "NotFound"));
	CHECK_INT(ask(&st, "SetMonitoringBase", "{'monitoringBase':'All'}"), 1);
	CHECK_INT(ask(&st, "SetMonitoringLevel", "{'severity':12}"), 1);
	CHECK(has("Rejected"));
	CHECK_INT(ask(&st, "GetMonitoringReport", "{'requestId':1}"), 1);
	CHECK(has("EmptyResultSet"));
	CHECK_INT(ask(&st, "SetDisplayMessage",
	              "{'message':{'id':1,'priority':'InFront','message':"
	              "{'format':'ASCII','content':'hi'}}}"),
	          1);
	CHECK_INT(ask(&st, "GetDisplayMessages", "{'requestId':2}"), 1);
	CHECK(has("Unknown"));
	CHECK_INT(ask(&st, "ClearDisplayMessage", "{'id':1}"), 1);
	CHECK_INT(ask(&st, "SetNetworkProfile",
	              "{'configurationSlot':1,'connectionData':{"
	              "'ocppVersion':'OCPP20','ocppTransport':'JSON',"
	              "'ocppCsmsUrl':'ws://h/','messageTimeout':30,"
	              "'securityProfile':1,'ocppInterface':'Wired0'}}"),
	          1);
	CHECK(has("Accepted"));
	CHECK_INT(ask(&st, "GetTransactionStatus", "{'transactionId':'x'}"), 1);
	CHECK(strstr(ans.payload, "\"ongoingIndicator\":false"));
	CHECK_INT(ask(&st, "GetTransactionStatus", "{}"), 1);
	CHECK_INT(
	    ask(&st, "CostUpdated", "{'totalCost':1.5,'transactionId':'x'}"),
	    1);
}

static void test_device_model(void)
{
	struct st201 st;
	char p[4096];

	st201_init(&st, 1, "CP-TWO", 60, 10, 0);
	CHECK_INT(ask(&st, "GetVariables",
	              "{'getVariableData':["
	              "{'component':{'name':'OCPPCommCtrlr'},"
	              "'variable':{'name':'HeartbeatInterval'}},"
	              "{'component':{'name':'OCPPCommCtrlr'},"
	              "'variable':{'name':'Nope'}},"
	              "{'component':{'name':'Nope'},"
	              "'variable':{'name':'X'}},"
	              "{'component':{'name':'SecurityCtrlr'},"
	              "'variable':{'name':'Identity'},"
	              "'attributeType':'Target'}]}"),
	          1);
	CHECK(strstr(ans.payload, "\"attributeValue\":\"60\""));
	CHECK(strstr(ans.payload, "UnknownVariable"));
	CHECK(strstr(ans.payload, "UnknownComponent"));
	CHECK(strstr(ans.payload, "NotSupportedAttributeType"));
	CHECK_INT(ask(&st, "SetVariables",
	              "{'setVariableData':["
	              "{'component':{'name':'OCPPCommCtrlr'},"
	              "'variable':{'name':'HeartbeatInterval'},"
	              "'attributeValue':'30'},"
	              "{'component':{'name':'SampledDataCtrlr'},"
	              "'variable':{'name':'TxUpdatedInterval'},"
	              "'attributeValue':'soon'},"
	              "{'component':{'name':'SecurityCtrlr'},"
	              "'variable':{'name':'Identity'},"
	              "'attributeValue':'x'}]}"),
	          1);
	CHECK_INT(ans.fu, FU201_VARS);
	CHECK_INT(st201_heartbeat_s(&st), 30);
	CHECK_INT(st201_sample_s(&st), 10);
	CHECK(strstr(ans.payload, "\"attributeStatus\":\"Rejected\""));
	CHECK_INT(ask(&st, "GetBaseReport",
	              "{'requestId':5,'reportBase':'FullInventory'}"),
	          1);
	CHECK(has("Accepted"));
	CHECK_INT(ans.fu, FU201_REPORT);
	CHECK(answer201_notify_report(&st, 5, "FullInventory",
	                              "2026-01-02T03:04:05.678Z", p,
	                              sizeof p) > 0);
	CHECK_VALID("NotifyReport", 0, p);
	CHECK(strstr(p, "\"value\":\"30\""));
	CHECK(strstr(p, "Identity"));
	CHECK(answer201_notify_report(&st, 6, "ConfigurationInventory",
	                              "2026-01-02T03:04:05.678Z", p,
	                              sizeof p) > 0);
	CHECK_VALID("NotifyReport", 0, p);
	CHECK(!strstr(p, "Identity"));
}

/* Load mode's 2.0.1 frames: every message of the cycle, in and out of a
 * transaction, valid; the station's transactionId and seqNo in them. */
static void test_load_frames_valid(void)
{
	struct lcp_view v = {1234566, 4, 5000, 0};
	char buf[4096], payload[4096], action[64], ts[32];
	struct frame f;
	int m, len, tx;

	clock_iso8601(clock_wall_ms(), ts);
	for (tx = 0; tx < 2; tx++) {
		v.tx_id = tx ? 4 : -1;
		for (m = 0; m < LM_COUNT; m++) {
			if (m == LM_STATUS_CONNECTOR)
				continue; /* storm is 1.6 only */
			len = load_mix_build201(buf, sizeof buf, (enum lmsg)m,
			                        4294967295u, &v, ts, 0x6578abcd,
			                        3);
			if (!tx && (m == LM_START || m == LM_STOP)) {
				CHECK_INT(len, -1); /* no transaction */
				continue;
			}
			CHECK(len > 0);
			CHECK_INT(frame_scan(buf, (size_t)len, &f), 0);
			snprintf(action, sizeof action, "%.*s",
			         (int)f.action_len, f.action);
			CHECK_STR(action, load_mix_action201((enum lmsg)m, tx));
			snprintf(payload, sizeof payload, "%.*s",
			         (int)f.payload_len, f.payload);
			CHECK_VALID(action, 0, payload);
		}
	}
	load_mix_build201(buf, sizeof buf, LM_STOP, 1, &v, ts, 0x6578abcd, 3);
	CHECK(strstr(buf, "\"transactionId\":\"1234567-6578abcd-4\""));
	CHECK(strstr(buf, "\"seqNo\":3,"));
	CHECK(strstr(buf, "\"eventType\":\"Ended\""));
	load_mix_build201(buf, sizeof buf, LM_METER, 1, &v, ts, 0x6578abcd, 3);
	CHECK(strstr(buf, "\"TransactionEvent\""));
	CHECK(strstr(buf, "\"eventType\":\"Updated\""));
}

int main(void)
{
	char err[256];

	if (ocpp_schemas_load(&schemas, ocpp201_schemas_json, err,
	                      sizeof err)) {
		printf("FAIL schemas: %s\n", err);
		return 1;
	}
	RUN(test_station_messages_valid);
	RUN(test_answers_valid_and_model);
	RUN(test_more_answers_valid);
	RUN(test_device_model);
	RUN(test_load_frames_valid);
	ocpp_schemas_free(schemas);
	CHECK_EXIT();
}
