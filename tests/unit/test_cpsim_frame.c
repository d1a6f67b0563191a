/*
 * test_cpsim_frame.c — cpsim's OCPP-J frame scanner and builders, and every
 * message cpsim sends (session payloads and load-mode frames) checked
 * against the official OCPP 1.6 schemas with lib/ocpp_schema.
 *
 * cpsim's sources are compiled in directly: the test binaries link lib/
 * only, and these parts of cpsim are pure functions.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "ocpp_schema.h"

#include "../../tools/cpsim/clock.c"
#include "../../tools/cpsim/frame.c"
#include "../../tools/cpsim/load_mix.c"
#include "../../tools/cpsim/messages.c"

static ocpp_schemas *schemas;

/* 1 if payload (text) is valid for action's .req (or .conf) schema. */
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

#define CHECK_VALID(action, payload)                                           \
	do {                                                                   \
		char vmsg_[256] = "";                                          \
		if (!valid(action, 0, payload, vmsg_, sizeof vmsg_))           \
			CHECK_FAIL_("%s:%d: %s invalid: %s: %.600s", __FILE__, \
			            __LINE__, action, vmsg_, payload);         \
	} while (0)

static void test_scan_call(void)
{
	const char *t =
	    " [ 2 , \"a\\\"b\" , \"Heartbeat\" , {\"x\":[1,{\"y\":\"]\"}]} ] ";
	struct frame f;

	CHECK_INT(frame_scan(t, strlen(t), &f), 0);
	CHECK_INT(f.type, FRAME_CALL);
	CHECK_INT(f.id_len, 4);
	CHECK(!memcmp(f.id, "a\\\"b", 4));
	CHECK_INT(f.action_len, 9);
	CHECK(!memcmp(f.action, "Heartbeat", 9));
	CHECK_INT(f.payload_len, strlen("{\"x\":[1,{\"y\":\"]\"}]}"));
}

static void test_scan_result_and_error(void)
{
	const char *r = "[3,\"17\",{\"transactionId\":42,\"idTagInfo\":{"
	                "\"status\":\"Accepted\"}}]";
	const char *e = "[4,\"9\",\"FormationViolation\",\"bad \\\"x\\\"\",{}]";
	const char *e2 = "[4,\"9\",\"NotImplemented\"]";
	struct frame f;
	long long tx;

	CHECK_INT(frame_scan(r, strlen(r), &f), 0);
	CHECK_INT(f.type, FRAME_RESULT);
	CHECK_INT(frame_obj_int(f.payload, f.payload_len, "transactionId", &tx),
	          0);
	CHECK_INT(tx, 42);
	CHECK_INT(frame_scan(e, strlen(e), &f), 0);
	CHECK_INT(f.type, FRAME_ERROR);
	CHECK(f.err_code_len == 18 &&
	      !memcmp(f.err_code, "FormationViolation", 18));
	CHECK_INT(f.err_desc_len, 9);
	CHECK_INT(f.payload_len, 2);
	/* A sloppy CALLERROR without description still yields its code. */
	CHECK_INT(frame_scan(e2, strlen(e2), &f), 0);
	CHECK(f.err_code_len == 14);
}

static void test_scan_rejects_garbage(void)
{
	static const char *const bad[] = {
	    "",
	    "not json",
	    "{}",
	    "[]",
	    "[\"2\",\"1\",\"A\",{}]",
	    "[2,1,\"A\",{}]",
	    "[2,\"1\",\"A\",{]",
	    "[2,\"1\",\"A\"",
	    "[3,\"1\",{\"a\":\"unterminated}]",
	    "[3,\"1\"]",
	    "[2,\"1\",\"A\",{}",
	    "[2,\"1\",\"A\",{}] x",
	};
	struct frame f;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (frame_scan(bad[i], strlen(bad[i]), &f) == 0 &&
		    f.type >= 2 && f.type <= 4)
			CHECK_FAIL_("accepted garbage: %s", bad[i]);
	/* Not NUL-terminated: the scanner stays inside len. */
	CHECK(frame_scan("[3,\"1\",{}]xxxx", 7, &f) < 0);
	/* Unknown message types are not errors (OCPP-J: ignore them). */
	CHECK_INT(frame_scan("[7,\"1\",{}]", 10, &f), 0);
	CHECK_INT(f.type, 7);
}

