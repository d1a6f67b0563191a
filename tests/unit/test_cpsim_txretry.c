/*
 * test_cpsim_txretry.c — cpsim's transaction message retries (rpc.c):
 * which messages are transaction messages, and a StartTransaction
 * answered with InternalError is sent again with the same payload under a
 * new id, reaching its owner only with the final answer; other messages
 * and other error codes are not retried; tx_attempts bounds the tries.
 * The link is a fake that records what was sent.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "../../tools/cpsim/clock.c"
#include "../../tools/cpsim/frame.c"
#include "../../tools/cpsim/rpc.c"

static char sent[8][512];
static int nsent;

int link_is_open(const struct link *l)
{
	(void)l;
	return 1;
}

int link_send(struct link *l, const char *text, size_t len)
{
	(void)l;
	if (nsent < 8)
		snprintf(sent[nsent++], sizeof sent[0], "%.*s", (int)len, text);
	return 0;
}

static int nreplies;
static struct rpc_reply last;

static void on_reply(void *ud, struct rpc_call *c, const struct rpc_reply *r)
{
	(void)ud;
	(void)c;
	nreplies++;
	last = *r;
	last.payload = NULL;
}

static void on_call(void *ud, const char *id, size_t n, const char *a,
                    const cJSON *p)
{
	(void)ud, (void)id, (void)n, (void)a, (void)p;
}

static const struct rpc_ops ops = {on_reply, on_call, NULL};

static void reply(struct rpc *r, int n, const char *rest)
{
	/* The id of sent[n]: [2,"ID",... */
	char id[40] = "";
	sscanf(sent[n], "[2,\"%39[^\"]\"", id);
	char buf[256];
	snprintf(buf, sizeof buf, rest, id);
	rpc_on_message(r, buf, strlen(buf));
}

/* The payload of a sent CALL: after the action's closing quote. */
static const char *payload(int n)
{
	const char *p = strstr(sent[n], "\",{");
	return p ? p + 2 : "";
}

static void test_is_tx_message(void)
{
	const char *mv = "[2,\"1\",\"MeterValues\",{\"connectorId\":1,"
	                 "\"transactionId\":7,\"meterValue\":[]}]";
	const char *mv0 = "[2,\"1\",\"MeterValues\",{\"connectorId\":1,"
	                  "\"meterValue\":[]}]";
	CHECK(rpc_is_tx_message("StartTransaction", "", 0));
	CHECK(rpc_is_tx_message("StopTransaction", "", 0));
	CHECK(rpc_is_tx_message("MeterValues", mv, strlen(mv)));
	CHECK(!rpc_is_tx_message("MeterValues", mv0, strlen(mv0)));
	CHECK(!rpc_is_tx_message("StatusNotification", "", 0));
	CHECK(!rpc_is_tx_message("Heartbeat", "", 0));
}

static void test_retried_until_answered(void)
{
	struct rpc r;
	nsent = nreplies = 0;
	rpc_init(&r, NULL, &ops, NULL, "T");
	r.tx_attempts = 3;
	r.tx_retry_ms = 0;
	rpc_call(&r, "StartTransaction",
	         "{\"connectorId\":1,\"idTag\":\"A\",\"meterStart\":5,"
	         "\"timestamp\":\"2026-01-01T00:00:00Z\"}",
	         0, 1, 0);
	CHECK_INT(nsent, 1);
	reply(&r, 0, "[4,\"%s\",\"InternalError\",\"db\",{}]");
	CHECK_INT(nreplies, 0);
	CHECK_INT(r.tx_retries, 1);
	rpc_tick(&r); /* the retry's time (0 ms) has come */
	CHECK_INT(nsent, 2);
	CHECK_STR(payload(1), payload(0));
	CHECK(strcmp(sent[0], sent[1])); /* a new id */
	reply(&r, 1,
	      "[3,\"%s\",{\"transactionId\":1,"
	      "\"idTagInfo\":{\"status\":\"Accepted\"}}]");
	CHECK_INT(nreplies, 1);
	CHECK_INT(last.outcome, RPC_RESULT);
	CHECK_INT(r.tx_recovered, 1);
	CHECK(rpc_idle(&r));
	rpc_reset(&r);
}

static void test_attempts_bound(void)
{
	struct rpc r;
	nsent = nreplies = 0;
	rpc_init(&r, NULL, &ops, NULL, "T");
	r.tx_attempts = 2;
	rpc_call(&r, "StopTransaction",
	         "{\"transactionId\":1,\"meterStop\":9,"
	         "\"timestamp\":\"2026-01-01T00:00:00Z\"}",
	         0, 1, 0);
	reply(&r, 0, "[4,\"%s\",\"InternalError\",\"db\",{}]");
	rpc_tick(&r);
	CHECK_INT(nsent, 2);
	reply(&r, 1, "[4,\"%s\",\"InternalError\",\"db\",{}]");
	CHECK_INT(nreplies, 1);
	CHECK_INT(last.outcome, RPC_ERROR);
	CHECK_STR(last.err_code, "InternalError");
	CHECK_INT(r.tx_retries, 1);
	rpc_reset(&r);
}

static void test_not_retried(void)
{
	struct rpc r;
	nsent = nreplies = 0;
	rpc_init(&r, NULL, &ops, NULL, "T");
	r.tx_attempts = 5;
	rpc_call(&r, "StatusNotification",
	         "{\"connectorId\":1,\"errorCode\":\"NoError\","
	         "\"status\":\"Available\"}",
	         0, 1, 0);
	reply(&r, 0, "[4,\"%s\",\"InternalError\",\"db\",{}]");
	CHECK_INT(nreplies, 1);
	rpc_call(&r, "StartTransaction",
	         "{\"connectorId\":1,\"idTag\":\"A\",\"meterStart\":5,"
	         "\"timestamp\":\"2026-01-01T00:00:00Z\"}",
	         0, 1, 0);
	reply(&r, 1, "[4,\"%s\",\"FormationViolation\",\"bad\",{}]");
	CHECK_INT(nreplies, 2);
	CHECK_INT(r.tx_retries, 0);
	/* The default: one attempt (scenario mode sends what it is told). */
	rpc_init(&r, NULL, &ops, NULL, "T");
	rpc_call(&r, "StartTransaction",
	         "{\"connectorId\":1,\"idTag\":\"A\",\"meterStart\":5,"
	         "\"timestamp\":\"2026-01-01T00:00:00Z\"}",
	         0, 1, 0);
	reply(&r, 2, "[4,\"%s\",\"InternalError\",\"db\",{}]");
	CHECK_INT(nreplies, 3);
	CHECK_INT(r.tx_retries, 0);
	rpc_reset(&r);
}

int main(void)
{
	RUN(test_is_tx_message);
	RUN(test_retried_until_answered);
	RUN(test_attempts_bound);
	RUN(test_not_retried);
	CHECK_EXIT();
}
