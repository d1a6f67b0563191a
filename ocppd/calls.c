/*
 * calls.c — Central System -> Charge Point calls; see calls.h.
 *
 * A call lives in two lists: its link's queue (struct conn: call_head is
 * the one on the wire once sent) and one list of every call, which the
 * tick walks for deadlines.  Both are short: CALLS_QUEUE_MAX per link,
 * and only links that were sent commands have any.
 */
#include "calls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmdlog.h"
#include "files_op.h"
#include "db.h"
#include "log.h"
#include "log_frame.h"
#include "nodetag.h"
#include "oplog.h"
#include "send.h"
#include "handlers.h"
#include "session.h"
#include "timeutil.h"
#include "ws.h"

struct call {
	struct call *next;                /* on its link */
	struct call *all_prev, *all_next; /* every call */
	struct conn *conn;
	const struct send_op *op;
	const ocpp_schema *conf; /* the op's answer schema, of its protocol */
	uint64_t client;
	cJSON *payload; /* owned */
	char uid[RPC_ID_MAX + 1];
	int64_t created_ms, deadline_ms;
	int timeout_s;
	char requested_by[CONTROL_WHO_MAX + 1];
	unsigned sent : 1;
};

/* Sorted by action (ctl_proto.h); the op name on the control socket is
 * the action. */
#define SEND_OP_PTR(action, symbol) &send_##symbol,
static const struct send_op *const ops[] = {CTL_COMMANDS(SEND_OP_PTR)};
#undef SEND_OP_PTR
#define SEND_OP_NAME(action, symbol) #action,
static const char *const op_names[] = {CTL_COMMANDS(SEND_OP_NAME)};
#undef SEND_OP_NAME

#define NOPS (sizeof ops / sizeof ops[0])

/* The OCPP 2.0.1 commands, under the same op names where 2.0.1 kept the
 * action's name (Reset, ...), sorted likewise. */
#define SEND201_OP_PTR(action, symbol) &send201_##symbol,
static const struct send_op *const ops201[] = {CTL_COMMANDS201(SEND201_OP_PTR)};
#undef SEND201_OP_PTR
#define NOPS201 (sizeof ops201 / sizeof ops201[0])

/* One protocol's commands: an op list and its schemas. */
struct op_table {
	const struct send_op *const *ops;
	size_t n;
	const ocpp_schema **req, **conf;
	const char *version; /* "1.6", "2.0.1": for messages */
};

static struct {
	const struct csms_config *cfg;
	const ocpp_schemas *schemas;
	const ocpp_schema *req[NOPS], *conf[NOPS];
	const ocpp_schema *req201[NOPS201], *conf201[NOPS201];
	struct op_table t16, t201;
	struct call *all;
	unsigned n;
	uint64_t seq;
	int64_t epoch;
	char tag[NODETAG_MAX + 1]; /* node_id's, "" for a single node */
} cs;

int calls_init(const struct csms_config *cfg, const ocpp_schemas *schemas,
               char *err, size_t errlen)
{
	cs.cfg = cfg;
	cs.schemas = schemas;
	cs.epoch = time_now_ms();
	nodetag_uid_tag(cfg->node_id, cs.tag);
	for (size_t i = 0; i < NOPS; i++) {
		/* A send_op under the wrong name would break the search. */
		if (strcmp(ops[i]->action, op_names[i])) {
			snprintf(err, errlen, "send_op %s is not %s",
			         ops[i]->action, op_names[i]);
			return -1;
		}
		cs.req[i] = ocpp_schema_find(schemas, ops[i]->action, 0);
		cs.conf[i] = ocpp_schema_find(schemas, ops[i]->action, 1);
		if (!cs.req[i] || !cs.conf[i]) {
			snprintf(err, errlen, "no schema for %s",
			         ops[i]->action);
			return -1;
		}
	}
	cs.t16 = (struct op_table){ops, NOPS, cs.req, cs.conf, "1.6"};
	cs.t201 =
	    (struct op_table){ops201, NOPS201, cs.req201, cs.conf201, "2.0.1"};
	return 0;
}

int calls_init201(const ocpp_schemas *schemas201, char *err, size_t errlen)
{
	for (size_t i = 0; i < NOPS201; i++) {
		if (i &&
		    strcmp(ops201[i - 1]->action, ops201[i]->action) >= 0) {
			snprintf(err, errlen,
			         "2.0.1 send_op %s is out of order",
			         ops201[i]->action);
			return -1;
		}
		cs.req201[i] =
		    ocpp_schema_find(schemas201, ops201[i]->action, 0);
		cs.conf201[i] =
		    ocpp_schema_find(schemas201, ops201[i]->action, 1);
		if (!cs.req201[i] || !cs.conf201[i]) {
			snprintf(err, errlen, "no 2.0.1 schema for %s",
			         ops201[i]->action);
			return -1;
		}
	}
	return 0;
}