static void test_obj_get(void)
{
	const char *o = "{ \"a\" : {\"status\":\"x\"} , \"status\" : "
	                "\"Accepted\", \"n\":-5 }";
	const char *v;
	size_t n;
	long long i;

	CHECK_INT(frame_obj_get(o, strlen(o), "status", &v, &n), 0);
	CHECK(n == 8 && !memcmp(v, "Accepted", 8));
	CHECK_INT(frame_obj_int(o, strlen(o), "n", &i), 0);
	CHECK_INT(i, -5);
	CHECK(frame_obj_get(o, strlen(o), "missing", &v, &n) < 0);
	CHECK(frame_obj_int(o, strlen(o), "status", &i) < 0);
	CHECK(frame_obj_get("{}", 2, "a", &v, &n) < 0);
}

static void test_builders(void)
{
	char buf[256], small[8];
	struct frame f;

	CHECK_INT(frame_call(buf, sizeof buf, "1", "Heartbeat", "{}"), 22);
	CHECK_STR(buf, "[2,\"1\",\"Heartbeat\",{}]");
	CHECK(frame_result(buf, sizeof buf, "ab", 2, NULL) > 0);
	CHECK_STR(buf, "[3,\"ab\",{}]");
	CHECK(frame_error(buf, sizeof buf, "ab", 2, "NotImplemented",
	                  "say \"hi\"\n") > 0);
	CHECK_STR(buf,
	          "[4,\"ab\",\"NotImplemented\",\"say \\\"hi\\\"\\n\",{}]");
	CHECK_INT(frame_scan(buf, strlen(buf), &f), 0);
	CHECK_INT(frame_call(small, sizeof small, "1", "Heartbeat", "{}"), -1);
	CHECK_INT(frame_json_escape("a\x01", 2, buf, sizeof buf), 7);
	CHECK_STR(buf, "a\\u0001");
}

static void test_session_messages_valid(void)
{
	struct boot_info b = {"Vendor \"Q\"", "Model", "1.2.3", "SN-1"};
	char p[2048], ts[32];

	clock_iso8601(1764075600123LL, ts);
	CHECK_STR(ts, "2025-11-25T13:00:00.123Z");
	CHECK(msg_boot(p, sizeof p, &b) > 0);
	CHECK_VALID("BootNotification", p);
	b.firmware = NULL;
	b.serial = NULL;
	CHECK(msg_boot(p, sizeof p, &b) > 0);
	CHECK_VALID("BootNotification", p);
	CHECK(msg_heartbeat(p, sizeof p) > 0);
	CHECK_VALID("Heartbeat", p);
	CHECK(msg_authorize(p, sizeof p, "TAG-20-CHARACTERS-OK") > 0);
	CHECK_VALID("Authorize", p);
	CHECK(msg_status(p, sizeof p, 0, "Available", NULL, NULL, ts) > 0);
	CHECK_VALID("StatusNotification", p);
	CHECK(msg_status(p, sizeof p, 2, "Faulted", "GroundFailure", "RCD",
	                 ts) > 0);
	CHECK_VALID("StatusNotification", p);
	CHECK(msg_start(p, sizeof p, 1, "TAG1", 1000, ts) > 0);
	CHECK_VALID("StartTransaction", p);
	CHECK(msg_stop(p, sizeof p, 42, "TAG1", 4058, ts, "Local") > 0);
	CHECK_VALID("StopTransaction", p);
	CHECK(strstr(p, "\"meterStop\":4058"));
	CHECK(msg_stop(p, sizeof p, 42, NULL, 4058, ts, "Remote") > 0);
	CHECK_VALID("StopTransaction", p);
	CHECK(!strstr(p, "idTag"));
	CHECK(msg_meter(p, sizeof p, 1, 42, ts, 3058, 11000,
	                "Sample.Periodic") > 0);
	CHECK_VALID("MeterValues", p);
	/* Values are strings; Energy in Wh and Power in W. */
	CHECK(strstr(p, "\"value\":\"3058\""));
	CHECK(strstr(p, "\"unit\":\"Wh\""));
	CHECK(strstr(p, "\"measurand\":\"Power.Active.Import\""));
	CHECK(msg_meter(p, sizeof p, 1, -1, ts, 0, 0, "Trigger") > 0);
	CHECK_VALID("MeterValues", p);
	CHECK(!strstr(p, "transactionId"));
	CHECK(msg_diag_status(p, sizeof p, "Idle") > 0);
	CHECK_VALID("DiagnosticsStatusNotification", p);
	CHECK(msg_fw_status(p, sizeof p, "Idle") > 0);
	CHECK_VALID("FirmwareStatusNotification", p);
}

