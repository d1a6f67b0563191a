/*
 * test_cpsim_scenario.c — the scenario language: parsing (with line
 * numbers in errors), ${variable} expansion and dotted field paths.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "../../tools/cpsim/clock.c"
#include "../../tools/cpsim/jpath.c"
#include "../../tools/cpsim/scenario.c"
#include "../../tools/cpsim/subst.c"

static void test_parse_all_commands(void)
{
	const char *text = "# a comment\n"
	                   "\n"
	                   "send BootNotification {\"chargePointVendor\":\"V # "
	                   "not a comment\",\"chargePointModel\":\"M\"}\n"
	                   "expect result            # trailing comment\n"
	                   "expect error FormationViolation\n"
	                   "expect error\n"
	                   "expect field status Accepted\n"
	                   "expect field idTagInfo.status\n"
	                   "expect field info two words\n"
	                   "save transactionId tx\n"
	                   "send StopTransaction "
	                   "{\"transactionId\":${tx},\"meterStop\":1500,"
	                   "\"timestamp\":\"${now}\"}\n"
	                   "raw [2,\"x\",\"Heartbeat\",{}]\n"
	                   "expect none\n"
	                   "wait 0.5\n"
	                   "timeout 5\n"
	                   "expect call Reset 10\n"
	                   "expect closed\n"
	                   "disconnect\n"
	                   "reconnect\n"
	                   "close 4001\n"
	                   "set who ${identity}\n"
	                   "answer Reset {\"status\":\"Rejected\"}\n"
	                   "answer GetDiagnostics error NotSupported\n"
	                   "print hello ${who}\n"
	                   "send Heartbeat\n";
	struct scenario sc;
	char err[256];

	CHECK_INT(scenario_parse(text, "t.txt", &sc, err, sizeof err), 0);
	CHECK_INT(sc.n, 23);
	CHECK_INT(sc.steps[0].kind, SK_SEND);
	CHECK_INT(sc.steps[0].line, 3);
	CHECK_STR(sc.steps[0].a1, "BootNotification");
	CHECK(strstr(sc.steps[0].a2, "# not a comment"));
	CHECK_INT(sc.steps[1].kind, SK_EXPECT_RESULT);
	CHECK_INT(sc.steps[2].kind, SK_EXPECT_ERROR);
	CHECK_STR(sc.steps[2].a1, "FormationViolation");
	CHECK(sc.steps[3].a1 == NULL);
	CHECK_STR(sc.steps[4].a1, "status");
	CHECK_STR(sc.steps[4].a2, "Accepted");
	CHECK(sc.steps[5].a2 == NULL);
	CHECK_STR(sc.steps[6].a2, "two words");
	CHECK_INT(sc.steps[7].kind, SK_SAVE);
	CHECK_STR(sc.steps[7].a2, "tx");
	CHECK_INT(sc.steps[9].kind, SK_RAW);
	CHECK_STR(sc.steps[9].a1, "[2,\"x\",\"Heartbeat\",{}]");
	CHECK_INT(sc.steps[10].kind, SK_EXPECT_NONE);
	CHECK(sc.steps[11].kind == SK_WAIT && sc.steps[11].secs == 0.5);
	CHECK(sc.steps[12].kind == SK_TIMEOUT && sc.steps[12].secs == 5);
	CHECK(sc.steps[13].kind == SK_EXPECT_CALL && sc.steps[13].secs == 10);
	CHECK_STR(sc.steps[13].a1, "Reset");
	CHECK(sc.steps[14].kind == SK_EXPECT_CLOSED && sc.steps[14].secs == 0);
	CHECK_INT(sc.steps[15].kind, SK_DISCONNECT);
	CHECK_INT(sc.steps[16].kind, SK_RECONNECT);
	CHECK(sc.steps[17].kind == SK_CLOSE && sc.steps[17].code == 4001);
	CHECK_INT(sc.steps[18].kind, SK_SET);
	CHECK_STR(sc.steps[18].a2, "${identity}");
	CHECK(sc.steps[19].kind == SK_ANSWER && sc.steps[19].a3 == NULL);
	CHECK_STR(sc.steps[19].a2, "{\"status\":\"Rejected\"}");
	CHECK_STR(sc.steps[20].a3, "NotSupported");
	CHECK_INT(sc.steps[21].kind, SK_PRINT);
	CHECK_STR(sc.steps[22].a2, "{}");
	scenario_free(&sc);
}

/* Each bad line is rejected with its file name and line number. */
static void test_parse_errors(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
	    {"send\n", "s:1: send needs an action name"},
	    {"\n\nfrobnicate now\n", "s:3: unknown command 'frobnicate'"},
	    {"expect\n", "s:1: expect what?"},
	    {"expect result now\n", "s:1: unexpected 'now'"},
	    {"expect banana\n", "s:1: unknown expect 'banana'"},
	    {"wait soon\n", "s:1: wait needs seconds"},
	    {"wait -1\n", "s:1: wait needs seconds"},
	    {"timeout 0\n", "s:1: timeout needs seconds"},
	    {"close 99\n", "s:1: close code must be 1000..4999"},
	    {"save onlypath\n", "s:1: usage: save PATH VAR"},
	    {"answer Reset\n", "s:1: usage: answer ACTION JSON"},
	    {"answer Reset error\n", "s:1: answer ACTION error needs one code"},
	    {"expect call\n", "s:1: expect call needs an action name"},
	    {"expect call Reset soon\n", "s:1: bad seconds 'soon'"},
	    {"raw\n", "s:1: raw needs text to send"},
	    {"disconnect now\n", "s:1: unexpected 'now'"},
	};
	struct scenario sc;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (scenario_parse(cases[i].text, "s", &sc, err, sizeof err) !=
		    -1)
			CHECK_FAIL_("accepted: %s", cases[i].text);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)))
			CHECK_FAIL_("%s: got \"%s\", want \"%s\"",
			            cases[i].text, err, cases[i].want);
		CHECK(sc.steps == NULL && sc.n == 0);
	}
}

