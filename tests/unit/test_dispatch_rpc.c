/*
 * test_dispatch_rpc.c — ocppd's pure protocol layer: the OCPP-J envelope
 * (ocppd/rpc.c), the CALLERROR mapping of schema violations, the
 * handshake checks (ocppd/handshake.c) and the id map (ocppd/strmap.c).
 *
 * The ocppd sources are included directly: they are not part of lib/ and
 * have no dependency beyond it.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "../../ocppd/handshake.c"
#include "../../ocppd/rpc.c"
#include "../../ocppd/strmap.c"

static ocpp_schemas *schemas;

static enum rpc_kind parse(const char *text, struct rpc_msg *m)
{
	return rpc_parse(text, strlen(text), m);
}

static void test_error_codes_are_the_1_6_spellings(void)
{
	CHECK_STR(rpc_error_code(RPC_NOT_IMPLEMENTED), "NotImplemented");
	CHECK_STR(rpc_error_code(RPC_NOT_SUPPORTED), "NotSupported");
	CHECK_STR(rpc_error_code(RPC_INTERNAL_ERROR), "InternalError");
	CHECK_STR(rpc_error_code(RPC_PROTOCOL_ERROR), "ProtocolError");
	CHECK_STR(rpc_error_code(RPC_SECURITY_ERROR), "SecurityError");
	CHECK_STR(rpc_error_code(RPC_FORMATION_VIOLATION),
	          "FormationViolation");
	CHECK_STR(rpc_error_code(RPC_PROPERTY_CONSTRAINT_VIOLATION),
	          "PropertyConstraintViolation");
	CHECK_STR(rpc_error_code(RPC_OCCURENCE_CONSTRAINT_VIOLATION),
	          "OccurenceConstraintViolation");
	CHECK_STR(rpc_error_code(RPC_TYPE_CONSTRAINT_VIOLATION),
	          "TypeConstraintViolation");
	CHECK_STR(rpc_error_code(RPC_GENERIC_ERROR), "GenericError");
	CHECK_STR(rpc_error_code((enum rpc_error)99), "GenericError");
}

static void test_handler_and_validation_mapping(void)
{
	CHECK_INT(rpc_error_for_handler(H_OK), RPC_OK);
	CHECK_INT(rpc_error_for_handler(H_DB_ERROR), RPC_INTERNAL_ERROR);
	CHECK_INT(rpc_error_for_handler(H_INTERNAL), RPC_INTERNAL_ERROR);
	CHECK_INT(rpc_error_for_handler(H_BAD_VALUE),
	          RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_INT(rpc_error_for_validation(OCPP_ERR_TYPE),
	          RPC_TYPE_CONSTRAINT_VIOLATION);
	CHECK_INT(rpc_error_for_validation(OCPP_ERR_OCCURRENCE),
	          RPC_OCCURENCE_CONSTRAINT_VIOLATION);
	CHECK_INT(rpc_error_for_validation(OCPP_ERR_PROPERTY),
	          RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_INT(rpc_error_for_validation(OCPP_ERR_FORMATION),
	          RPC_FORMATION_VIOLATION);
}

static void test_parse_call(void)
{
	struct rpc_msg m;
	CHECK_INT(parse(" [2, \"abc\", \"Heartbeat\", {}] ", &m), RPC_CALL);
	CHECK_STR(m.id, "abc");
	CHECK_STR(m.action, "Heartbeat");
	CHECK(cJSON_IsObject(m.payload));
	rpc_msg_free(&m);
}

static void test_parse_not_json_recovers_the_id(void)
{
	struct rpc_msg m;
	CHECK_INT(parse("[2,\"id-7\",\"Heartbeat\",{", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK(m.has_id);
	CHECK_STR(m.id, "id-7");
	rpc_msg_free(&m);
	/* A reply that is not JSON is never answered. */
	CHECK_INT(parse("[3,\"id-7\",{", &m), RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	CHECK_INT(parse("hello", &m), RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	/* An escape ends recovery rather than guessing. */
	CHECK_INT(parse("[2,\"a\\\"b\",", &m), RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	CHECK_INT(parse("", &m), RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
}

static void test_parse_wrong_shapes(void)
{
	struct rpc_msg m;
	CHECK_INT(parse("{\"a\":1}", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	CHECK_INT(parse("[]", &m), RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	CHECK_INT(parse("[\"2\",\"x\",\"Heartbeat\",{}]", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "x");
	rpc_msg_free(&m);
	CHECK_INT(parse("[2,\"x\",\"Heartbeat\"]", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "x");
	rpc_msg_free(&m);
	CHECK_INT(parse("[2,\"x\",\"Heartbeat\",{},1]", &m), RPC_REJECT);
	rpc_msg_free(&m);
	CHECK_INT(parse("[2,\"x\",17,{}]", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	rpc_msg_free(&m);
}

static void test_parse_unreadable_id_is_protocol_error(void)
{
	struct rpc_msg m;
	CHECK_INT(parse("[2,42,\"Heartbeat\",{}]", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_PROTOCOL_ERROR);
	CHECK(m.has_id);
	CHECK_STR(m.id, "42");
	rpc_msg_free(&m);
	CHECK_INT(parse("[2,null,\"Heartbeat\",{}]", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_PROTOCOL_ERROR);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	CHECK_INT(parse("[2]", &m), RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	CHECK_INT(parse("[2,\"0123456789012345678901234567890123456\","
	                "\"Heartbeat\",{}]",
	                &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK(m.has_id);
	rpc_msg_free(&m);
}

static void test_parse_replies_and_unknown_types(void)
{
	struct rpc_msg m;
	CHECK_INT(parse("[3,\"r1\",{\"status\":\"Accepted\"}]", &m),
	          RPC_CALLRESULT);
	CHECK_STR(m.id, "r1");
	rpc_msg_free(&m);
	CHECK_INT(parse("[4,\"r2\",\"NotSupported\",\"no\",{}]", &m),
	          RPC_CALLERROR);
	CHECK_STR(m.err_code, "NotSupported");
	rpc_msg_free(&m);
	CHECK_INT(parse("[3,\"r1\"]", &m), RPC_IGNORE);
	rpc_msg_free(&m);
	CHECK_INT(parse("[4,\"r2\",1,2,{}]", &m), RPC_IGNORE);
	rpc_msg_free(&m);
	CHECK_INT(parse("[5,\"x\",{}]", &m), RPC_IGNORE);
	rpc_msg_free(&m);
	CHECK_INT(parse("[2.5,\"x\",\"Heartbeat\",{}]", &m), RPC_IGNORE);
	rpc_msg_free(&m);
}

static void test_parse_deep_nesting_does_not_crash(void)
{
	char buf[20001];
	memset(buf, '[', 20000);
	buf[20000] = '\0';
	struct rpc_msg m;
	CHECK_INT(parse(buf, &m), RPC_REJECT);
	rpc_msg_free(&m);
}

/* Length-counted: these frames hold NUL bytes and "\u0000" escapes. */
static enum rpc_kind parse_n(const char *text, size_t len, struct rpc_msg *m)
{
	return rpc_parse(text, len, m);
}
#define PARSE_LIT(lit, m) parse_n(lit, sizeof lit - 1, m)

static void test_parse_nul_in_payload_is_refused(void)
{
	struct rpc_msg m;
	CHECK_INT(PARSE_LIT("[2,\"n1\",\"Authorize\","
	                    "{\"idTag\":\"DEMO-TAG-1\\u0000XYZ\"}]",
	                    &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_STR(m.id, "n1");
	CHECK_STR(m.why, "idTag: contains U+0000 (NUL)");
	rpc_msg_free(&m);
	/* Deep inside, after other strings; the path names it. */
	CHECK_INT(PARSE_LIT("[2,\"n2\",\"MeterValues\",{\"connectorId\":1,"
	                    "\"meterValue\":[{\"timestamp\":\"t\","
	                    "\"sampledValue\":[{\"value\":\"1\"},"
	                    "{\"value\":\"2\\u0000\"}]}]}]",
	                    &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_STR(m.why, "meterValue[0].sampledValue[1].value: contains "
	                 "U+0000 (NUL)");
	rpc_msg_free(&m);
	/* An escaped backslash before u0000 is no NUL. */
	CHECK_INT(PARSE_LIT("[2,\"n3\",\"DataTransfer\","
	                    "{\"vendorId\":\"a\\\\u0000\"}]",
	                    &m),
	          RPC_CALL);
	rpc_msg_free(&m);
	/* In a member name, the action or the id. */
	CHECK_INT(PARSE_LIT("[2,\"n4\",\"Authorize\","
	                    "{\"idTag\\u0000x\":\"A\"}]",
	                    &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "n4");
	rpc_msg_free(&m);
	CHECK_INT(PARSE_LIT("[2,\"n5\",\"Heartbeat\\u0000x\",{}]", &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "n5");
	rpc_msg_free(&m);
	CHECK_INT(PARSE_LIT("[2,\"n6\\u0000x\",\"Heartbeat\",{}]", &m),
	          RPC_REJECT);
	CHECK(!m.has_id);
	rpc_msg_free(&m);
	/* A raw NUL byte (or other control) in a string is not JSON. */
	CHECK_INT(
	    PARSE_LIT("[2,\"n7\",\"Authorize\",{\"idTag\":\"A\0B\"}]", &m),
	    RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "n7");
	rpc_msg_free(&m);
	CHECK_INT(
	    PARSE_LIT("[2,\"n8\",\"Authorize\",{\"idTag\":\"A\nB\"}]", &m),
	    RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	rpc_msg_free(&m);
	/* cJSON takes any byte up to 0x20 as whitespace; JSON does not. */
	CHECK_INT(PARSE_LIT("[2,\x01\"n9\",\"Heartbeat\",{}]", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	rpc_msg_free(&m);
	/* A reply with a NUL is never taken. */
	CHECK_INT(PARSE_LIT("[3,\"r\",{\"status\":\"Accepted\\u0000\"}]", &m),
	          RPC_IGNORE);
	rpc_msg_free(&m);
}

static void test_parse_duplicate_names_are_formation_violation(void)
{
	struct rpc_msg m;
	CHECK_INT(parse("[2,\"d1\",\"Authorize\",{\"idTag\":\"DEMO-TAG-1\","
	                "\"idTag\":\"OTHER\"}]",
	                &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "d1");
	CHECK_STR(m.why, "\"idTag\" appears twice in the payload");
	rpc_msg_free(&m);
	/* Equal after unescaping is equal. */
	CHECK_INT(parse("[2,\"d2\",\"Authorize\",{\"idTag\":\"A\","
	                "\"id\\u0054ag\":\"B\"}]",
	                &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	rpc_msg_free(&m);
	/* Nested, and in an object with many members (the sorted path). */
	CHECK_INT(parse("[2,\"d3\",\"MeterValues\",{\"connectorId\":1,"
	                "\"meterValue\":[{\"timestamp\":\"t\",\"timestamp\":"
	                "\"u\",\"sampledValue\":[]}]}]",
	                &m),
	          RPC_REJECT);
	CHECK_STR(m.why, "\"timestamp\" appears twice in the payload at "
	                 "meterValue[0]");
	rpc_msg_free(&m);
	char big[2048];
	size_t n =
	    (size_t)snprintf(big, sizeof big, "[2,\"d4\",\"DataTransfer\",{");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(big + n, sizeof big - n, "\"k%d\":1,",
		                      i % 39);
	snprintf(big + n - 1, sizeof big - n + 1, "}]");
	CHECK_INT(parse(big, &m), RPC_REJECT);
	CHECK_STR(m.why, "\"k0\" appears twice in the payload");
	rpc_msg_free(&m);
	/* Case differs: two names. */
	CHECK_INT(parse("[2,\"d5\",\"DataTransfer\",{\"vendorId\":\"A\","
	                "\"VendorId\":\"B\"}]",
	                &m),
	          RPC_CALL);
	rpc_msg_free(&m);
}

static void test_parse_trailing_data_is_formation_violation(void)
{
	struct rpc_msg m;
	CHECK_INT(parse("[2,\"t1\",\"Heartbeat\",{}]x", &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK_STR(m.id, "t1");
	CHECK_STR(m.why, "data after the JSON text");
	rpc_msg_free(&m);
	CHECK_INT(parse("[2,\"t2\",\"Heartbeat\",{}][3,\"x\",{}]", &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	rpc_msg_free(&m);
	/* cJSON stops at a NUL byte; the frame does not. */
	CHECK_INT(PARSE_LIT("[2,\"t3\",\"Heartbeat\",{}]\0junk", &m),
	          RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	rpc_msg_free(&m);
	/* Whitespace around the array is fine. */
	CHECK_INT(parse("\r\n [2,\"t4\",\"Heartbeat\",{}] \t\r\n", &m),
	          RPC_CALL);
	rpc_msg_free(&m);
}

static void test_parse_long_id_echoed_cut(void)
{
	char buf[70000];
	size_t n = (size_t)snprintf(buf, sizeof buf, "[2,\"");
	memset(buf + n, 'x', 60000);
	n += 60000;
	snprintf(buf + n, sizeof buf - n, "\",\"Heartbeat\",{}]");
	struct rpc_msg m;
	CHECK_INT(parse(buf, &m), RPC_REJECT);
	CHECK_INT(m.error, RPC_FORMATION_VIOLATION);
	CHECK(m.has_id);
	CHECK_INT(strlen(m.id), RPC_ID_MAX);
	rpc_msg_free(&m);
	/* Cut at a UTF-8 boundary: 35 x then a 2-byte character. */
	CHECK_INT(parse("[2,\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xc3\xa4yy\","
	                "\"Heartbeat\",{}]",
	                &m),
	          RPC_REJECT);
	CHECK_INT(strlen(m.id), 35);
	rpc_msg_free(&m);
	/* Also where the type is wrong and the id is echoed anyway. */
	n = (size_t)snprintf(buf, sizeof buf, "[\"2\",\"");
	memset(buf + n, 'x', 60000);
	n += 60000;
	snprintf(buf + n, sizeof buf - n, "\",\"Heartbeat\",{}]");
	CHECK_INT(parse(buf, &m), RPC_REJECT);
	CHECK(m.has_id);
	CHECK_INT(strlen(m.id), RPC_ID_MAX);
	rpc_msg_free(&m);
}

static void test_frames(void)
{
	size_t len = 0;
	char *s = rpc_error_text("id\"1", RPC_OCCURENCE_CONSTRAINT_VIOLATION,
	                         "idTag: required", &len);
	CHECK_STR(s, "[4,\"id\\\"1\",\"OccurenceConstraintViolation\","
	             "\"idTag: required\",{}]");
	CHECK_INT(len, strlen(s));
	free(s);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "currentTime", "2026-01-01T00:00:00.000Z");
	s = rpc_result_text("h1", p, NULL);
	CHECK_STR(s, "[3,\"h1\",{\"currentTime\":"
	             "\"2026-01-01T00:00:00.000Z\"}]");
	free(s);
	s = rpc_result_text("h2", NULL, NULL);
	CHECK_STR(s, "[3,\"h2\",{}]");
	free(s);
	s = rpc_call_text("c1", "Reset", NULL, NULL);
	CHECK_STR(s, "[2,\"c1\",\"Reset\",{}]");
	free(s);
}

/* The actions a table of this test's knows, as dispatch's would. */
static const char *const table[] = {
    "Authorize",        "BootNotification",   "Heartbeat",
    "StartTransaction", "StatusNotification",
};

static enum rpc_error check(const char *action, const char *payload,
                            unsigned flags)
{
	cJSON *p = cJSON_Parse(payload);
	char msg[256];
	int known = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		known |= !strcmp(table[i], action);
	enum rpc_error e =
	    known ? rpc_check_call(ocpp_schema_find(schemas, action, 0), action,
	                           p, flags, msg, sizeof msg)
	          : rpc_unknown_action(schemas, action, msg, sizeof msg);
	cJSON_Delete(p);
	return e;
}

/* A long multi-byte action name is quoted without splitting a character. */
static void test_long_action_quoted_as_utf8(void)
{
	char action[128] = "A";
	for (int i = 0; i < 40; i++)
		strcat(action, "\xc3\xa9");
	cJSON *p = cJSON_Parse("{}");
	char msg[256];
	enum rpc_error e = rpc_unknown_action(schemas, action, msg, sizeof msg);
	cJSON_Delete(p);
	CHECK_INT(e, RPC_NOT_IMPLEMENTED);
	/* "unknown action A" then whole two-byte characters only. */
	size_t l = strlen(msg) - strlen("unknown action A");
	CHECK(l > 0 && l % 2 == 0);
	CHECK((unsigned char)msg[strlen(msg) - 1] == 0xa9);
}

static void test_check_call_actions(void)
{
	CHECK_INT(check("Heartbeat", "{}", 0), RPC_OK);
	CHECK_INT(check("Teleport", "{}", 0), RPC_NOT_IMPLEMENTED);
	CHECK_INT(check("heartbeat", "{}", 0), RPC_NOT_IMPLEMENTED);
	CHECK_INT(check("Reset", "{\"type\":\"Soft\"}", 0), RPC_NOT_SUPPORTED);
	CHECK_INT(check("SecurityEventNotification", "{}", 0),
	          RPC_NOT_SUPPORTED);
	CHECK_INT(check("", "{}", 0), RPC_NOT_IMPLEMENTED);
}

static void test_check_call_payloads(void)
{
	CHECK_INT(check("Authorize", "{\"idTag\":\"A\"}", 0), RPC_OK);
	CHECK_INT(check("Authorize", "{}", 0),
	          RPC_OCCURENCE_CONSTRAINT_VIOLATION);
	CHECK_INT(check("Authorize", "{\"idTag\":5}", 0),
	          RPC_TYPE_CONSTRAINT_VIOLATION);
	CHECK_INT(
	    check("Authorize", "{\"idTag\":\"123456789012345678901\"}", 0),
	    RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_INT(check("Authorize", "{\"idTag\":\"A\",\"x\":1}", 0),
	          RPC_FORMATION_VIOLATION);
	CHECK_INT(check("Authorize", "{\"idTag\":\"A\",\"x\":1}",
	                OCPP_V_LENIENT_UNKNOWN),
	          RPC_OK);
	CHECK_INT(check("Authorize", "[]", 0), RPC_FORMATION_VIOLATION);
	CHECK_INT(check("StatusNotification",
	                "{\"connectorId\":1,\"errorCode\":\"NoError\","
	                "\"status\":\"Sleeping\"}",
	                0),
	          RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_INT(check("StartTransaction",
	                "{\"connectorId\":1,\"idTag\":\"A\",\"meterStart\":0,"
	                "\"timestamp\":\"yesterday\"}",
	                0),
	          RPC_PROPERTY_CONSTRAINT_VIOLATION);
	CHECK_INT(check("StartTransaction",
	                "{\"connectorId\":1,\"idTag\":\"A\",\"meterStart\":0,"
	                "\"timestamp\":\"2026-01-01T10:00:00+02\"}",
	                0),
	          RPC_OK);
}

static void test_identity(void)
{
	char id[CP_ID_BYTES + 1];
	const char *why;
	CHECK_INT(handshake_identity("/CP_1", id, sizeof id, &why), 0);
	CHECK_STR(id, "CP_1");
	CHECK_INT(handshake_identity("/ocpp/CP_2/", id, sizeof id, &why), 0);
	CHECK_STR(id, "CP_2");
	CHECK_INT(handshake_identity("/Ladesäule 7", id, sizeof id, &why), 0);
	CHECK_STR(id, "Ladesäule 7");
	CHECK_INT(handshake_identity("/", id, sizeof id, &why), -1);
	CHECK(why != NULL);
	CHECK_INT(handshake_identity("", id, sizeof id, &why), -1);
	CHECK_INT(handshake_identity(NULL, id, sizeof id, &why), -1);
	CHECK_INT(handshake_identity("/a\tb", id, sizeof id, &why), -1);
	CHECK_INT(handshake_identity("/a\x7f", id, sizeof id, &why), -1);
	CHECK_INT(handshake_identity("/a\xc2\x85", id, sizeof id, &why), -1);
	CHECK_INT(handshake_identity("/a\xff", id, sizeof id, &why), -1);
	CHECK_INT(handshake_identity("/\xc0\xaf", id, sizeof id, &why), -1);
	/* 50 characters fit, 51 do not: never truncated. */
	char path[80] = "/";
	memset(path + 1, 'x', 50);
	path[51] = '\0';
	CHECK_INT(handshake_identity(path, id, sizeof id, &why), 0);
	CHECK_INT(strlen(id), 50);
	strcat(path, "y");
	CHECK_INT(handshake_identity(path, id, sizeof id, &why), -1);
	/* 50 two-byte characters are 100 bytes and still fit. */
	char wide[120] = "/";
	for (int i = 0; i < 50; i++)
		strcat(wide, "\xc3\xa4");
	CHECK_INT(handshake_identity(wide, id, sizeof id, &why), 0);
}

static void test_subprotocol(void)
{
	const char *why;
	CHECK_INT(handshake_subprotocol("ocpp1.6", 0, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp0.1, ocpp1.6", 0, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp1.5,ocpp1.6", 0, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp2.0.1 ocpp1.6", 0, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp2.0.1, ocpp1.5", 0, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp2.0.1", 0, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp2.0, ocpp1.5", 0, &why), 0);
	CHECK(why != NULL);
	CHECK_INT(handshake_subprotocol("ocpp2.0.1x", 0, &why), 0);
	CHECK_INT(handshake_subprotocol("ocpp1.6x", 0, &why), 0);
	CHECK_INT(handshake_subprotocol("", 0, &why), 0);
	CHECK_INT(handshake_subprotocol(NULL, 0, &why), 0);
	CHECK_INT(handshake_subprotocol(NULL, 1, &why), 1);
	CHECK_INT(handshake_subprotocol("ocpp2.0", 1, &why), 0);
}

static void test_client_addr(void)
{
	char out[64];
	const char *tp = "127.0.0.1, 10.0.0.1";
	/* No trusted proxies, or an untrusted peer: the peer. */
	CHECK_INT(handshake_client_addr("127.0.0.1", "", "192.0.2.1", NULL, out,
	                                sizeof out),
	          0);
	CHECK_STR(out, "127.0.0.1");
	CHECK_INT(handshake_client_addr("192.0.2.9", tp, "192.0.2.1", NULL, out,
	                                sizeof out),
	          0);
	CHECK_STR(out, "192.0.2.9");
	/* Trusted: the rightmost entry that is not a trusted proxy. */
	CHECK_INT(handshake_client_addr("127.0.0.1", tp, "192.0.2.1", NULL, out,
	                                sizeof out),
	          1);
	CHECK_STR(out, "192.0.2.1");
	CHECK_INT(handshake_client_addr("127.0.0.1", tp,
	                                "6.6.6.6, 192.0.2.1 ,10.0.0.1", NULL,
	                                out, sizeof out),
	          1);
	CHECK_STR(out, "192.0.2.1");
	/* Junk in the header: the peer. */
	CHECK_INT(handshake_client_addr("127.0.0.1", tp, "unknown", NULL, out,
	                                sizeof out),
	          0);
	CHECK_STR(out, "127.0.0.1");
	/* Forwarded, with quotes, brackets and ports. */
	CHECK_INT(handshake_client_addr("127.0.0.1", tp, NULL,
	                                "for=6.6.6.6, for=\"[2001:db8::1]:80\";"
	                                "proto=https",
	                                out, sizeof out),
	          1);
	CHECK_STR(out, "2001:db8::1");
	CHECK_INT(handshake_client_addr("127.0.0.1", tp, "",
	                                "proto=http;for=192.0.2.3:5555", out,
	                                sizeof out),
	          1);
	CHECK_STR(out, "192.0.2.3");
	/* Every entry trusted: the leftmost is the client. */
	CHECK_INT(handshake_client_addr("127.0.0.1", tp, "10.0.0.1", NULL, out,
	                                sizeof out),
	          1);
	CHECK_STR(out, "10.0.0.1");
}

static void test_forwarded_tls(void)
{
	int tls;
	const char *cn, *why;
	struct handshake_fwd_tls none = {0};
	struct handshake_fwd_tls https = {.proto = "https"};
	struct handshake_fwd_tls plain = {.proto = "http"};
	struct handshake_fwd_tls good = {
	    .proto = "https", .verify = "0", .cn = "CP_1"};
	struct handshake_fwd_tls unverified = {
	    .proto = "https", .verify = "20", .cn = "CP_1"};
	struct handshake_fwd_tls cn_only = {.proto = "https", .cn = "CP_1"};
	struct handshake_fwd_tls no_cn = {.proto = "https", .verify = "0"};
	struct handshake_fwd_tls cert_on_http = {
	    .proto = "http", .verify = "0", .cn = "CP_1"};
	/* Nothing forwarded: nothing changes, whoever the peer. */
	CHECK_INT(handshake_forwarded_tls(&none, 1, 1, &tls, &cn, &why), 0);
	CHECK_INT(handshake_forwarded_tls(&none, 0, 0, &tls, &cn, &why), 0);
	CHECK_INT(tls, 0);
	/* The setting off: the scheme means nothing, a certificate is
	 * refused even from a trusted proxy. */
	CHECK_INT(handshake_forwarded_tls(&https, 0, 1, &tls, &cn, &why), 0);
	CHECK_INT(tls, 0);
	CHECK_INT(handshake_forwarded_tls(&good, 0, 1, &tls, &cn, &why), 400);
	CHECK(cn == NULL && why != NULL);
	/* On, from a peer that is not trusted: refused. */
	CHECK_INT(handshake_forwarded_tls(&good, 1, 0, &tls, &cn, &why), 400);
	CHECK_INT(handshake_forwarded_tls(&https, 1, 0, &tls, &cn, &why), 400);
	CHECK_INT(handshake_forwarded_tls(&plain, 1, 0, &tls, &cn, &why), 0);
	CHECK_INT(tls, 0);
	/* On, from a trusted proxy. */
	CHECK_INT(handshake_forwarded_tls(&https, 1, 1, &tls, &cn, &why), 0);
	CHECK(tls == 1 && cn == NULL);
	CHECK_INT(handshake_forwarded_tls(&plain, 1, 1, &tls, &cn, &why), 0);
	CHECK_INT(tls, 0);
	CHECK_INT(handshake_forwarded_tls(&good, 1, 1, &tls, &cn, &why), 0);
	CHECK(tls == 1);
	CHECK_STR(cn, "CP_1");
	CHECK_INT(handshake_forwarded_tls(&unverified, 1, 1, &tls, &cn, &why),
	          403);
	CHECK(cn == NULL);
	CHECK_INT(handshake_forwarded_tls(&no_cn, 1, 1, &tls, &cn, &why), 403);
	CHECK_INT(handshake_forwarded_tls(&cn_only, 1, 1, &tls, &cn, &why),
	          400);
	CHECK_INT(handshake_forwarded_tls(&cert_on_http, 1, 1, &tls, &cn, &why),
	          400);
}

static void test_in_list(void)
{
	CHECK(handshake_in_list("https://a.example, http://B.example",
	                        "http://b.example", 1));
	CHECK(!handshake_in_list("https://a.example", "https://a.example.evil",
	                         1));
	CHECK(!handshake_in_list("https://a.example", "https://a.exampl", 1));
	CHECK(!handshake_in_list("", "x", 1));
	CHECK(!handshake_in_list("a,,b", "", 1));
}

static void test_strmap(void)
{
	struct strmap m;
	strmap_init(&m);
	CHECK(strmap_get(&m, "a") == NULL);
	char key[32];
	for (long i = 1; i <= 5000; i++) {
		snprintf(key, sizeof key, "CP_%ld", i);
		CHECK_INT(strmap_put(&m, key, (void *)i), 0);
	}
	CHECK_INT(m.len, 5000);
	for (long i = 1; i <= 5000; i += 2) {
		snprintf(key, sizeof key, "CP_%ld", i);
		CHECK((long)strmap_del(&m, key) == i);
	}
	CHECK_INT(m.len, 2500);
	for (long i = 1; i <= 5000; i++) {
		snprintf(key, sizeof key, "CP_%ld", i);
		void *v = strmap_get(&m, key);
		CHECK(i % 2 ? v == NULL : (long)v == i);
	}
	CHECK_INT(strmap_put(&m, "CP_2", (void *)7L), 0);
	CHECK((long)strmap_get(&m, "CP_2") == 7);
	CHECK_INT(m.len, 2500);
	strmap_free(&m);
}

int main(void)
{
	char err[256];
	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL schemas_load: %s\n", err);
		return 1;
	}
	RUN(test_error_codes_are_the_1_6_spellings);
	RUN(test_handler_and_validation_mapping);
	RUN(test_parse_call);
	RUN(test_parse_not_json_recovers_the_id);
	RUN(test_parse_wrong_shapes);
	RUN(test_parse_unreadable_id_is_protocol_error);
	RUN(test_parse_replies_and_unknown_types);
	RUN(test_parse_deep_nesting_does_not_crash);
	RUN(test_parse_nul_in_payload_is_refused);
	RUN(test_parse_duplicate_names_are_formation_violation);
	RUN(test_parse_trailing_data_is_formation_violation);
	RUN(test_parse_long_id_echoed_cut);
	RUN(test_frames);
	RUN(test_check_call_actions);
	RUN(test_long_action_quoted_as_utf8);
	RUN(test_check_call_payloads);
	RUN(test_identity);
	RUN(test_subprotocol);
	RUN(test_client_addr);
	RUN(test_forwarded_tls);
	RUN(test_in_list);
	RUN(test_strmap);
	ocpp_schemas_free(schemas);
	CHECK_EXIT();
}