static void test_load_frames_valid(void)
{
	struct lcp_view v = {1234566, 77, 5000, 2};
	char buf[4096], payload[4096], action[64], ts[32];
	struct frame f;
	int m, len;

	clock_iso8601(clock_wall_ms(), ts);
	for (m = 0; m < LM_COUNT; m++) {
		len = load_mix_build(buf, sizeof buf, (enum lmsg)m, 4294967295u,
		                     &v, ts);
		CHECK(len > 0);
		CHECK_INT(len, strlen(buf));
		CHECK_INT(frame_scan(buf, (size_t)len, &f), 0);
		CHECK_INT(f.type, FRAME_CALL);
		CHECK(f.id_len == 10 && !memcmp(f.id, "4294967295", 10));
		snprintf(action, sizeof action, "%.*s", (int)f.action_len,
		         f.action);
		CHECK_STR(action, load_mix_action((enum lmsg)m));
		snprintf(payload, sizeof payload, "%.*s", (int)f.payload_len,
		         f.payload);
		CHECK_VALID(action, payload);
	}
	/* The Stop names the charge point's own transaction and tag. */
	load_mix_build(buf, sizeof buf, LM_STOP, 1, &v, ts);
	CHECK(strstr(buf, "\"transactionId\":77"));
	CHECK(strstr(buf, "\"idTag\":\"LT1234567\""));
	CHECK_INT(load_mix_build(buf, 40, LM_METER, 1, &v, ts), -1);
	/* A reconnect wave's status names the connector being reported. */
	load_mix_build(buf, sizeof buf, LM_STATUS_CONNECTOR, 1, &v, ts);
	CHECK(strstr(buf, "\"connectorId\":2,"));
	CHECK(strstr(buf, "\"status\":\"Available\""));
}

static void test_mix_cycle(void)
{
	int count[LM_COUNT] = {0};
	unsigned i;

	for (i = 0; i < LOAD_MIX_CYCLE; i++)
		count[load_mix_at(MIX_REALISTIC, i)]++;
	CHECK_INT(count[LM_METER], 10);
	CHECK_INT(count[LM_HEARTBEAT], 3);
	CHECK_INT(count[LM_START], 1);
	CHECK_INT(count[LM_STOP], 1);
	CHECK_INT(count[LM_AUTHORIZE], 1);
	CHECK_INT(count[LM_STATUS_PREPARING] + count[LM_STATUS_CHARGING] +
	              count[LM_STATUS_FINISHING] + count[LM_STATUS_AVAILABLE],
	          4);
	CHECK_INT(count[LM_BOOT], 0);
	/* Start precedes Stop within the cycle. */
	for (i = 0; load_mix_at(MIX_REALISTIC, i) != LM_START; i++)
		;
	CHECK(load_mix_at(MIX_REALISTIC, i + 12) == LM_STOP);
	CHECK(load_mix_at(MIX_HEARTBEAT, 5) == LM_HEARTBEAT);
	CHECK(load_mix_at(MIX_METER, 5) == LM_METER);
	CHECK(load_mix_start(21) == 1);
}

int main(void)
{
	char err[256];

	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL schemas: %s\n", err);
		return 1;
	}
	RUN(test_scan_call);
	RUN(test_scan_result_and_error);
	RUN(test_scan_rejects_garbage);
	RUN(test_obj_get);
	RUN(test_builders);
	RUN(test_session_messages_valid);
	RUN(test_load_frames_valid);
	RUN(test_mix_cycle);
	ocpp_schemas_free(schemas);
	CHECK_EXIT();
}
