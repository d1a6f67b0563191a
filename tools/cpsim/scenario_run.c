/*
 * scenario_run.c — the scenario interpreter.
 *
 * Steps run one after another inside the lws service loop: a step that
 * has to wait (a reply, a server call, a close, a timer) records what it
 * waits for, and the event that ends the wait calls advance() to go on.
 */
#include "scenario_run.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "clock.h"
#include "cpstate.h"
#include "frame.h"
#include "jpath.h"
#include "link.h"
#include "rpc.h"
#include "scenario.h"
#include "signals.h"
#include "subst.h"

#define RAW_ANY_WAIT_MS 3000
#define RECENT_CALLS    16

enum wait_kind {
	W_NONE,
	W_REPLY,       /* to the send/raw just made */
	W_CALL,        /* expect call */
	W_CLOSED,      /* expect closed */
	W_CLOSED_SELF, /* disconnect, close, end of script */
	W_CONNECT,     /* reconnect */
	W_TIME,        /* wait */
};

enum last_kind {
	LAST_NONE,
	LAST_RESULT,
	LAST_ERROR,
	LAST_TIMEOUT,
	LAST_CLOSED,
	LAST_CALL
};

struct srun {
	const struct cpsim_opts *o;
	const struct cp_url *u;
	const char *id;
	struct scenario sc;
	struct link *link;
	struct rpc rpc;
	struct cpstate st;
	struct vars vars;
	int pc;
	const struct step *cur;
	enum wait_kind wait;
	int64_t deadline_ms;
	int reconnect_after_close;
	int timeout_ms;

	enum last_kind last;
	char last_what[64]; /* the action the last reply belongs to */
	char last_err[64];
	char last_desc[256];
	cJSON *last_payload;

	struct {
		char action[48];
		cJSON *payload;
	} recent[RECENT_CALLS];
	int nrecent;

	int connected;
	int ended; /* script finished or aborted */
	int done;  /* leave the service loop */
	int expects, failures;
	int aborted;
	char abort_why[256];
	int handled_signals;
};

static void advance(struct srun *r);