static int table_index(const struct op_table *t, const char *name)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, t->ops[mid]->action);
		if (!c)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static int op_index(const char *name)
{
	return table_index(&cs.t16, name);
}

int calls_is_action(const char *op)
{
	return op_index(op) >= 0 || table_index(&cs.t201, op) >= 0;
}

void calls_new_uid(char out[RPC_ID_MAX + 1])
{
	/* Unique per run (the counter), across restarts (the start time)
	 * and across the nodes of a cluster (the node's tag: the commands
	 * table holds every node's uids under one unique key), so a late
	 * answer can never match a new call.  Cannot overflow in practice
	 * (nodetag.h); if it did, the counter restarts with a new epoch. */
	if (nodetag_uid(out, RPC_ID_MAX + 1, cs.tag, cs.epoch, ++cs.seq)) {
		cs.epoch = time_now_ms();
		cs.seq = 1;
		nodetag_uid(out, RPC_ID_MAX + 1, cs.tag, cs.epoch, cs.seq);
	}
}

unsigned calls_pending(void)
{
	return cs.n;
}

unsigned calls_pending_on(const struct conn *c)
{
	unsigned n = 0;
	for (const struct call *k = c->up->call_head; k; k = k->next)
		n++;
	return n;
}

void send_audit_status(const cJSON *conf, char *out, size_t outlen)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(conf, "status");
	if (cJSON_IsString(st))
		snprintf(out, outlen, "status=%s", st->valuestring);
	else
		snprintf(out, outlen, "answered");
}

/* What the history keeps of a payload: secrets masked. */
static cJSON *for_history(const struct send_op *op, const cJSON *payload)
{
	cJSON *p = cJSON_Duplicate(payload, 1);
	if (p && !strcmp(op->action, "ChangeConfiguration")) {
		const cJSON *key = cJSON_GetObjectItemCaseSensitive(p, "key");
		if (cJSON_IsString(key) &&
		    !strcasecmp(key->valuestring, "AuthorizationKey"))
			cJSON_ReplaceItemInObjectCaseSensitive(
			    p, "value", cJSON_CreateString("********"));
	}
	return p;
}

static void record(const char *cp_id, const struct call *k, int64_t finished,
                   const char *status, const cJSON *response)
{
	cJSON *p = for_history(k->op, k->payload);
	/* Refusals never were pending: they have no link. */
	cmdlog_submit(cp_id, k->uid, k->op->action, p, k->requested_by,
	              k->created_ms, finished, status, response,
	              k->conn && finished != DB_NULL_TIME);
	cJSON_Delete(p);
}

/* A command refused before it was queued: answered and recorded. */
static void refuse(const struct control_req *r, const struct send_op *op,
                   const cJSON *payload, const char *status, const char *code,
                   cJSON *extra, const char *msg)
{
	int64_t now = time_now_ms();
	char uid[RPC_ID_MAX + 1];
	calls_new_uid(uid);
	cJSON *resp = cJSON_CreateObject();
	if (resp) {
		cJSON_AddStringToObject(resp, "code", code);
		cJSON_AddStringToObject(resp, "message", msg);
	}
	struct call k = {
	    .op = op, .payload = (cJSON *)payload, .created_ms = now};
	snprintf(k.uid, sizeof k.uid, "%s", uid);
	snprintf(k.requested_by, sizeof k.requested_by, "%s", r->requested_by);
	record(r->cp_id, &k, now, status, resp);
	cJSON_Delete(resp);
	log_info("ocpp: %s | %s | refused: %s: %s", r->cp_id, op->action, code,
	         msg);
	control_fail(r->client, code, extra, "%s", msg);
}

static void unlink_all(struct call *k)
{
	if (k->all_prev)
		k->all_prev->all_next = k->all_next;
	else
		cs.all = k->all_next;
	if (k->all_next)
		k->all_next->all_prev = k->all_prev;
	k->all_prev = k->all_next = NULL;
	cs.n--;
}

/* Takes k out of its link's queue (anywhere in it). */
static void unlink_conn(struct call *k)
{
	struct conn *c = k->conn;
	struct call **pp = &c->up->call_head, *prev = NULL;
	while (*pp && *pp != k) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return;
	*pp = k->next;
	if (c->up->call_tail == k)
		c->up->call_tail = prev;
	k->next = NULL;
}

