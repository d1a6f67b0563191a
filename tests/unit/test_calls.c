/*
 * test_calls.c — ocppd's central system -> charge point calls
 * (ocppd/calls.c) linked alone: the transport, the control answers and
 * the command history are fakes, so each path of a command is visible:
 * refused before it is queued (invalid params, offline, Rejected or
 * Pending at boot, shutting down), sent one at a time per link, answered
 * by a CALLRESULT or a CALLERROR, timed out, or failed when the link
 * closes; an async command is answered at once with its uid.
 */
#include "check.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../ocppd/calls.c"
#include "../../ocppd/frame.c"
#include "../../ocppd/log_frame.c"
#include "../../ocppd/rpc.c"

static ocpp_schemas *schemas, *schemas201;
static struct csms_config cfg;

/* ---- the transport -------------------------------------------------- */

static struct conn lnk;
static struct session ses;
static char sent[8][512];
static int nsent, accepting = 1;

void oplog_sent(const char *cp_id, const char *action, const char *text,
                size_t len)
{
	(void)cp_id;
	(void)action;
	(void)text;
	(void)len;
}

void ws_send(struct conn *c, struct frame *f)
{
	if (c == &lnk && nsent < 8)
		snprintf(sent[nsent++], sizeof sent[0], "%.*s", (int)f->len,
		         frame_text(f));
	free(f);
}

int ws_accepting(void)
{
	return accepting;
}

/* files_op.c's upload and firmware URLs: not under test here. */
int files_prepare_call(const char *action, const char *cp_id, cJSON *payload,
                       char *why, size_t whylen)
{
	(void)action;
	(void)cp_id;
	(void)payload;
	(void)why;
	(void)whylen;
	return 0;
}

/* ---- control answers and the history ----------------------------------- */

/* As control.c: an answer to CONTROL_NO_CLIENT reaches nobody. */
static char answer[8][512];
static int nanswer;

void control_ok(uint64_t client, cJSON *result)
{
	char *s = result ? cJSON_PrintUnformatted(result) : NULL;
	if (client != CONTROL_NO_CLIENT && nanswer < 8)
		snprintf(answer[nanswer++], sizeof answer[0], "%llu ok %s",
		         (unsigned long long)client, s ? s : "{}");
	free(s);
	cJSON_Delete(result);
}

void control_fail(uint64_t client, const char *code, cJSON *extra,
                  const char *fmt, ...)
{
	(void)fmt;
	if (client != CONTROL_NO_CLIENT && nanswer < 8)
		snprintf(answer[nanswer++], sizeof answer[0], "%llu fail %s",
		         (unsigned long long)client, code);
	cJSON_Delete(extra);
}

static char history[16][128];
static int nhistory;

void cmdlog_submit(const char *cp_id, const char *uid, const char *action,
                   const cJSON *params, const char *requested_by,
                   int64_t created_ms, int64_t finished_ms, const char *status,
                   const cJSON *response, int outcome)
{
	(void)cp_id;
	(void)uid;
	(void)params;
	(void)requested_by;
	(void)created_ms;
	(void)finished_ms;
	(void)response;
	if (nhistory < 16)
		snprintf(history[nhistory++], sizeof history[0], "%s %s %d",
		         action, status, outcome);
}

/* ---- helpers ----------------------------------------------------------- */

static void fresh(void)
{
	if (lnk.up)
		calls_conn_closed(&lnk);
	nsent = nanswer = nhistory = 0;
	accepting = 1;
	memset(&ses, 0, sizeof ses);
	memset(&lnk, 0, sizeof lnk);
	lnk.cp_id = "CP1";
	lnk.live = 1;
	lnk.up = &ses;
	ses.boot_status = BOOT_ACCEPTED;
}

static void submit(struct conn *c, uint64_t client, const char *op,
                   const char *params, int async)
{
	struct control_req r;
	memset(&r, 0, sizeof r);
	r.client = client;
	snprintf(r.op, sizeof r.op, "%s", op);
	snprintf(r.cp_id, sizeof r.cp_id, "CP1");
	snprintf(r.requested_by, sizeof r.requested_by, "test");
	r.async = async;
	r.params = cJSON_Parse(params);
	calls_submit(c, &r);
	cJSON_Delete(r.params);
}