static void say(struct srun *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void say(struct srun *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o->quiet)
		return;
	if (r->cur)
		fprintf(stderr, "%s:%d: ", r->sc.name, r->cur->line);
	else
		fprintf(stderr, "%s: ", r->sc.name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* A failed expectation (or a step that could not run): always printed. */
static void failed(struct srun *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void failed(struct srun *r, const char *fmt, ...)
{
	va_list ap;

	r->failures++;
	fprintf(stderr, "%s:%d: FAILED: %s: ", r->sc.name,
	        r->cur ? r->cur->line : 0,
	        r->cur ? scenario_kind_name(r->cur->kind) : "scenario");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void abort_script(struct srun *r, const char *why)
{
	if (!r->aborted)
		snprintf(r->abort_why, sizeof r->abort_why, "%s", why);
	r->aborted = 1;
	r->ended = 1;
	r->wait = W_NONE;
	r->done = 1;
	link_stop(r->link);
}

static void set_last(struct srun *r, enum last_kind k, const char *what,
                     const cJSON *payload)
{
	cJSON_Delete(r->last_payload);
	r->last_payload = payload ? cJSON_Duplicate(payload, 1) : NULL;
	r->last = k;
	snprintf(r->last_what, sizeof r->last_what, "%s", what ? what : "");
	r->last_err[0] = r->last_desc[0] = '\0';
}

static const char *last_text(const struct srun *r, char *buf, size_t n)
{
	switch (r->last) {
	case LAST_NONE:
		return "no reply";
	case LAST_RESULT:
		return "a CALLRESULT";
	case LAST_ERROR:
		snprintf(buf, n, "CALLERROR %s (%s)", r->last_err,
		         r->last_desc);
		return buf;
	case LAST_TIMEOUT:
		return "no reply before the timeout";
	case LAST_CLOSED:
		return "the link closed";
	case LAST_CALL:
		return "a server call";
	}
	return "?";
}

/* Keep the charge point model in step with what the script sends, so the
 * answers to RemoteStop/ChangeAvailability are right. */
static void track_sent(struct srun *r, struct rpc_call *c, const cJSON *p)
{
	const cJSON *v;

	if (!strcmp(c->action, "StartTransaction") ||
	    !strcmp(c->action, "StatusNotification")) {
		v = cJSON_GetObjectItemCaseSensitive(p, "connectorId");
		if (cJSON_IsNumber(v) && v->valuedouble >= 0 &&
		    v->valuedouble <= r->st.nconn)
			c->connector = (int)v->valuedouble;
	}
	if (!strcmp(c->action, "StopTransaction")) {
		v = cJSON_GetObjectItemCaseSensitive(p, "transactionId");
		if (cJSON_IsNumber(v))
			c->arg = (int)v->valuedouble;
	}
	if (!strcmp(c->action, "StatusNotification")) {
		v = cJSON_GetObjectItemCaseSensitive(p, "status");
		if (cJSON_IsString(v) &&
		    cpstate_status_parse(v->valuestring) >= 0)
			r->st.conn[c->connector].status =
			    (enum cstatus)cpstate_status_parse(v->valuestring);
	}
}

static void track_reply(struct srun *r, struct rpc_call *c,
                        const struct rpc_reply *rep)
{
	const cJSON *v;
	struct connector *conn;

	if (!strcmp(c->action, "StartTransaction") && c->connector > 0 &&
	    rep->outcome == RPC_RESULT) {
		v = cJSON_GetObjectItemCaseSensitive(rep->payload,
		                                     "transactionId");
		if (cJSON_IsNumber(v)) {
			conn = &r->st.conn[c->connector];
			conn->tx = TX_RUNNING;
			conn->tx_id = (int)v->valuedouble;
		}
	}
	if (!strcmp(c->action, "StopTransaction") &&
	    (conn = cpstate_find_tx(&r->st, c->arg)))
		conn->tx = TX_NONE;
}

static void on_reply(void *ud, struct rpc_call *c, const struct rpc_reply *rep)
{
	struct srun *r = ud;
	char buf[300];
	const char *what = c->action[0] ? c->action : "raw";

	switch (rep->outcome) {
	case RPC_RESULT:
		set_last(r, LAST_RESULT, what, rep->payload);
		break;
	case RPC_ERROR:
		set_last(r, LAST_ERROR, what, rep->payload);
		snprintf(r->last_err, sizeof r->last_err, "%s", rep->err_code);
		snprintf(r->last_desc, sizeof r->last_desc, "%s",
		         rep->err_desc);
		break;
	case RPC_TIMEOUT:
		/* Silence after raw text is an answer in itself. */
		set_last(r, c->action[0] ? LAST_TIMEOUT : LAST_NONE, what,
		         NULL);
		break;
	case RPC_CLOSED:
		set_last(r, LAST_CLOSED, what, NULL);
		break;
	}
	track_reply(r, c, rep);
	if (rep->outcome == RPC_RESULT || rep->outcome == RPC_ERROR) {
		char *t =
		    rep->payload ? cJSON_PrintUnformatted(rep->payload) : NULL;

		say(r, "%s -> %s %s", what,
		    rep->outcome == RPC_RESULT ? "CALLRESULT"
		                               : last_text(r, buf, sizeof buf),
		    t ? t : "");
		free(t);
	} else {
		say(r, "%s -> %s", what, last_text(r, buf, sizeof buf));
	}
	if (r->wait == W_REPLY) {
		r->wait = W_NONE;
		advance(r);
	}
}

static void remember_call(struct srun *r, const char *action,
                          const cJSON *payload)
{
	if (r->nrecent == RECENT_CALLS) {
		cJSON_Delete(r->recent[0].payload);
		memmove(&r->recent[0], &r->recent[1],
		        sizeof r->recent[0] * (RECENT_CALLS - 1));
		r->nrecent--;
	}
	snprintf(r->recent[r->nrecent].action,
	         sizeof r->recent[r->nrecent].action, "%s", action);
	r->recent[r->nrecent].payload =
	    payload ? cJSON_Duplicate(payload, 1) : NULL;
	r->nrecent++;
}

/* Take the oldest remembered server call of this action, if any. */
static int take_call(struct srun *r, const char *action)
{
	int i;

	for (i = 0; i < r->nrecent; i++) {
		if (strcmp(r->recent[i].action, action))
			continue;
		set_last(r, LAST_CALL, action, r->recent[i].payload);
		cJSON_Delete(r->recent[i].payload);
		memmove(&r->recent[i], &r->recent[i + 1],
		        sizeof r->recent[0] * (size_t)(r->nrecent - i - 1));
		r->nrecent--;
		return 1;
	}
	return 0;
}

static void on_server_call(void *ud, const char *id, size_t id_len,
                           const char *action, const cJSON *payload)
{
	struct srun *r = ud;
	struct answer a;

	r->st.now_ms = clock_wall_ms();
	answer_call(&r->st, action, payload, &a);
	if (a.error) {
		rpc_answer_error(&r->rpc, id, id_len, a.error, a.error_desc);
		say(r, "server call %s answered CALLERROR %s", action, a.error);
	} else {
		rpc_answer_result(&r->rpc, id, id_len, a.payload);
		say(r, "server call %s answered %s", action, a.payload);
	}
	remember_call(r, action, payload);
	if (r->wait == W_CALL && !strcmp(r->cur->a1, action) &&
	    take_call(r, action)) {
		r->wait = W_NONE;
		advance(r);
	}
}

static void on_connected(void *ud, const char *proto)
{
	struct srun *r = ud;

	r->connected = 1;
	say(r, "connected (subprotocol %s)", *proto ? proto : "none");
	rpc_pump(&r->rpc);
	if (r->wait == W_CONNECT) {
		r->wait = W_NONE;
		advance(r);
	}
}

static void on_message(void *ud, char *text, size_t len)
{
	struct srun *r = ud;

	rpc_on_message(&r->rpc, text, len);
}

static void on_closed(void *ud, int was_open, int http_status, const char *why)
{
	struct srun *r = ud;
	char msg[256];

	r->connected = 0;
	rpc_on_closed(&r->rpc); /* an outstanding call ends as "closed" */
	if (http_status)
		snprintf(msg, sizeof msg, "handshake refused: HTTP %d",
		         http_status);
	else
		snprintf(msg, sizeof msg, "%s", why);
	if (!was_open) {
		if (r->wait == W_CONNECT || !r->cur) {
			fprintf(stderr, "%s:%d: FAILED: %s\n", r->sc.name,
			        r->cur ? r->cur->line : 0, msg);
			abort_script(r, msg);
		}
		return;
	}
	say(r, "link closed: %s", msg);
	if (r->reconnect_after_close) {
		r->reconnect_after_close = 0;
		link_connect(r->link);
		return;
	}
	if (r->wait == W_CLOSED || r->wait == W_CLOSED_SELF) {
		r->wait = W_NONE;
		advance(r);
	}
}

static int expand(struct srun *r, const char *in, char *out, size_t n)
{
	char err[160];

	if (!in) {
		out[0] = '\0';
		return 0;
	}
	if (subst(in, &r->vars, clock_wall_ms(), out, n, err, sizeof err) < 0) {
		failed(r, "%s", err);
		return -1;
	}
	return 0;
}

static void do_send(struct srun *r, const struct step *st)
{
	char action[64], *payload = malloc(65536);
	struct rpc_call *c;
	cJSON *p;

	if (!payload || expand(r, st->a1, action, sizeof action) ||
	    expand(r, st->a2, payload, 65536)) {
		free(payload);
		set_last(r, LAST_NONE, NULL, NULL);
		return;
	}
	p = cJSON_Parse(payload);
	if (!p) {
		failed(r, "the payload is not JSON after expansion: %s",
		       payload);
		free(payload);
		set_last(r, LAST_NONE, NULL, NULL);
		return;
	}
	if (!r->connected) {
		failed(r, "%s: not connected", action);
		set_last(r, LAST_CLOSED, action, NULL);
	} else if ((c = rpc_call(&r->rpc, action, payload, 0, 0, 0))) {
		track_sent(r, c, p);
		r->wait = W_REPLY;
	}
	cJSON_Delete(p);
	free(payload);
}

static void do_raw(struct srun *r, const struct step *st)
{
	char *text = malloc(65536);
	struct frame f;

	if (!text || expand(r, st->a1, text, 65536)) {
		free(text);
		return;
	}
	if (!r->connected) {
		failed(r, "not connected");
		set_last(r, LAST_CLOSED, "raw", NULL);
	} else if (frame_scan(text, strlen(text), &f) == 0 &&
	           f.type == FRAME_CALL && f.id_len < 40) {
		if (rpc_raw(&r->rpc, text, f.id, f.id_len, r->timeout_ms))
			r->wait = W_REPLY;
	} else {
		if (rpc_raw(&r->rpc, text, NULL, 0,
		            r->timeout_ms < RAW_ANY_WAIT_MS ? r->timeout_ms
		                                            : RAW_ANY_WAIT_MS))
			r->wait = W_REPLY;
	}
	free(text);
}

static void expect_result(struct srun *r, int want_error, const char *code)
{
	char buf[300], want[64];

	r->expects++;
	if (!want_error) {
		if (r->last != LAST_RESULT)
			failed(r, "expected a CALLRESULT for %s, got %s",
			       r->last_what, last_text(r, buf, sizeof buf));
		return;
	}
	if (expand(r, code, want, sizeof want))
		return;
	if (r->last != LAST_ERROR)
		failed(r, "expected a CALLERROR%s%s for %s, got %s",
		       want[0] ? " " : "", want, r->last_what,
		       last_text(r, buf, sizeof buf));
	else if (want[0] && strcmp(want, r->last_err))
		failed(r, "expected CALLERROR %s for %s, got %s", want,
		       r->last_what, last_text(r, buf, sizeof buf));
}

static void expect_field(struct srun *r, const struct step *st)
{
	char path[256], want[1024], got[1024];
	const cJSON *v;

	r->expects++;
	if (expand(r, st->a1, path, sizeof path) ||
	    expand(r, st->a2, want, sizeof want))
		return;
	if (r->last != LAST_RESULT && r->last != LAST_CALL &&
	    r->last != LAST_ERROR) {
		failed(r, "%s: no reply to look in (%s)", path,
		       last_text(r, got, sizeof got));
		return;
	}
	v = jpath_get(r->last_payload, path);
	if (!v) {
		failed(r, "%s: no such field in the reply to %s", path,
		       r->last_what);
		return;
	}
	if (st->a2 && !jpath_equals(v, want)) {
		if (jpath_text(v, got, sizeof got) < 0)
			snprintf(got, sizeof got, "(too long)");
		failed(r, "%s: expected \"%s\", got \"%s\" (reply to %s)", path,
		       want, got, r->last_what);
	}
}

static void do_save(struct srun *r, const struct step *st)
{
	char path[256], val[256];
	const cJSON *v;

	if (expand(r, st->a1, path, sizeof path))
		return;
	v = r->last_payload ? jpath_get(r->last_payload, path) : NULL;
	if (!v || jpath_text(v, val, sizeof val) < 0) {
		failed(r, "no field %s in the last reply (to %s)", path,
		       r->last_what[0] ? r->last_what : "nothing");
		return;
	}
	if (vars_set(&r->vars, st->a2, val))
		failed(r, "too many variables");
	else
		say(r, "${%s} = %s", st->a2, val);
}

static void do_answer(struct srun *r, const struct step *st)
{
	char payload[512];
	cJSON *p;

	if (st->a3) {
		if (answer_override(&r->st, st->a1, st->a3, NULL))
			failed(r, "too many answer lines");
		return;
	}
	if (expand(r, st->a2, payload, sizeof payload))
		return;
	p = cJSON_Parse(payload);
	if (!p) {
		failed(r, "the answer is not JSON: %s", payload);
		return;
	}
	cJSON_Delete(p);
	if (answer_override(&r->st, st->a1, NULL, payload))
		failed(r, "too many answer lines (or too long)");
}

static void run_step(struct srun *r, const struct step *st)
{
	int64_t now = clock_mono_ms();
	char buf[1024];

	r->cur = st;
	switch (st->kind) {
	case SK_SEND:
		do_send(r, st);
		break;
	case SK_RAW:
		do_raw(r, st);
		break;
	case SK_EXPECT_RESULT:
		expect_result(r, 0, NULL);
		break;
	case SK_EXPECT_ERROR:
		expect_result(r, 1, st->a1);
		break;
	case SK_EXPECT_FIELD:
		expect_field(r, st);
		break;
	case SK_EXPECT_NONE:
		r->expects++;
		if (r->last != LAST_NONE && r->last != LAST_TIMEOUT)
			failed(r, "expected no reply, got %s",
			       last_text(r, buf, sizeof buf));
		break;
	case SK_EXPECT_CALL:
		r->expects++;
		if (!take_call(r, st->a1)) {
			r->wait = W_CALL;
			r->deadline_ms =
			    now + (st->secs > 0 ? (int64_t)(st->secs * 1000)
			                        : r->timeout_ms);
		}
		break;
	case SK_EXPECT_CLOSED:
		r->expects++;
		if (r->connected || link_is_busy(r->link)) {
			r->wait = W_CLOSED;
			r->deadline_ms =
			    now + (st->secs > 0 ? (int64_t)(st->secs * 1000)
			                        : r->timeout_ms);
		}
		break;
	case SK_SAVE:
		do_save(r, st);
		break;
	case SK_SET:
		if (!expand(r, st->a2, buf, sizeof buf) &&
		    vars_set(&r->vars, st->a1, buf))
			failed(r, "too many variables (or value too long)");
		break;
	case SK_WAIT:
		r->wait = W_TIME;
		r->deadline_ms = now + (int64_t)(st->secs * 1000);
		break;
	case SK_TIMEOUT:
		r->timeout_ms = (int)(st->secs * 1000);
		r->rpc.timeout_ms = r->timeout_ms;
		break;
	case SK_DISCONNECT:
	case SK_CLOSE:
		if (link_is_busy(r->link)) {
			if (st->kind == SK_CLOSE)
				link_close(r->link, st->code);
			else
				link_drop(r->link);
			r->wait = W_CLOSED_SELF;
			r->deadline_ms = now + 5000;
		}
		break;
	case SK_RECONNECT:
		r->wait = W_CONNECT;
		r->deadline_ms = now + r->timeout_ms;
		if (link_is_busy(r->link)) {
			r->reconnect_after_close = 1;
			link_drop(r->link);
		} else {
			link_connect(r->link);
		}
		break;
	case SK_ANSWER:
		do_answer(r, st);
		break;
	case SK_PRINT:
		if (!expand(r, st->a1, buf, sizeof buf)) {
			printf("%s\n", buf);
			fflush(stdout);
		}
		break;
	}
}

static void advance(struct srun *r)
{
	while (r->wait == W_NONE && !r->done) {
		if (r->pc >= r->sc.n) {
			if (!r->ended) {
				r->ended = 1;
				if (link_is_busy(r->link)) {
					link_close(r->link, 1000);
					r->wait = W_CLOSED_SELF;
					r->deadline_ms = clock_mono_ms() + 5000;
					continue;
				}
			}
			r->done = 1;
			link_stop(r->link);
			return;
		}
		run_step(r, &r->sc.steps[r->pc++]);
	}
}

static void on_tick(void *ud)
{
	struct srun *r = ud;
	int64_t now = clock_mono_ms();

	if (signals_count() != r->handled_signals) {
		r->handled_signals = signals_count();
		abort_script(r, "interrupted");
		return;
	}
	rpc_tick(&r->rpc);
	if (r->wait == W_NONE || r->wait == W_REPLY || now < r->deadline_ms)
		return;
	switch (r->wait) {
	case W_CALL:
		failed(r, "no %s call from the server", r->cur->a1);
		break;
	case W_CLOSED:
		failed(r, "the server did not close the link");
		break;
	case W_CONNECT:
		fprintf(stderr, "%s:%d: FAILED: reconnect timed out\n",
		        r->sc.name, r->cur->line);
		abort_script(r, "reconnect timed out");
		return;
	default:
		break;
	}
	r->wait = W_NONE;
	advance(r);
}

static void free_run(struct srun *r)
{
	int i;

	for (i = 0; i < r->nrecent; i++)
		cJSON_Delete(r->recent[i].payload);
	cJSON_Delete(r->last_payload);
	scenario_free(&r->sc);
}

int scenario_run(const struct cpsim_opts *o, const struct cp_url *u)
{
	static const struct link_ops lops = {on_connected, on_message,
	                                     on_closed, on_tick};
	static const struct rpc_ops rops = {on_reply, on_server_call, NULL};
	struct link_opts lo;
	struct srun *r = calloc(1, sizeof *r);
	char path[2048], err[512];
	int rc;

	if (!r)
		return 1;
	r->o = o;
	r->u = u;
	r->id = u->identity;
	r->timeout_ms = o->timeout_s * 1000;
	if (scenario_load(o->scenario, &r->sc, err, sizeof err)) {
		fprintf(stderr, "cpsim: %s\n", err);
		free(r);
		return 2;
	}
	cpstate_init(&r->st, o->connectors, 60, o->meter_interval_s,
	             o->meter_start_wh);
	cpstate_apply_opts(&r->st, o);
	vars_set(&r->vars, "identity", u->identity);
	if (url_path(u, u->identity, path, sizeof path) < 0) {
		fprintf(stderr, "cpsim: URL too long\n");
		free_run(r);
		free(r);
		return 2;
	}
	opts_link(o, u, path, r->id, &lo);
	r->link = link_new(&lo, &lops, r, err, sizeof err);
	if (!r->link) {
		fprintf(stderr, "cpsim: %s\n", err);
		free_run(r);
		free(r);
		return 1;
	}
	rpc_init(&r->rpc, r->link, &rops, r, r->id);
	r->rpc.timeout_ms = r->timeout_ms;
	r->rpc.requeue_on_close = 0;

	/* The first step runs once connected. */
	r->wait = W_CONNECT;
	r->deadline_ms = clock_mono_ms() + r->timeout_ms;
	link_connect(r->link);
	if (!r->done)
		link_run(r->link);

	if (!r->aborted && r->wait != W_NONE && !r->ended)
		abort_script(r, "stopped");
	rc = r->failures || r->aborted ? 1 : 0;
	printf("cpsim: %s scenario %s steps=%d/%d expects=%d failed=%d "
	       "calls=%u results=%u errors=%u %s%s\n",
	       r->id, r->sc.name, r->pc, r->sc.n, r->expects, r->failures,
	       r->rpc.calls, r->rpc.results, r->rpc.errors,
	       rc ? "FAILED: " : "ok",
	       rc ? (r->aborted ? r->abort_why : "an expect failed") : "");
	fflush(stdout);
	link_free(r->link);
	rpc_reset(&r->rpc);
	free_run(r);
	free(r);
	return rc;
}
