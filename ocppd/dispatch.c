/*
 * dispatch.c — the path of a frame through the action table; see
 * dispatch.h.
 *
 * Runs on the event loop, so nothing here blocks: calls that touch the
 * database become jobs for dbq (struct call_job below), answered from
 * their done hook once committed.  Errors become CALLERRORs in exactly
 * one way (rpc.c).
 */
#include "dispatch.h"

#include "boot_shape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "actions201.h"
#include "batch.h"
#include "boot_shape.h"
#include "calls.h"
#include "dbq.h"
#include "handlers.h"
#include "jsonutil.h"
#include "certs.h"
#include "load_mgmt.h"
#include "log.h"
#include "log_frame.h"
#include "oplog.h"
#include "reply_latency.h"
#include "rpc.h"
#include "session.h"
#include "timeutil.h"
#include "ws.h"

/*
 * last_seen (any frame) and last_heartbeat (a Heartbeat) are written at
 * most this often per link, the newest times again when the link closes.
 * A busy charge point may never send a Heartbeat (its interval counts
 * inactivity), so "seen" is what says a charger is alive; writing it for
 * every frame would cost a row update per message for a column that says
 * "seen recently".
 */
#define SEEN_WRITE_MS 10000

static struct {
	const struct csms_config *cfg;
	const ocpp_schemas *schemas, *schemas201;
	unsigned vflags;
	int shutting_down;
} d;

int dispatch_init(const struct csms_config *cfg, const ocpp_schemas *schemas)
{
	d.cfg = cfg;
	d.schemas = schemas;
	d.schemas201 = NULL;
	d.vflags = cfg->lenient_unknown_properties ? OCPP_V_LENIENT_UNKNOWN : 0;
	d.shutting_down = 0;
	return 0;
}

void dispatch_set_201(const ocpp_schemas *schemas201)
{
	d.schemas201 = schemas201;
}

void dispatch_shutdown(void)
{
	d.shutting_down = 1;
}

/* A reply's frame (text taken), logged; NULL when out of memory. */
static struct frame *reply_frame(const char *cp_id, char *text, size_t len)
{
	if (!text) {
		log_error("ocpp: %s | out of memory building a reply", cp_id);
		return NULL;
	}
	struct frame *f = frame_take(text, len);
	if (f)
		log_frame(cp_id, "->", frame_text(f), len);
	return f;
}

/* v201: the link speaks OCPP 2.0.1, whose codes differ (rpc.h). */
static struct frame *error_frame(const char *cp_id, int v201, const char *id,
                                 enum rpc_error e, const char *desc)
{
	size_t len = 0;
	char *text =
	    rpc_error_text(id, rpc_error_for_proto(e, v201), desc, &len);
	return reply_frame(cp_id, text, len);
}

/* Every frame to the charge point from here goes out through this:
 * action is the CALL it answers, for the message log. */
static void send_reply(struct conn *c, const char *action, struct frame *f)
{
	oplog_sent(c->cp_id, action, frame_text(f), f->len);
	ws_send(c, f);
}

static void send_error_for(struct conn *c, const char *action, const char *id,
                           enum rpc_error e, const char *desc)
{
	struct frame *f =
	    error_frame(c->cp_id, c->proto == OCPP_P201, id, e, desc);
	if (f)
		send_reply(c, action, f);
}

/* ---- the OCPP call job ------------------------------------------------
 * run: the handler, on a worker inside the batch's transaction;
 * committed: the reply's text and the audit line, still on the worker;
 * done: the reply goes to the link, if it is still there. */

struct call_job {
	struct job job;
	const struct action *act;
	int v201;       /* the link speaks OCPP 2.0.1 */
	uint64_t conn;  /* the link's reference (ws.h) */
	cJSON *payload; /* owned */
	cJSON *conf;    /* the handler's confirmation, owned */
	struct frame *reply;
	int64_t now_ms;
	int64_t rx_us; /* the frame read (reply_latency.h) */
	struct hctx ctx;
	char uid[RPC_ID_MAX + 1];
	char cp_id[];
};

static void call_prefetch(struct job *j, struct batch *b)
{
	struct call_job *k = (struct call_job *)j;
	if (k->act->prefetch)
		k->act->prefetch(&b->pf, k->cp_id, k->payload);
}

static enum hres call_run(struct job *j, struct batch *b)
{
	struct call_job *k = (struct call_job *)j;
	memset(&k->ctx, 0, sizeof k->ctx);
	k->ctx.db = b->db;
	k->ctx.txc = &b->txc;
	k->ctx.co = &b->co;
	k->ctx.pf = &b->pf;
	k->ctx.cfg = b->cfg;
	k->ctx.cp_id = k->cp_id;
	k->ctx.now_ms = k->now_ms;
	/* A batch that failed runs again: start from nothing. */
	cJSON_Delete(k->conf);
	k->conf = cJSON_CreateObject();
	if (!k->conf)
		return H_INTERNAL;
	return k->act->handler(&k->ctx, k->payload, k->conf);
}