static void call_free(struct call *k)
{
	cJSON_Delete(k->payload);
	free(k);
}

/* Puts the head of c's queue on the wire, if it is not there yet. */
static void kick(struct conn *c)
{
	struct call *k = c->up->call_head;
	if (!k || k->sent || c->closing)
		return;
	cJSON *p = cJSON_Duplicate(k->payload, 1);
	size_t len = 0;
	char *text = p ? rpc_call_text(k->uid, k->op->action, p, &len) : NULL;
	struct frame *f = frame_take(text, len);
	if (!f) {
		log_error("ocpp: %s | %s | out of memory building the call",
		          c->cp_id, k->op->action);
		return; /* the deadline answers it */
	}
	k->sent = 1;
	log_frame(c->cp_id, "->", frame_text(f), f->len);
	oplog_sent(c->cp_id, k->op->action, frame_text(f), f->len);
	ws_send(c, f);
}

/* Ends call k (already out of both lists) with an error. */
static void fail_call(struct call *k, const char *cp_id, const char *status,
                      const char *code, const char *msg)
{
	int64_t now = time_now_ms();
	cJSON *resp = cJSON_CreateObject();
	if (resp) {
		cJSON_AddStringToObject(resp, "code", code);
		cJSON_AddStringToObject(resp, "message", msg);
	}
	record(cp_id, k, now, status, resp);
	cJSON_Delete(resp);
	log_info("ocpp: %s | %s (by %s) | %s: %s", cp_id, k->op->action,
	         k->requested_by[0] ? k->requested_by : "-", code, msg);
	control_fail(k->client, code, NULL, "%s", msg);
	call_free(k);
}

/* op i of t: its payload from params (build), or -1 with why. */
static int build_payload(const struct send_op *op, const cJSON *params,
                         cJSON **payload, char *why, size_t whylen)
{
	*payload = NULL;
	if (op->build) {
		why[0] = '\0';
		if (op->build(params, payload, why, whylen)) {
			if (!why[0])
				snprintf(why, whylen, "out of memory");
			return -1;
		}
	} else {
		*payload = cJSON_Duplicate(params, 1);
	}
	return 0;
}

/* The table an op name is checked in when the station's protocol is not
 * known (bulk checks, a station not connected): 1.6's, unless only 2.0.1
 * has the name or the params are a 2.0.1 payload of a name both have. */
static const struct op_table *table_unknown_proto(const char *name,
                                                  const cJSON *params)
{
	int i = op_index(name), j = table_index(&cs.t201, name);
	if (i < 0)
		return j < 0 ? NULL : &cs.t201;
	if (j < 0)
		return &cs.t16;
	char why[256];
	cJSON *p16 = NULL, *p201 = NULL;
	int ok16 =
	    !build_payload(ops[i], params, &p16, why, sizeof why) && p16 &&
	    ocpp_validate(cs.req[i], p16, 0, why, sizeof why) == OCPP_VALID;
	int ok201 =
	    !ok16 &&
	    !build_payload(ops201[j], params, &p201, why, sizeof why) && p201 &&
	    ocpp_validate(cs.req201[j], p201, 0, why, sizeof why) == OCPP_VALID;
	cJSON_Delete(p16);
	cJSON_Delete(p201);
	return ok201 ? &cs.t201 : &cs.t16;
}

int calls_check(const char *op_name, const cJSON *params, char *why,
                size_t whylen, const char **ocpp_error)
{
	const struct op_table *t = table_unknown_proto(op_name, params);
	*ocpp_error = NULL;
	if (!t) {
		snprintf(why, whylen, "no such command");
		return -1;
	}
	int i = table_index(t, op_name);
	cJSON *payload = NULL;
	if (build_payload(t->ops[i], params, &payload, why, whylen))
		return -1;
	if (!payload) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	enum ocpp_verr v = ocpp_validate(t->req[i], payload, 0, why, whylen);
	cJSON_Delete(payload);
	if (v != OCPP_VALID) {
		*ocpp_error = ocpp_verr_code(v);
		return -1;
	}
	return 0;
}

/* The other protocol's name for an action that was renamed, or NULL. */
static const char *counterpart(const char *action)
{
	static const char *const pairs[][2] = {
	    {"ChangeConfiguration", "SetVariables"},
	    {"GetConfiguration", "GetVariables"},
	    {"RemoteStartTransaction", "RequestStartTransaction"},
	    {"RemoteStopTransaction", "RequestStopTransaction"},
	};
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
		for (int k = 0; k < 2; k++)
			if (!strcmp(action, pairs[i][k]))
				return pairs[i][!k];
	return NULL;
}