static void test_subst(void)
{
	struct vars vs;
	char out[256], err[128];

	memset(&vs, 0, sizeof vs);
	CHECK_INT(vars_set(&vs, "tx", "42"), 0);
	CHECK_INT(vars_set(&vs, "identity", "CP_1"), 0);
	CHECK_INT(vars_set(&vs, "tx", "43"), 0);
	CHECK_INT(vs.n, 2);
	CHECK(subst("{\"transactionId\":${tx},\"cp\":\"${identity}\"}", &vs, 0,
	            out, sizeof out, err, sizeof err) > 0);
	CHECK_STR(out, "{\"transactionId\":43,\"cp\":\"CP_1\"}");
	CHECK(subst("${now} ${now+60} ${now-1}", &vs, 1764075600123LL, out,
	            sizeof out, err, sizeof err) > 0);
	CHECK_STR(out, "2025-11-25T13:00:00.123Z 2025-11-25T13:01:00.123Z "
	               "2025-11-25T12:59:59.123Z");
	CHECK(subst("$tx and $ {tx}", &vs, 0, out, sizeof out, err,
	            sizeof err) > 0);
	CHECK_STR(out, "$tx and $ {tx}");
	CHECK_INT(subst("${nope}", &vs, 0, out, sizeof out, err, sizeof err),
	          -1);
	CHECK_STR(err, "undefined variable ${nope}");
	CHECK_INT(subst("${tx", &vs, 0, out, sizeof out, err, sizeof err), -1);
	CHECK_STR(err, "unterminated ${");
	CHECK_INT(subst("${now+x}", &vs, 0, out, sizeof out, err, sizeof err),
	          -1);
	CHECK_INT(subst("abc${tx}", &vs, 0, out, 5, err, sizeof err), -1);
}

static void test_jpath(void)
{
	cJSON *r = cJSON_Parse(
	    "{\"status\":\"Accepted\",\"interval\":300,\"ratio\":0.5,"
	    "\"ok\":true,\"none\":null,\"idTagInfo\":{\"status\":\"Blocked\"},"
	    "\"configurationKey\":[{\"key\":\"A\",\"value\":\"1\"},"
	    "{\"key\":\"B\"}]}");
	char buf[128];

	CHECK(r);
	CHECK(jpath_equals(jpath_get(r, "status"), "Accepted"));
	CHECK(!jpath_equals(jpath_get(r, "status"), "accepted"));
	CHECK(jpath_equals(jpath_get(r, "interval"), "300"));
	CHECK(jpath_equals(jpath_get(r, "interval"), "300.0"));
	CHECK(!jpath_equals(jpath_get(r, "interval"), "30"));
	CHECK(jpath_equals(jpath_get(r, "ratio"), "0.5"));
	CHECK(jpath_equals(jpath_get(r, "ok"), "true"));
	CHECK(jpath_equals(jpath_get(r, "none"), "null"));
	CHECK(jpath_equals(jpath_get(r, "idTagInfo.status"), "Blocked"));
	CHECK(jpath_equals(jpath_get(r, "configurationKey.1.key"), "B"));
	CHECK(jpath_get(r, "configurationKey.2") == NULL);
	CHECK(jpath_get(r, "configurationKey.x") == NULL);
	CHECK(jpath_get(r, "status.deeper") == NULL);
	CHECK(jpath_get(r, "a..b") == NULL);
	CHECK(jpath_get(r, "") == r);
	CHECK(jpath_text(jpath_get(r, "idTagInfo"), buf, sizeof buf) > 0);
	CHECK_STR(buf, "{\"status\":\"Blocked\"}");
	CHECK(jpath_text(jpath_get(r, "interval"), buf, sizeof buf) > 0);
	CHECK_STR(buf, "300");
	CHECK_INT(jpath_text(jpath_get(r, "status"), buf, 4), -1);
	CHECK(!jpath_equals(NULL, "x"));
	cJSON_Delete(r);
}

static void test_shipped_scenarios_parse(void)
{
	static const char *const files[] = {
	    "tools/cpsim/scenarios/normal-session.txt",
	    "tools/cpsim/scenarios/faults.txt",
	    "tools/cpsim/scenarios/garbage.txt",
	};
	struct scenario sc;
	char err[256], path[512];
	size_t i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		/* Run from the repository root, as make test does, or from
		 * tests/unit. */
		snprintf(path, sizeof path, "%s", files[i]);
		if (scenario_load(path, &sc, err, sizeof err)) {
			snprintf(path, sizeof path, "../../%s", files[i]);
			if (scenario_load(path, &sc, err, sizeof err))
				CHECK_FAIL_("%s", err);
		}
		CHECK(sc.n > 5);
		scenario_free(&sc);
	}
}

int main(void)
{
	RUN(test_parse_all_commands);
	RUN(test_parse_errors);
	RUN(test_subst);
	RUN(test_jpath);
	RUN(test_shipped_scenarios_parse);
	CHECK_EXIT();
}