/* The uniqueId of sent frame i: [2,"<uid>",... */
static const char *uid_of(int i, char *out, size_t outlen)
{
	const char *p = sent[i] + 4;
	size_t n = strcspn(p, "\"");
	snprintf(out, outlen, "%.*s", (int)n, p);
	return out;
}

static void reply(const char *text)
{
	struct rpc_msg m;
	rpc_parse(text, strlen(text), &m);
	calls_reply(&lnk, &m);
	rpc_msg_free(&m);
}

/* ---- tests ---------------------------------------------------------- */

static void test_refused_before_queued(void)
{
	fresh();
	submit(&lnk, 1, "Reset", "{\"type\":\"Gentle\"}", 0);
	CHECK_STR(answer[0], "1 fail invalid_params");
	submit(NULL, 2, "Reset", "{\"type\":\"Soft\"}", 0);
	CHECK_STR(answer[1], "2 fail cp_offline");
	ses.boot_status = BOOT_REJECTED;
	submit(&lnk, 3, "Reset", "{\"type\":\"Soft\"}", 0);
	CHECK_STR(answer[2], "3 fail cp_rejected");
	accepting = 0;
	submit(&lnk, 4, "Reset", "{\"type\":\"Soft\"}", 0);
	CHECK_STR(answer[3], "4 fail shutting_down");
	CHECK_INT(nsent, 0);
	CHECK_INT(calls_pending(), 0);
	/* Refusals are history too. */
	CHECK_INT(nhistory, 4);
	CHECK_STR(history[1], "Reset offline 0");
}

static void test_one_on_the_wire_answered_in_order(void)
{
	fresh();
	char uid[64];
	submit(&lnk, 1, "Reset", "{\"type\":\"Soft\"}", 0);
	submit(&lnk, 2, "ClearCache", "{}", 0);
	CHECK_INT(nsent, 1); /* the second waits for the first's answer */
	CHECK(!strncmp(sent[0], "[2,\"cs-", 7));
	CHECK(strstr(sent[0], "\"Reset\",{\"type\":\"Soft\"}]"));
	CHECK_INT(calls_pending(), 2);
	CHECK_INT(calls_pending_on(&lnk), 2);
	char text[256];
	snprintf(text, sizeof text, "[3,\"%s\",{\"status\":\"Accepted\"}]",
	         uid_of(0, uid, sizeof uid));
	reply(text);
	CHECK_STR(answer[0], "1 ok {\"status\":\"Accepted\"}");
	CHECK_INT(nsent, 2);
	CHECK(strstr(sent[1], "\"ClearCache\",{}]"));
	snprintf(text, sizeof text,
	         "[4,\"%s\",\"NotSupported\",\"no cache\",{}]",
	         uid_of(1, uid, sizeof uid));
	reply(text);
	CHECK_STR(answer[1], "2 fail NotSupported");
	CHECK_INT(calls_pending(), 0);
	/* pending, then the outcome, per command. */
	CHECK_STR(history[0], "Reset pending 0");
	CHECK_STR(history[2], "Reset Accepted 1");
	CHECK_STR(history[3], "ClearCache callerror 1");
}

static void test_stray_reply_ignored(void)
{
	fresh();
	submit(&lnk, 1, "Reset", "{\"type\":\"Soft\"}", 0);
	reply("[3,\"not-ours\",{}]");
	CHECK_INT(nanswer, 0);
	CHECK_INT(calls_pending(), 1);
}

static void test_timeout_and_close(void)
{
	fresh();
	submit(&lnk, 1, "Reset", "{\"type\":\"Soft\"}", 0);
	submit(&lnk, 2, "ClearCache", "{}", 0);
	calls_tick(time_now_ms() + cfg.command_timeout * 1000LL + 1);
	CHECK_INT(nanswer, 2);
	CHECK_STR(answer[0], "1 fail timeout");
	CHECK_STR(answer[1], "2 fail timeout");
	submit(&lnk, 3, "Reset", "{\"type\":\"Soft\"}", 0);
	calls_conn_closed(&lnk);
	CHECK_STR(answer[2], "3 fail cp_offline");
	CHECK_INT(calls_pending(), 0);
}