/* Refuses an op the connected station's protocol does not have (the
 * other protocol's table has it: ctl_ops.c asked calls_is_action). */
static void refuse_protocol(const struct control_req *r,
                            const struct op_table *mine)
{
	const struct op_table *other = mine == &cs.t16 ? &cs.t201 : &cs.t16;
	int j = table_index(other, r->op);
	const char *alt = counterpart(r->op);
	char msg[256], hint[96] = "";
	if (alt && table_index(mine, alt) >= 0)
		snprintf(hint, sizeof hint, " (send %s instead)", alt);
	snprintf(msg, sizeof msg,
	         "the charge point speaks OCPP %s: %s is an OCPP %s "
	         "command%s",
	         mine->version, r->op, other->version, hint);
	refuse(r, other->ops[j], r->params, "error", "cp_protocol", NULL, msg);
}

void calls_submit(struct conn *c, const struct control_req *r)
{
	const struct op_table *t;
	if (c && !c->closing) {
		t = c->proto == OCPP_P201 ? &cs.t201 : &cs.t16;
		if (table_index(t, r->op) < 0) {
			refuse_protocol(r, t);
			return;
		}
	} else {
		t = table_unknown_proto(r->op, r->params);
	}
	int i = table_index(t, r->op);
	const struct send_op *op = t->ops[i];
	char why[512];
	cJSON *payload = NULL;
	if (build_payload(op, r->params, &payload, why, sizeof why)) {
		refuse(r, op, r->params, "error", "invalid_params", NULL, why);
		return;
	}
	if (!payload) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	/* The upload location or firmware URL csms-c serves itself. */
	why[0] = '\0';
	if (files_prepare_call(op->action, r->cp_id, payload, why,
	                       sizeof why)) {
		refuse(r, op, payload, "error", "invalid_params", NULL,
		       why[0] ? why : "out of memory");
		cJSON_Delete(payload);
		return;
	}
	enum ocpp_verr v =
	    ocpp_validate(t->req[i], payload, 0, why, sizeof why);
	if (v != OCPP_VALID) {
		/* The validator names the path first: "connectorId: ...". */
		cJSON *extra = control_field_of(why);
		if (extra)
			cJSON_AddStringToObject(extra, "ocpp_error",
			                        ocpp_verr_code(v));
		refuse(r, op, payload, "error", "invalid_params", extra, why);
		cJSON_Delete(payload);
		return;
	}
	const char *code = NULL, *status = "error";
	char msg[256];
	if (!ws_accepting()) {
		code = "shutting_down";
		snprintf(msg, sizeof msg, "ocppd is shutting down");
	} else if (!c || c->closing) {
		code = "cp_offline";
		status = "offline";
		snprintf(msg, sizeof msg, "%s is not connected", r->cp_id);
	} else if (c->up->boot_status == BOOT_REJECTED) {
		code = "cp_rejected";
		snprintf(msg, sizeof msg,
		         "%s was Rejected at boot: nothing is sent to it",
		         r->cp_id);
	} else if (c->up->boot_status == BOOT_PENDING &&
	           (op->flags & SEND_NOT_PENDING)) {
		code = "cp_pending";
		snprintf(msg, sizeof msg,
		         "%s is Pending at boot: no %s until it is Accepted",
		         r->cp_id, op->action);
	} else if (calls_pending_on(c) >= CALLS_QUEUE_MAX) {
		code = "busy";
		snprintf(msg, sizeof msg, "%d commands already wait for %s",
		         CALLS_QUEUE_MAX, r->cp_id);
	}
	if (code) {
		refuse(r, op, payload, status, code, NULL, msg);
		cJSON_Delete(payload);
		return;
	}
	struct call *k = calloc(1, sizeof *k);
	if (!k) {
		cJSON_Delete(payload);
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	k->conn = c;
	k->op = op;
	k->conf = t->conf[i];
	k->client = r->client;
	k->payload = payload;
	k->created_ms = time_now_ms();
	k->timeout_s = r->timeout_s ? r->timeout_s : cs.cfg->command_timeout;
	k->deadline_ms = k->created_ms + (int64_t)k->timeout_s * 1000;
	snprintf(k->requested_by, sizeof k->requested_by, "%s",
	         r->requested_by);
	calls_new_uid(k->uid);
	k->all_next = cs.all;
	if (cs.all)
		cs.all->all_prev = k;
	cs.all = k;
	cs.n++;
	if (c->up->call_tail)
		c->up->call_tail->next = k;
	else
		c->up->call_head = k;
	c->up->call_tail = k;
	record(c->cp_id, k, DB_NULL_TIME, "pending", NULL);
	if (r->async) {
		/* The client polls the history for the outcome: answer
		 * now with the row's key, and nobody later. */
		cJSON *res = cJSON_CreateObject();
		if (res) {
			cJSON_AddStringToObject(res, "uid", k->uid);
			cJSON_AddStringToObject(res, "status", "pending");
		}
		control_ok(r->client, res);
		k->client = CONTROL_NO_CLIENT;
	}
	kick(c);
}

void calls_reply(struct conn *c, const struct rpc_msg *m)
{
	struct call *k = c->up->call_head;
	if (!k || !k->sent || strcmp(k->uid, m->id)) {
		log_info("ocpp: %s | reply %.36s ignored: no such call pending",
		         c->cp_id, m->id);
		return;
	}
	unlink_conn(k);
	unlink_all(k);
	int64_t now = time_now_ms();
	const char *who = k->requested_by[0] ? k->requested_by : "-";
	if (m->kind == RPC_CALLRESULT) {
		char why[256], audit[512];
		const cJSON *conf = m->payload;
		if (ocpp_validate(k->conf, conf, 0, why, sizeof why) !=
		    OCPP_VALID)
			log_warn("ocpp: %s | %s | the answer does not match "
			         "%s.conf: %s",
			         c->cp_id, k->op->action, k->op->action, why);
		cJSON *result = cJSON_IsObject(conf) ? cJSON_Duplicate(conf, 1)
		                                     : cJSON_CreateObject();
		const cJSON *st =
		    cJSON_GetObjectItemCaseSensitive(conf, "status");
		const char *status = cJSON_IsString(st) && st->valuestring[0]
		                         ? st->valuestring
		                         : "answered";
		if (k->op->audit)
			k->op->audit(k->payload, conf, audit, sizeof audit);
		else
			send_audit_status(conf, audit, sizeof audit);
		log_info("ocpp: %s | %s (by %s) | %s", c->cp_id, k->op->action,
		         who, audit);
		record(c->cp_id, k, now, status, result);
		control_ok(k->client, result);
	} else {
		cJSON *resp = cJSON_CreateObject();
		cJSON *extra = cJSON_CreateObject();
		const cJSON *details = m->payload;
		if (resp) {
			cJSON_AddStringToObject(resp, "code", m->err_code);
			cJSON_AddStringToObject(resp, "description",
			                        m->err_desc);
		}
		if (extra) {
			cJSON_AddStringToObject(extra, "source", "cp");
			if (cJSON_IsObject(details))
				cJSON_AddItemToObject(
				    extra, "details",
				    cJSON_Duplicate(details, 1));
		}
		log_info("ocpp: %s | %s (by %s) | CALLERROR %s: %s", c->cp_id,
		         k->op->action, who, m->err_code, m->err_desc);
		record(c->cp_id, k, now, "callerror", resp);
		cJSON_Delete(resp);
		control_fail(k->client, m->err_code, extra, "%s", m->err_desc);
	}
	call_free(k);
	kick(c);
}

const char *calls_answered(const struct conn *c, const struct rpc_msg *m)
{
	const struct call *k = c->up->call_head;
	if ((m->kind != RPC_CALLRESULT && m->kind != RPC_CALLERROR) || !k ||
	    !k->sent || !m->id || strcmp(k->uid, m->id))
		return NULL;
	return k->op->action;
}

void calls_conn_closed(struct conn *c)
{
	while (c->up->call_head) {
		struct call *k = c->up->call_head;
		c->up->call_head = k->next;
		unlink_all(k);
		fail_call(k, c->cp_id, "offline", "cp_offline",
		          k->sent ? "the charge point disconnected before "
		                    "answering"
		                  : "the charge point disconnected before the "
		                    "command was sent");
	}
	c->up->call_tail = NULL;
}

void calls_tick(int64_t now_ms)
{
	if (!cs.all)
		return;
	/* First take every expired call out (a sent head lets the next one
	 * go, which must not be an expired one), then answer them. */
	struct call *expired = NULL, *next;
	for (struct call *k = cs.all; k; k = next) {
		next = k->all_next;
		if (k->deadline_ms > now_ms)
			continue;
		unlink_all(k);
		unlink_conn(k);
		k->next = expired;
		expired = k;
	}
	for (struct call *k = expired; k; k = next) {
		next = k->next;
		struct conn *c = k->conn;
		char msg[160];
		snprintf(msg, sizeof msg,
		         k->sent ? "no answer from the charge point within %d s"
		                 : "still queued behind other commands after "
		                   "%d s",
		         k->timeout_s);
		fail_call(k, c->cp_id, "timeout", "timeout", msg);
		kick(c);
	}
}
