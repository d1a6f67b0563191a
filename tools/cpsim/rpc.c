/*
 * rpc.c — OCPP-J call bookkeeping for a single charge point link.
 *
 * Ids are a per-process counter, so they are unique on every connection
 * and a call resent after a reconnect keeps its id (which lets a server
 * recognise the retry).
 */
#include "rpc.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "frame.h"
#include "link.h"

#define RPC_DEFAULT_TIMEOUT_MS 30000

void rpc_init(struct rpc *r, struct link *link, const struct rpc_ops *ops,
              void *ud, const char *tag)
{
	memset(r, 0, sizeof *r);
	r->link = link;
	r->ops = *ops;
	r->ud = ud;
	r->tag = tag;
	r->timeout_ms = RPC_DEFAULT_TIMEOUT_MS;
	r->requeue_on_close = 1;
	r->tx_attempts = 1;
}

static void free_call(struct rpc_call *c)
{
	if (c) {
		free(c->text);
		free(c);
	}
}

void rpc_reset(struct rpc *r)
{
	while (r->head) {
		struct rpc_call *c = r->head;

		r->head = c->next;
		free_call(c);
	}
	r->tail = NULL;
	free_call(r->out);
	r->out = NULL;
}

static void enqueue(struct rpc *r, struct rpc_call *c)
{
	c->next = NULL;
	if (r->tail)
		r->tail->next = c;
	else
		r->head = c;
	r->tail = c;
}

struct rpc_call *rpc_call(struct rpc *r, const char *action,
                          const char *payload, int tag, int connector, int arg)
{
	struct rpc_call *c = calloc(1, sizeof *c);
	size_t cap;

	if (!c)
		return NULL;
	snprintf(c->id, sizeof c->id, "%u", ++r->next_id);
	snprintf(c->action, sizeof c->action, "%s", action);
	c->tag = tag;
	c->connector = connector;
	c->arg = arg;
	c->timeout_ms = r->timeout_ms;
	cap = strlen(payload) + strlen(action) + 64;
	c->text = malloc(cap);
	if (!c->text ||
	    frame_call(c->text, cap, c->id, c->action, payload) < 0) {
		free_call(c);
		return NULL;
	}
	c->len = strlen(c->text);
	enqueue(r, c);
	rpc_pump(r);
	return c;
}

struct rpc_call *rpc_raw(struct rpc *r, const char *text, const char *id,
                         size_t id_len, int timeout_ms)
{
	struct rpc_call *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	if (id && id_len < sizeof c->id) {
		memcpy(c->id, id, id_len);
		c->id[id_len] = '\0';
	} else {
		c->any_reply = 1;
	}
	c->timeout_ms = timeout_ms;
	c->text = strdup(text);
	if (!c->text) {
		free_call(c);
		return NULL;
	}
	c->len = strlen(text);
	enqueue(r, c);
	rpc_pump(r);
	return c;
}

int rpc_is_tx_message(const char *action, const char *frame, size_t len)
{
	if (!strcmp(action, "StartTransaction") ||
	    !strcmp(action, "StopTransaction"))
		return 1;
	if (strcmp(action, "MeterValues"))
		return 0;
	struct frame f;
	if (frame_scan(frame, len, &f) < 0 || !f.payload)
		return 0;
	cJSON *p = cJSON_ParseWithLength(f.payload, f.payload_len);
	int tx = cJSON_IsNumber(
	    cJSON_GetObjectItemCaseSensitive(p, "transactionId"));
	cJSON_Delete(p);
	return tx;
}

int rpc_idle(const struct rpc *r)
{
	return !r->head && !r->out;
}

void rpc_pump(struct rpc *r)
{
	struct rpc_call **pp, *c;

	if (r->out || !link_is_open(r->link))
		return;
	/* A transaction message waiting to be retried goes first, in
	 * order: nothing overtakes it. */
	if (r->head && r->head->retry_at_ms &&
	    clock_mono_ms() < r->head->retry_at_ms)
		return;
	for (pp = &r->head; (c = *pp); pp = &c->next)
		if (!r->ops.may_send || r->ops.may_send(r->ud, c))
			break;
	if (!c)
		return;
	c->retry_at_ms = 0;
	*pp = c->next;
	if (r->tail == c) {
		struct rpc_call *t = r->head;

		while (t && t->next)
			t = t->next;
		r->tail = t;
	}
	c->next = NULL;
	if (link_send(r->link, c->text, c->len) < 0) {
		/* Not connected after all: keep it first in line. */
		c->next = r->head;
		r->head = c;
		if (!r->tail)
			r->tail = c;
		return;
	}
	c->sent_ms = clock_mono_ms();
	r->out = c;
	r->calls++;
}

static void finish(struct rpc *r, const struct rpc_reply *rep)
{
	struct rpc_call *c = r->out;

	r->out = NULL;
	r->ops.reply(r->ud, c, rep);
	free_call(c);
	rpc_pump(r);
}

/* The outstanding call again, later, under a new id; 0 when it was put
 * back in line. */