static void test_async_answered_at_once(void)
{
	fresh();
	submit(&lnk, 7, "Reset", "{\"type\":\"Hard\"}", 1);
	CHECK_INT(nanswer, 1);
	CHECK(!strncmp(answer[0], "7 ok {\"uid\":\"cs-", 16));
	CHECK(strstr(answer[0], "\"status\":\"pending\"}"));
	char uid[64], text[128];
	snprintf(text, sizeof text, "[3,\"%s\",{\"status\":\"Accepted\"}]",
	         uid_of(0, uid, sizeof uid));
	reply(text);
	CHECK_INT(nanswer, 1); /* nobody waits: the history has it */
	CHECK_STR(history[1], "Reset Accepted 1");
}

/* The link's protocol picks the table: Reset is 2.0.1's on a 2.0.1 link
 * (Soft is 1.6's type, refused there), a name of the other protocol is
 * cp_protocol before anything else; offline, a 2.0.1-only name or a
 * 2.0.1 payload of a shared name gets as far as cp_offline. */
static void test_protocol_picks_the_table(void)
{
	fresh();
	lnk.proto = OCPP_P201;
	submit(&lnk, 1, "Reset", "{\"type\":\"Soft\"}", 0);
	CHECK_STR(answer[0], "1 fail invalid_params");
	submit(&lnk, 2, "RemoteStartTransaction", "{\"idTag\":\"A\"}", 0);
	CHECK_STR(answer[1], "2 fail cp_protocol");
	CHECK_STR(history[1], "RemoteStartTransaction error 0");
	submit(NULL, 3, "GetVariables", "{}", 0);
	CHECK_STR(answer[2], "3 fail invalid_params");
	submit(NULL, 4, "Reset", "{\"type\":\"OnIdle\",\"evseId\":1}", 0);
	CHECK_STR(answer[3], "4 fail cp_offline");
	CHECK_INT(nsent, 0);
	submit(&lnk, 5, "Reset", "{\"type\":\"Immediate\"}", 0);
	CHECK_INT(nsent, 1);
	CHECK(strstr(sent[0], "\"Reset\",{\"type\":\"Immediate\"}]"));
	char uid[64], text[128];
	snprintf(text, sizeof text, "[3,\"%s\",{\"status\":\"Scheduled\"}]",
	         uid_of(0, uid, sizeof uid));
	reply(text);
	CHECK_STR(answer[4], "5 ok {\"status\":\"Scheduled\"}");
	lnk.proto = OCPP_P16;
	submit(&lnk, 6, "GetBaseReport",
	       "{\"requestId\":1,\"reportBase\":\"FullInventory\"}", 0);
	CHECK_STR(answer[5], "6 fail cp_protocol");
	CHECK_INT(nsent, 1);
}

int main(void)
{
	char err[256];
	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL schemas_load: %s\n", err);
		return 1;
	}
	if (ocpp_schemas_load(&schemas201, ocpp201_schemas_json, err,
	                      sizeof err)) {
		printf("FAIL schemas_load 2.0.1: %s\n", err);
		return 1;
	}
	cfg.command_timeout = 30;
	if (calls_init(&cfg, schemas, err, sizeof err) ||
	    calls_init201(schemas201, err, sizeof err)) {
		printf("FAIL calls_init: %s\n", err);
		return 1;
	}
	RUN(test_refused_before_queued);
	RUN(test_one_on_the_wire_answered_in_order);
	RUN(test_stray_reply_ignored);
	RUN(test_timeout_and_close);
	RUN(test_async_answered_at_once);
	RUN(test_protocol_picks_the_table);
	fresh();
	ocpp_schemas_free(schemas);
	ocpp_schemas_free(schemas201);
	return check_total_failed_ ? 1 : 0;
}