static void call_committed(struct job *j)
{
	struct call_job *k = (struct call_job *)j;
	if (j->r == H_OK) {
		if (k->ctx.audit[0])
			log_info("ocpp: %s | %s | %s", k->cp_id, k->act->name,
			         k->ctx.audit);
		if (k->ctx.session_moved)
			load_mgmt_poke();
		if (k->ctx.cert_requested)
			certs_poke();
		size_t len = 0;
		char *text = rpc_result_text(k->uid, k->conf, &len);
		k->conf = NULL; /* owned by rpc_result_text now */
		k->reply = reply_frame(k->cp_id, text, len);
		if (!k->reply)
			k->reply =
			    error_frame(k->cp_id, k->v201, k->uid,
			                RPC_INTERNAL_ERROR, "out of memory");
		return;
	}
	enum rpc_error e =
	    rpc_error_for_proto(rpc_error_for_handler(j->r), k->v201);
	log_warn("ocpp: %s | %s | %s: %s", k->cp_id, k->act->name,
	         rpc_error_code(e), k->ctx.err);
	k->reply = error_frame(k->cp_id, k->v201, k->uid, e,
	                       k->ctx.err[0] ? k->ctx.err : "failed");
}

static void call_done(struct job *j, enum hres r)
{
	struct call_job *k = (struct call_job *)j;
	if (r == H_DB_ERROR && !k->reply) {
		/* Its own transaction failed too. */
		log_warn("ocpp: %s | %s | %s: database error", k->cp_id,
		         k->act->name, rpc_error_code(RPC_INTERNAL_ERROR));
		k->reply = error_frame(k->cp_id, k->v201, k->uid,
		                       RPC_INTERNAL_ERROR, "database error");
	}
	struct conn *c = ws_conn_by_ref(k->conn);
	if (!c || !k->reply)
		return;
	if (r == H_OK && k->ctx.boot_status)
		c->up->boot_status = (uint8_t)k->ctx.boot_status;
	send_reply(c, k->act->name, k->reply);
	k->reply = NULL;
	reply_latency_add(k->rx_us);
}

static void call_fail(struct job *j)
{
	struct call_job *k = (struct call_job *)j;
	log_warn("ocpp: %s | %s | InternalError: database unavailable",
	         k->cp_id, k->act->name);
	struct conn *c = ws_conn_by_ref(k->conn);
	if (c)
		send_error_for(c, k->act->name, k->uid, RPC_INTERNAL_ERROR,
		               "database unavailable");
}

static void call_free(struct job *j)
{
	struct call_job *k = (struct call_job *)j;
	cJSON_Delete(k->payload);
	cJSON_Delete(k->conf);
	frame_free_list(k->reply);
	free(k);
}

static const struct job_ops call_ops = {.prefetch = call_prefetch,
                                        .run = call_run,
                                        .committed = call_committed,
                                        .done = call_done,
                                        .fail = call_fail,
                                        .free = call_free};

/* When the frame being dispatched was read (loop thread). */
static int64_t frame_rx_us;

static void queue_call(struct conn *c, struct rpc_msg *m,
                       const struct action *act, int64_t now)
{
	size_t len = strlen(c->cp_id);
	/* Not calloc: the context is cleared when it runs. */
	struct call_job *k = malloc(sizeof *k + len + 1);
	if (!k) {
		send_error_for(c, m->action, m->id, RPC_INTERNAL_ERROR,
		               "out of memory");
		return;
	}
	memset(k, 0, offsetof(struct call_job, ctx));
	memcpy(k->cp_id, c->cp_id, len + 1);
	k->job.ops = &call_ops;
	k->job.who = k->cp_id;
	k->job.what = act->name;
	k->act = act;
	k->v201 = c->proto == OCPP_P201;
	k->conn = c->ref;
	k->now_ms = now;
	k->rx_us = frame_rx_us;
	snprintf(k->uid, sizeof k->uid, "%s", m->id);
	/* The payload moves to the job: no copy. */
	k->payload = cJSON_DetachItemFromArray(m->root, 3);
	if (dbq_submit(&k->job, k->cp_id, 0)) {
		call_free(&k->job);
		log_warn("ocpp: %s | %s | InternalError: database queue full",
		         c->cp_id, act->name);
		send_error_for(c, m->action, m->id, RPC_INTERNAL_ERROR,
		               "server busy");
	}
}

