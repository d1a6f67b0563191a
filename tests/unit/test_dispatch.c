/*
 * test_dispatch.c — ocppd's dispatch (ocppd/dispatch.c) linked alone:
 * the transport (ws_send, ws_conn_by_ref), the queue (dbq_submit), the
 * command side (calls_reply) and the action table are fakes, so every
 * path of a frame is visible: the CALLERROR of an unknown or invalid
 * call, an inline answer, a call that becomes a job and is answered by
 * its done hook after "commit", the database being down or the queue
 * full, shutdown, replies to our own commands, and the coalesced
 * last_seen writes.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include "../../ocppd/boot_shape.c"
#include "../../ocppd/dispatch.c"
#include "../../ocppd/frame.c"
#include "../../ocppd/log_frame.c"
#include "../../ocppd/reply_latency.c"
#include "../../ocppd/rpc.c"

static ocpp_schemas *schemas, *schemas201;

/* ---- the transport -------------------------------------------------- */

static struct conn lnk;
static struct session ses;
static char sent[8][512];
static int nsent;

void ws_send(struct conn *c, struct frame *f)
{
	if (c == &lnk && nsent < 8)
		snprintf(sent[nsent++], sizeof sent[0], "%.*s", (int)f->len,
		         frame_text(f));
	free(f);
}

struct conn *ws_conn_by_ref(uint64_t ref)
{
	return ref == lnk.ref && lnk.live ? &lnk : NULL;
}

/* ---- the queue -------------------------------------------------------- */

static struct job *queued[8];
static const char *routes[8];
static int nqueued, queue_full, best_effort_seen;

int dbq_submit(struct job *j, const char *route, int best_effort)
{
	if (queue_full || nqueued == 8)
		return -1;
	best_effort_seen += best_effort;
	routes[nqueued] = route;
	queued[nqueued++] = j;
	return 0;
}

/* Jobs waiting in the queue, as dbq_depth reports them. */
static int depth;
int dbq_workers(void)
{
	return 2;
}

int dbq_depth(int i)
{
	return i == 0 ? depth : 0;
}

/* No job finishes here: the drain rate stays unknown, so the interval
 * is boot_pending_interval's spread. */
unsigned long long dbq_done_total(void)
{
	return 0;
}

static int seen_writes;
int coalesce_seen(struct coalesce *co, struct db *db, const char *cp_id,
                  int64_t seen_ms, int64_t beat_ms)
{
	(void)co;
	(void)db;
	(void)cp_id;
	(void)seen_ms;
	(void)beat_ms;
	seen_writes++;
	return 0;
}

/* ---- commands -------------------------------------------------------- */

static int replies;
void calls_reply(struct conn *c, const struct rpc_msg *m)
{
	(void)c;
	(void)m;
	replies++;
}

const char *calls_answered(const struct conn *c, const struct rpc_msg *m)
{
	(void)c;
	return m->kind == RPC_CALLRESULT && !strcmp(m->id, "ours") ? "Reset"
	                                                           : NULL;
}

/* ---- the message log: what it was handed, in order ------------------- */

static char logged[16][96];
static int nlogged;

static void log_note(const char *dir, int is_error, const char *action,
                     const char *text, size_t len)
{
	if (nlogged < 16)
		snprintf(logged[nlogged++], sizeof logged[0], "%s%s %s %.*s",
		         dir, is_error ? "!" : "", action ? action : "-",
		         (int)len, text);
}

void oplog_received(const char *cp_id, int is_error, const char *action,
                    const char *text, size_t len)
{
	(void)cp_id;
	log_note("in", is_error, action, text, len);
}

void oplog_sent(const char *cp_id, const char *action, const char *text,
                size_t len)
{
	(void)cp_id;
	log_note("out", 0, action, text, len);
}

/* Load management is not part of what is tested here. */
void load_mgmt_poke(void)
{
}

/* Nor is the certificate thread. */
void certs_poke(void)
{
}

/* ---- the action table -------------------------------------------------- */

static int prefetched;