static int retry_later(struct rpc *r)
{
	struct rpc_call *c = r->out;
	struct frame f;
	if (frame_scan(c->text, c->len, &f) < 0 || !f.payload)
		return -1;
	char *payload = strndup(f.payload, f.payload_len);
	size_t cap = c->len + 32;
	char *text = malloc(cap);
	char id[sizeof c->id];
	snprintf(id, sizeof id, "%u", ++r->next_id);
	if (!payload || !text ||
	    frame_call(text, cap, id, c->action, payload) < 0) {
		free(payload);
		free(text);
		return -1;
	}
	free(payload);
	free(c->text);
	c->text = text;
	c->len = strlen(text);
	memcpy(c->id, id, sizeof id);
	c->attempts++;
	c->sent_ms = 0;
	c->retry_at_ms =
	    clock_mono_ms() + (int64_t)r->tx_retry_ms * c->attempts;
	if (!c->retry_at_ms)
		c->retry_at_ms = 1;
	r->out = NULL;
	c->next = r->head;
	r->head = c;
	if (!r->tail)
		r->tail = c;
	r->tx_retries++;
	return 0;
}

static void copy_str(char *dst, size_t n, const char *s, size_t len)
{
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

void rpc_on_message(struct rpc *r, const char *text, size_t len)
{
	struct rpc_reply rep;
	struct frame f;

	if (frame_scan(text, len, &f) < 0) {
		fprintf(stderr,
		        "cpsim: %s: ignoring a malformed message: %.200s\n",
		        r->tag, text);
		r->stray++;
		return;
	}
	if (f.type == FRAME_CALL) {
		char action[64];
		cJSON *p = cJSON_ParseWithLength(f.payload, f.payload_len);

		copy_str(action, sizeof action, f.action, f.action_len);
		r->answered++;
		r->ops.server_call(r->ud, f.id, f.id_len, action, p);
		cJSON_Delete(p);
		return;
	}
	if (f.type != FRAME_RESULT && f.type != FRAME_ERROR)
		return; /* OCPP-J: unknown message types are ignored */
	if (!r->out ||
	    (!r->out->any_reply && (f.id_len != strlen(r->out->id) ||
	                            memcmp(f.id, r->out->id, f.id_len)))) {
		fprintf(stderr,
		        "cpsim: %s: reply to no outstanding call: %.200s\n",
		        r->tag, text);
		r->stray++;
		return;
	}
	memset(&rep, 0, sizeof rep);
	rep.outcome = f.type == FRAME_RESULT ? RPC_RESULT : RPC_ERROR;
	if (f.payload)
		rep.payload = cJSON_ParseWithLength(f.payload, f.payload_len);
	if (f.type == FRAME_RESULT) {
		r->results++;
		if (r->out->attempts)
			r->tx_recovered++;
	} else {
		r->errors++;
		copy_str(rep.err_code, sizeof rep.err_code, f.err_code,
		         f.err_code_len);
		if (f.err_desc)
			copy_str(rep.err_desc, sizeof rep.err_desc, f.err_desc,
			         f.err_desc_len);
		/* The central system could not process it (a database
		 * outage): a charge point tries again. */
		if (!strcmp(rep.err_code, "InternalError") &&
		    r->out->action[0] &&
		    r->out->attempts + 1 < r->tx_attempts &&
		    rpc_is_tx_message(r->out->action, r->out->text,
		                      r->out->len) &&
		    !retry_later(r)) {
			cJSON_Delete(rep.payload);
			fprintf(stderr,
			        "cpsim: %s: %s answered InternalError: "
			        "retrying in %d ms\n",
			        r->tag, r->head->action,
			        r->tx_retry_ms * r->head->attempts);
			return;
		}
	}
	finish(r, &rep);
	cJSON_Delete(rep.payload);
}

void rpc_tick(struct rpc *r)
{
	struct rpc_reply rep;

	if (!r->out)
		rpc_pump(r); /* a retry whose time has come */
	if (!r->out || clock_mono_ms() - r->out->sent_ms < r->out->timeout_ms)
		return;
	memset(&rep, 0, sizeof rep);
	rep.outcome = RPC_TIMEOUT;
	if (r->out->action[0])
		r->timeouts++;
	finish(r, &rep);
}

void rpc_on_closed(struct rpc *r)
{
	struct rpc_reply rep;
	struct rpc_call *c = r->out;

	if (!c)
		return;
	if (r->requeue_on_close) {
		r->out = NULL;
		c->sent_ms = 0;
		c->next = r->head;
		r->head = c;
		if (!r->tail)
			r->tail = c;
		return;
	}
	memset(&rep, 0, sizeof rep);
	rep.outcome = RPC_CLOSED;
	r->out = NULL;
	r->ops.reply(r->ud, c, &rep);
	free_call(c);
}

void rpc_answer_result(struct rpc *r, const char *id, size_t id_len,
                       const char *payload)
{
	char *buf;
	size_t cap = strlen(payload) + id_len + 16;
	int n;

	buf = malloc(cap);
	if (!buf)
		return;
	n = frame_result(buf, cap, id, id_len, payload);
	if (n > 0)
		link_send(r->link, buf, (size_t)n);
	free(buf);
}

void rpc_answer_error(struct rpc *r, const char *id, size_t id_len,
                      const char *code, const char *desc)
{
	char buf[1024];
	int n = frame_error(buf, sizeof buf, id, id_len, code, desc);

	if (n > 0)
		link_send(r->link, buf, (size_t)n);
}