static void run_inline(struct conn *c, struct rpc_msg *m,
                       const struct action *act, int64_t now)
{
	struct hctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.cfg = d.cfg;
	ctx.cp_id = c->cp_id;
	ctx.now_ms = now;
	cJSON *conf = cJSON_CreateObject();
	enum hres r = conf ? act->handler(&ctx, m->payload, conf) : H_INTERNAL;
	if (r != H_OK) {
		cJSON_Delete(conf);
		enum rpc_error e = rpc_error_for_handler(r);
		log_warn("ocpp: %s | %s | %s: %s", c->cp_id, m->action,
		         rpc_error_code(e), ctx.err);
		send_error_for(c, m->action, m->id, e, ctx.err);
		return;
	}
	if (ctx.audit[0])
		log_info("ocpp: %s | %s | %s", c->cp_id, m->action, ctx.audit);
	size_t len = 0;
	char *text = rpc_result_text(m->id, conf, &len);
	struct frame *f = reply_frame(c->cp_id, text, len);
	if (f) {
		send_reply(c, act->name, f);
		reply_latency_add(frame_rx_us);
	}
}

/* ---- BootNotification under load ---------------------------------------
 * A reconnect wave brings every charge point's BootNotification and
 * StatusNotifications at once.  While the database queue is deeper than
 * boot_pending_backlog, a BootNotification is answered Pending here, on
 * the loop, without a database job: the charge point sends nothing else
 * until it boots again after the interval (OCPP 1.6 4.2), so the queue
 * drains and no one is refused or timed out.  The interval is the time
 * the queue takes to drain (boot_shape.c), at most boot_pending_interval,
 * spread by identity so the retries do not come back as one wave. */

static int db_backlog(void)
{
	int n = 0;
	for (int i = 0; i < dbq_workers(); i++)
		n += dbq_depth(i);
	return n;
}

static int boot_overloaded(const struct action *act)
{
	return d.cfg->boot_pending_backlog > 0 &&
	       !strcmp(act->name, "BootNotification") &&
	       db_backlog() > d.cfg->boot_pending_backlog;
}