static enum hres fake_heartbeat(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)c;
	(void)req;
	cJSON_AddStringToObject(conf, "currentTime", "2026-01-01T00:00:00Z");
	return H_OK;
}

static enum hres fake_boot(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)req;
	c->boot_status = BOOT_PENDING;
	cJSON_AddStringToObject(conf, "status", "Pending");
	return H_OK;
}

static enum hres fake_authorize(struct hctx *c, const cJSON *req, cJSON *conf)
{
	(void)req;
	if (!c->db || !c->co)
		return H_INTERNAL; /* must run with the worker's batch */
	cJSON *info = cJSON_AddObjectToObject(conf, "idTagInfo");
	cJSON_AddStringToObject(info, "status", "Accepted");
	return H_OK;
}

static void fake_prefetch(struct prefetch *pf, const char *cp_id,
                          const cJSON *req)
{
	(void)pf;
	(void)cp_id;
	(void)req;
	prefetched++;
}

static struct action rows[] = {
    {"Authorize", fake_authorize, fake_prefetch, NULL, 0},
    {"BootNotification", fake_boot, NULL, NULL, 0},
    {"Heartbeat", fake_heartbeat, NULL, NULL, ACT_INLINE | ACT_BEAT},
};

const struct action *actions_find(const char *name)
{
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

/* The 2.0.1 table: Heartbeat alone, against the 2.0.1 schema. */
static struct action rows201[] = {
    {"Heartbeat", fake_heartbeat, NULL, NULL, ACT_INLINE | ACT_BEAT},
};

const struct action *actions201_find(const char *name)
{
	return !strcmp(name, "Heartbeat") ? &rows201[0] : NULL;
}

/* ---- helpers ----------------------------------------------------------- */

static struct db fake_db;
static struct batch fake_batch;
static struct csms_config cfg;

static void fresh(void)
{
	for (int i = 0; i < nqueued; i++)
		queued[i]->ops->free(queued[i]);
	nqueued = nsent = replies = queue_full = best_effort_seen = 0;
	depth = 0;
	cfg.boot_pending_backlog = 0;
	cfg.boot_pending_interval = 0;
	seen_writes = prefetched = nlogged = 0;
	memset(&ses, 0, sizeof ses);
	memset(&lnk, 0, sizeof lnk);
	lnk.cp_id = "CP1";
	lnk.ref = 42;
	lnk.live = 1;
	lnk.up = &ses;
	fake_batch.db = &fake_db;
	fake_batch.cfg = &cfg;
	dispatch_init(&cfg, schemas);
	dispatch_set_201(schemas201);
}

static void frame_in(const char *text)
{
	dispatch_frame(&lnk, text, strlen(text));
}

/* The worker's part for queued job i: prefetch, run, commit. */
static enum hres work(int i)
{
	struct job *j = queued[i];
	if (j->ops->prefetch)
		j->ops->prefetch(j, &fake_batch);
	j->r = j->ops->run(j, &fake_batch);
	if (j->ops->committed)
		j->ops->committed(j);
	return j->r;
}

/* The loop's part: done (or fail), then free. */
static void finish(int i, int unavailable)
{
	struct job *j = queued[i];
	if (unavailable) {
		if (j->ops->fail)
			j->ops->fail(j);
	} else if (j->ops->done) {
		j->ops->done(j, j->r);
	}
	j->ops->free(j);
	queued[i] = queued[--nqueued];
}

/* ---- tests ---------------------------------------------------------- */

static void test_unknown_and_invalid_calls_answered_at_once(void)
{
	fresh();
	frame_in("[2,\"a\",\"Teleport\",{}]");
	frame_in("[2,\"b\",\"Reset\",{\"type\":\"Soft\"}]");
	frame_in("[2,\"c\",\"Authorize\",{}]");
	CHECK_INT(nsent, 3);
	CHECK(strstr(sent[0], "\"NotImplemented\""));
	CHECK(strstr(sent[1], "\"NotSupported\""));
	CHECK(strstr(sent[2], "[4,\"c\",\"OccurenceConstraintViolation\""));
	/* Nothing for the database but the first sign of life. */
	CHECK_INT(nqueued, 1);
	CHECK_STR(queued[0]->what, "last_seen");
	CHECK_INT(best_effort_seen, 1);
}

/* A 2.0.1 link: its own table and 2.0.1's codes and CALLERROR rules. */
static void test_201_link_codes(void)
{
	fresh();
	lnk.proto = OCPP_P201;
	frame_in("[2,\"a\",\"Teleport\",{}]");
	frame_in("[2,\"b\",\"GetVariables\",{}]");
	frame_in("[2,\"c\",\"Heartbeat\",{\"x\":1}]");
	frame_in("[2,\"d\",\"Authorize\",{}]");
	frame_in("[7,\"e\",\"Heartbeat\",{}]");
	frame_in("[2,\"f\",\"Heartbeat\"]");
	frame_in("[2,\"h\",\"Heartbeat\",{}]");
	CHECK_INT(nsent, 7);
	CHECK(strstr(sent[0], "[4,\"a\",\"NotImplemented\""));
	CHECK(strstr(sent[1], "[4,\"b\",\"NotSupported\""));
	CHECK(strstr(sent[2], "[4,\"c\",\"FormatViolation\""));
	/* Known to 2.0.1, not in this link's table. */
	CHECK(strstr(sent[3], "[4,\"d\",\"NotSupported\""));
	CHECK(strstr(sent[4], "[4,\"e\",\"MessageTypeNotSupported\""));
	CHECK(strstr(sent[5], "[4,\"f\",\"RpcFrameworkError\""));
	CHECK(!strncmp(sent[6], "[3,\"h\",", 7));
	/* The same frames on a 1.6 link: 1.6's codes, the type ignored. */
	fresh();
	frame_in("[2,\"c\",\"Heartbeat\",{\"x\":1}]");
	frame_in("[7,\"e\",\"Heartbeat\",{}]");
	frame_in("[2,\"f\",\"Heartbeat\"]");
	CHECK_INT(nsent, 2);
	CHECK(strstr(sent[0], "[4,\"c\",\"FormationViolation\""));
	CHECK(strstr(sent[1], "[4,\"f\",\"FormationViolation\""));
}

static void test_inline_call_answered_on_the_loop(void)
{
	fresh();
	frame_in("[2,\"h\",\"Heartbeat\",{}]");
	CHECK_INT(nsent, 1);
	CHECK_STR(sent[0],
	          "[3,\"h\",{\"currentTime\":\"2026-01-01T00:00:00Z\"}]");
	CHECK(ses.hb_seen_ms > 0);
	/* The beat and the sign of life: one write, with the beat. */
	CHECK_INT(nqueued, 1);
	CHECK(((struct seen_job *)queued[0])->beat_ms > 0);
}

static void test_call_answered_after_its_job_committed(void)
{
	fresh();
	frame_in("[2,\"x1\",\"Authorize\",{\"idTag\":\"T1\"}]");
	CHECK_INT(nsent, 0); /* nothing before the commit */
	CHECK_INT(nqueued, 2);
	CHECK_STR(queued[0]->what, "Authorize");
	CHECK_STR(routes[0], "CP1"); /* the charge point's own queue */
	CHECK_INT(work(0), H_OK);
	CHECK_INT(prefetched, 1);
	CHECK_INT(nsent, 0); /* committed, not yet on the loop */
	finish(0, 0);
	CHECK_INT(nsent, 1);
	CHECK_STR(sent[0],
	          "[3,\"x1\",{\"idTagInfo\":{\"status\":\"Accepted\"}}]");
}

static void test_boot_status_set_by_the_reply(void)
{
	fresh();
	frame_in("[2,\"b1\",\"BootNotification\",{\"chargePointVendor\":\"V\","
	         "\"chargePointModel\":\"M\"}]");
	CHECK(ses.boot_seen);
	CHECK_INT(work(0), H_OK);
	CHECK_INT(ses.boot_status, BOOT_NONE);
	finish(0, 0);
	CHECK_INT(ses.boot_status, BOOT_PENDING);
	CHECK(strstr(sent[0], "\"Pending\""));
}

/* A reconnect wave: while the queue is deeper than boot_pending_backlog,
 * BootNotification is answered Pending on the loop, with no job, and an
 * interval in [base, 2 base]; at or below it, it goes to the database. */
static void test_boot_pending_while_the_queue_is_deep(void)
{
	const char *boot = "[2,\"p1\",\"BootNotification\",{"
	                   "\"chargePointVendor\":\"V\","
	                   "\"chargePointModel\":\"M\"}]";
	fresh();
	cfg.boot_pending_backlog = 100;
	cfg.boot_pending_interval = 3;
	depth = 101;
	frame_in(boot);
	CHECK_INT(nsent, 1);
	CHECK(!strncmp(sent[0], "[3,\"p1\",{\"status\":\"Pending\"", 25));
	const char *iv = strstr(sent[0], "\"interval\":");
	CHECK(iv != NULL);
	int interval = iv ? atoi(iv + 11) : -1;
	CHECK(interval >= 3 && interval <= 6);
	CHECK_INT(ses.boot_status, BOOT_PENDING);
	/* No job for it (the one queued is the sign of life). */
	CHECK_INT(nqueued, 1);
	CHECK_STR(queued[0]->what, "last_seen");

	fresh();
	cfg.boot_pending_backlog = 100;
	cfg.boot_pending_interval = 3;
	depth = 100;
	frame_in(boot);
	CHECK_INT(nsent, 0);
	CHECK_STR(queued[0]->what, "BootNotification");

	/* Other calls are never shaped; 0 turns it off. */
	fresh();
	cfg.boot_pending_backlog = 100;
	depth = 1000;
	frame_in("[2,\"x9\",\"Authorize\",{\"idTag\":\"T1\"}]");
	CHECK_STR(queued[0]->what, "Authorize");
	fresh();
	depth = 1000;
	frame_in(boot);
	CHECK_INT(nsent, 0);
	CHECK_STR(queued[0]->what, "BootNotification");
}

static void test_closed_link_gets_nothing(void)
{
	fresh();
	frame_in("[2,\"x2\",\"Authorize\",{\"idTag\":\"T1\"}]");
	work(0);
	lnk.live = 0; /* gone while the job ran */
	finish(0, 0);
	CHECK_INT(nsent, 0);
}

static void test_database_down_queue_full_and_shutdown(void)
{
	fresh();
	frame_in("[2,\"d1\",\"Authorize\",{\"idTag\":\"T1\"}]");
	finish(0, 1);
	CHECK_INT(nsent, 1);
	CHECK_STR(sent[0], "[4,\"d1\",\"InternalError\",\"database "
	                   "unavailable\",{}]");
	queue_full = 1;
	frame_in("[2,\"d2\",\"Authorize\",{\"idTag\":\"T1\"}]");
	CHECK_INT(nsent, 2);
	CHECK_STR(sent[1], "[4,\"d2\",\"InternalError\",\"server busy\",{}]");
	queue_full = 0;
	/* A transaction that failed twice. */
	frame_in("[2,\"d3\",\"Authorize\",{\"idTag\":\"T1\"}]");
	int k = nqueued - 1;
	queued[k]->r = H_DB_ERROR;
	finish(k, 0);
	CHECK_STR(sent[2],
	          "[4,\"d3\",\"InternalError\",\"database error\",{}]");
	dispatch_shutdown();
	frame_in("[2,\"d4\",\"Heartbeat\",{}]");
	CHECK_STR(sent[3], "[4,\"d4\",\"InternalError\",\"shutting down\",{}]");
}

static void test_replies_go_to_calls(void)
{
	fresh();
	frame_in("[3,\"cs-1\",{}]");
	frame_in("[4,\"cs-2\",\"NotSupported\",\"\",{}]");
	CHECK_INT(replies, 2);
	CHECK_INT(nsent, 0);
}

/* Every frame in and out goes to the message log once, with the action
 * of the CALL an answer belongs to, the job's reply included. */
static void test_every_frame_logged_with_its_action(void)
{
	fresh();
	frame_in("[2,\"x1\",\"Authorize\",{\"idTag\":\"T1\"}]");
	CHECK_STR(queued[0]->what, "Authorize");
	CHECK_INT(work(0), H_OK);
	finish(0, 0);
	frame_in("[2,\"h\",\"Heartbeat\",{}]");
	frame_in("[2,\"c\",\"Authorize\",{}]");
	frame_in("[3,\"ours\",{\"status\":\"Accepted\"}]");
	frame_in("[4,\"theirs\",\"InternalError\",\"\",{}]");
	frame_in("[2,\"broken\"");
	CHECK_INT(nlogged, 10);
	CHECK(!strncmp(logged[0], "in Authorize [2,\"x1\"",
	               strlen("in Authorize [2,\"x1\"")));
	CHECK(!strncmp(logged[1], "out Authorize [3,\"x1\"",
	               strlen("out Authorize [3,\"x1\"")));
	CHECK_STR(logged[2], "in Heartbeat [2,\"h\",\"Heartbeat\",{}]");
	CHECK(!strncmp(logged[3], "out Heartbeat [3,\"h\",",
	               strlen("out Heartbeat [3,\"h\",")));
	CHECK(!strncmp(logged[4], "in Authorize [2,\"c\"",
	               strlen("in Authorize [2,\"c\"")));
	CHECK(!strncmp(logged[5], "out Authorize [4,\"c\"",
	               strlen("out Authorize [4,\"c\"")));
	CHECK(!strncmp(logged[6], "in Reset [3,\"ours\"",
	               strlen("in Reset [3,\"ours\"")));
	CHECK(!strncmp(logged[7], "in! - [4,\"theirs\"",
	               strlen("in! - [4,\"theirs\"")));
	CHECK(!strncmp(logged[8], "in! - [2,\"broken\"",
	               strlen("in! - [2,\"broken\"")));
	CHECK(!strncmp(logged[9], "out - [4,\"broken\"",
	               strlen("out - [4,\"broken\"")));
}

static void test_seen_written_at_most_every_10_s(void)
{
	fresh();
	frame_in("[3,\"cs-1\",{}]");
	frame_in("[3,\"cs-2\",{}]");
	frame_in("[3,\"cs-3\",{}]");
	CHECK_INT(nqueued, 1); /* the first one only */
	CHECK_INT(work(0), H_OK);
	CHECK_INT(seen_writes, 1);
	finish(0, 0);
	/* Closing writes the newest time not yet written. */
	ses.seen_ms = ses.seen_written_ms + 1;
	dispatch_conn_closed(&lnk);
	CHECK_INT(nqueued, 1);
	finish(0, 0);
	dispatch_conn_closed(&lnk); /* nothing new: nothing queued */
	CHECK_INT(nqueued, 0);
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
		printf("FAIL schemas201_load: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		rows[i].schema = ocpp_schema_find(schemas, rows[i].name, 0);
	rows201[0].schema = ocpp_schema_find(schemas201, "Heartbeat", 0);
	RUN(test_unknown_and_invalid_calls_answered_at_once);
	RUN(test_inline_call_answered_on_the_loop);
	RUN(test_201_link_codes);
	RUN(test_call_answered_after_its_job_committed);
	RUN(test_boot_status_set_by_the_reply);
	RUN(test_boot_pending_while_the_queue_is_deep);
	RUN(test_closed_link_gets_nothing);
	RUN(test_database_down_queue_full_and_shutdown);
	RUN(test_replies_go_to_calls);
	RUN(test_every_frame_logged_with_its_action);
	RUN(test_seen_written_at_most_every_10_s);
	fresh();
	ocpp_schemas_free(schemas);
	ocpp_schemas_free(schemas201);
	return check_total_failed_ ? 1 : 0;
}