static void boot_pending(struct conn *c, struct rpc_msg *m, int64_t now)
{
	unsigned h = 2166136261u; /* FNV-1a of the identity */
	for (const char *p = c->cp_id; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	static struct boot_shape shape;
	int backlog = db_backlog();
	int interval =
	    boot_shape_interval(&shape, now, dbq_done_total(), backlog,
	                        d.cfg->boot_pending_interval, h);
	char ts[32];
	time_format_iso8601(now, ts);
	cJSON *conf = cJSON_CreateObject();
	if (!conf || json_add_str(conf, "status", "Pending") ||
	    json_add_str(conf, "currentTime", ts) ||
	    json_add_int(conf, "interval", interval)) {
		cJSON_Delete(conf);
		send_error_for(c, m->action, m->id, RPC_INTERNAL_ERROR,
		               "out of memory");
		return;
	}
	c->up->boot_status = BOOT_PENDING;
	log_info("ocpp: %s | BootNotification | Pending for %d s: %d "
	         "database jobs queued",
	         c->cp_id, interval, backlog);
	size_t len = 0;
	char *text = rpc_result_text(m->id, conf, &len);
	struct frame *f = reply_frame(c->cp_id, text, len);
	if (f)
		send_reply(c, m->action, f);
}

/* ---- last_seen and last_heartbeat ------------------------------------ */

struct seen_job {
	struct job job;
	int64_t seen_ms, beat_ms; /* beat: DB_NULL_TIME when none */
	char cp_id[];
};

static enum hres seen_run(struct job *j, struct batch *b)
{
	struct seen_job *s = (struct seen_job *)j;
	return coalesce_seen(&b->co, b->db, s->cp_id, s->seen_ms, s->beat_ms)
	           ? H_DB_ERROR
	           : H_OK;
}

static void seen_free(struct job *j)
{
	free(j);
}

/* Best effort: a lost write is made good by the next one. */
static const struct job_ops seen_ops = {.run = seen_run, .free = seen_free};

/* Queues the best-effort write of the newest frame and beat times. */
static void touch(struct conn *c)
{
	struct session *s = c->up;
	size_t len = strlen(c->cp_id);
	struct seen_job *j = malloc(sizeof *j + len + 1);
	if (!j)
		return;
	memset(j, 0, sizeof *j);
	memcpy(j->cp_id, c->cp_id, len + 1);
	j->job.ops = &seen_ops;
	j->job.who = j->cp_id;
	j->job.what = "last_seen";
	j->seen_ms = s->seen_ms;
	j->beat_ms =
	    s->hb_seen_ms > s->hb_written_ms ? s->hb_seen_ms : DB_NULL_TIME;
	if (dbq_submit(&j->job, j->cp_id, 1)) {
		free(j);
		return;
	}
	s->seen_written_ms = s->seen_ms;
	s->hb_written_ms = s->hb_seen_ms;
}

void dispatch_conn_closed(struct conn *c)
{
	if (c->up->seen_ms > c->up->seen_written_ms)
		touch(c);
}

/* Every frame is a sign of life (a Heartbeat set hb_seen_ms already);
 * a beat not yet written has its own 10 s, so the first Heartbeat after a
 * boot shows at once. */
static void seen(struct conn *c, int64_t now)
{
	struct session *s = c->up;
	s->seen_ms = now;
	if (now - s->seen_written_ms >= SEEN_WRITE_MS ||
	    (s->hb_seen_ms > s->hb_written_ms &&
	     now - s->hb_written_ms >= SEEN_WRITE_MS))
		touch(c);
}

/* ---- the path of a frame ---------------------------------------------- */

static void dispatch_call(struct conn *c, struct rpc_msg *m)
{
	char msg[256];
	/* One action table per protocol, chosen by the link's subprotocol. */
	int v201 = c->proto == OCPP_P201;
	const struct action *act =
	    v201 ? actions201_find(m->action) : actions_find(m->action);
	enum rpc_error e =
	    act ? rpc_check_call(act->schema, m->action, m->payload, d.vflags,
	                         msg, sizeof msg)
	        : rpc_unknown_action(v201 ? d.schemas201 : d.schemas, m->action,
	                             msg, sizeof msg);
	if (e != RPC_OK) {
		log_warn("ocpp: %s | %.64s | %s: %s", c->cp_id, m->action,
		         rpc_error_code(rpc_error_for_proto(e, v201)), msg);
		send_error_for(c, m->action, m->id, e, msg);
		return;
	}
	if (d.shutting_down) {
		send_error_for(c, m->action, m->id, RPC_INTERNAL_ERROR,
		               "shutting down");
		return;
	}
	struct session *s = c->up;
	if (!strcmp(act->name, "BootNotification")) {
		s->boot_seen = 1;
	} else if (!s->boot_seen && !s->preboot_logged) {
		/* Normal after a server restart: the charge point keeps its
		 * session.  Processed; noted once per connection. */
		log_info("ocpp: %s | %s before BootNotification on this "
		         "connection (processed)",
		         c->cp_id, act->name);
		s->preboot_logged = 1;
	}
	int64_t now = time_now_ms();
	if (act->flags & ACT_BEAT)
		s->hb_seen_ms = now;
	if (act->flags & ACT_INLINE)
		run_inline(c, m, act, now);
	else if (boot_overloaded(act))
		boot_pending(c, m, now);
	else
		queue_call(c, m, act, now);
}

void dispatch_frame(struct conn *c, const char *text, size_t len)
{
	frame_rx_us = time_mono_us();
	log_frame(c->cp_id, "<-", text, len);
	int64_t now = time_now_ms();
	struct rpc_msg m;
	enum rpc_kind kind = rpc_parse(text, len, &m);
	oplog_received(c->cp_id, kind == RPC_CALLERROR || kind <= RPC_IGNORE,
	               kind == RPC_CALL ? m.action : calls_answered(c, &m),
	               text, len);
	switch (kind) {
	case RPC_CALL:
		dispatch_call(c, &m);
		break;
	case RPC_REJECT:
		/* OCPP-J 2.0.1 4.2.3: a CALL that is not a valid RPC request
		 * (the envelope, not the payload) is an RpcFrameworkError. */
		if (c->proto == OCPP_P201 && m.envelope)
			m.error = RPC_RPC_FRAMEWORK_ERROR;
		if (m.has_id) {
			log_warn("ocpp: %s | %s: %s", c->cp_id,
			         rpc_error_code(rpc_error_for_proto(
			             m.error, c->proto == OCPP_P201)),
			         m.why);
			send_error_for(c, NULL, m.id, m.error, m.why);
		} else {
			log_warn("ocpp: %s | %s (no uniqueId to answer to)",
			         c->cp_id, m.why);
		}
		break;
	case RPC_IGNORE:
		/* 1.6 ignores an unknown message type; 2.0.1 answers it. */
		if (c->proto == OCPP_P201 && m.unknown_type && m.has_id) {
			log_warn("ocpp: %s | MessageTypeNotSupported",
			         c->cp_id);
			send_error_for(c, NULL, m.id,
			               RPC_MESSAGE_TYPE_NOT_SUPPORTED,
			               "unknown messageTypeId");
			break;
		}
		log_info("ocpp: %s | ignored: %s", c->cp_id, m.why);
		break;
	case RPC_CALLRESULT:
	case RPC_CALLERROR:
		/* The answer to a command from the control socket. */
		calls_reply(c, &m);
		break;
	}
	seen(c, now);
	rpc_msg_free(&m);
}
