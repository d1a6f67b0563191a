/*
 * session201.c — the autonomous charging station spoken as OCPP 2.0.1.
 *
 * The same shape as session.c (replies, the CSMS's calls, a 100 ms tick)
 * over the same link and rpc, with 2.0.1's messages: BootNotification
 * with a reason, StatusNotification per EVSE and connector, and a
 * charging session as TransactionEvent Started / Updated / Ended with the
 * station's own transactionId and a seqNo per transaction.  Each EVSE has
 * one connector.
 */
#include "sess_report.h"
#include "session201.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer201.h"
#include "backoff.h"
#include "clock.h"
#include "link.h"
#include "messages.h"
#include "messages201.h"
#include "rpc.h"
#include "signals.h"

enum call_kind {
	CK_BOOT = 1,
	CK_STATUS,
	CK_AUTH,
	CK_TX_START,
	CK_TX_UPDATE,
	CK_TX_END,
	CK_METER,
	CK_HB,
	CK_OTHER
};

#define MAX_TX_LIST 64

struct sess {
	const struct cpsim_opts *o;
	const char *id;
	struct link *link;
	struct rpc rpc;
	struct st201 st;
	struct boot_info boot;
	const char *boot_reason;

	int booted, boot_queued, need_boot, status_all;
	int64_t boot_retry_ms;
	int hb_queued;
	int64_t next_hb_ms;
	int update_queued[CPSTATE_MAX_CONN + 1];

	int sessions_started, sessions_done;
	int64_t next_session_ms;

	int connected_once, reconnect_failures, reconnects;
	int64_t reconnect_at_ms;
	uint32_t backoff_seed;
	int resetting; /* Reset Immediate: close, then boot RemoteReset */
	int64_t reset_close_ms;
	int rebooting;
	int reset_pending; /* Reset OnIdle of the station: when idle */
	int shutting_down;
	int64_t shutdown_deadline_ms;
	int closing;
	int64_t close_deadline_ms;
	int done;
	int handled_signals;

	int failed;
	char why[256];
	int ntx;
	char txs[MAX_TX_LIST][37];
	long long energy_wh;
};

static void note(struct sess *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void note(struct sess *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sess_vnote(s->o->quiet, s->id, fmt, ap);
	va_end(ap);
}

/* Record a failure; the first reason is the one the summary names. */
static void fail(struct sess *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail(struct sess *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sess_vfail(s->id, &s->failed, s->why, sizeof s->why, fmt, ap);
	va_end(ap);
}

static void set_done(struct sess *s)
{
	s->done = 1;
	link_stop(s->link);
}

static void now_iso(char ts[32])
{
	clock_iso8601(clock_wall_ms(), ts);
}

static void call(struct sess *s, const char *action, const char *payload,
                 int kind, int evse)
{
	if (!payload || !rpc_call(&s->rpc, action, payload, kind, evse, 0))
		fail(s, "cannot queue %s", action);
}

static void send_boot(struct sess *s)
{
	char p[512];

	if (s->boot_queued)
		return;
	if (msg201_boot(p, sizeof p, &s->boot, s->boot_reason) < 0) {
		fail(s, "BootNotification too long");
		return;
	}
	s->boot_queued = 1;
	call(s, "BootNotification", p, CK_BOOT, 0);
}

static int status_code(const struct evse201 *e)
{
	return e->tx != TX_NONE ? 1 : e->inoperative ? 2 : 0;
}

static void send_status(struct sess *s, struct evse201 *e)
{
	char p[256], ts[32];

	now_iso(ts);
	msg201_status(p, sizeof p, ts, st201_status(e), e->id, 1);
	e->reported = status_code(e);
	call(s, "StatusNotification", p, CK_STATUS, e->id);
}

static void send_changed_statuses(struct sess *s, int evse)
{
	int i;

	for (i = 1; i <= s->st.nevse; i++)
		if ((!evse || evse == i) &&
		    s->st.evse[i].reported != status_code(&s->st.evse[i]))
			send_status(s, &s->st.evse[i]);
}

static void update_energy(struct sess *s, struct evse201 *e, int64_t now)
{
	e->meter_wh +=
	    e->power_w * (double)(now - e->last_energy_ms) / 3600000.0;
	e->last_energy_ms = now;
	e->power_w = e->tx == TX_RUNNING ? s->o->power_kw * 1000.0 : 0;
}

static void send_tx_event(struct sess *s, struct evse201 *e, const char *type,
                          const char *trigger, const char *stopped_reason,
                          const char *context, int kind)
{
	struct tx201_event ev;
	char p[2048], ts[32];

	now_iso(ts);
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.ts = ts;
	ev.trigger = trigger;
	ev.seq_no = e->seq_no++;
	ev.tx_id = e->tx_id;
	ev.charging_state = !strcmp(type, "Ended") ? "Idle" : "Charging";
	ev.stopped_reason = stopped_reason;
	/* The first event carries who started it and where. */
	ev.remote_start_id = !strcmp(type, "Started") ? e->remote_start_id : -1;
	ev.id_token = !strcmp(type, "Started") ? e->id_token : NULL;
	ev.evse = !strcmp(type, "Started") ? e->id : 0;
	ev.energy_wh = llround(e->meter_wh);
	ev.power_w = llround(e->power_w);
	ev.context = context;
	if (msg201_tx_event(p, sizeof p, &ev) < 0) {
		fail(s, "TransactionEvent too long");
		return;
	}
	call(s, "TransactionEvent", p, kind, e->id);
}

static void send_meter(struct sess *s, struct evse201 *e, const char *context)
{
	char p[1024], ts[32];

	update_energy(s, e, clock_mono_ms());
	now_iso(ts);
	msg201_meter(p, sizeof p, e->id, ts, llround(e->meter_wh),
	             llround(e->power_w), context);
	call(s, "MeterValues", p, CK_METER, e->id);
}

/* The transaction begins: Occupied, then TransactionEvent Started. */
static void begin_tx(struct sess *s, struct evse201 *e, const char *trigger)
{
	int64_t now = clock_mono_ms();
	int iv = st201_sample_s(&s->st);

	s->st.now_ms = clock_wall_ms();
	st201_new_tx(&s->st, e);
	e->tx = TX_RUNNING;
	e->meter_start = llround(e->meter_wh);
	e->last_energy_ms = now;
	e->power_w = s->o->power_kw * 1000.0;
	send_status(s, e);
	send_tx_event(s, e, "Started", trigger, NULL, "Transaction.Begin",
	              CK_TX_START);
	if (s->ntx < MAX_TX_LIST)
		snprintf(s->txs[s->ntx++], sizeof s->txs[0], "%s", e->tx_id);
	note(s, "EVSE %d: transaction %s started (remoteStartId %d)", e->id,
	     e->tx_id, e->remote_start_id);
	e->next_meter_ms = iv > 0 ? now + 1000LL * iv : 0;
	e->stop_at_ms = e->local_session ? now + 1000LL * s->o->duration_s : 0;
}

static void authorize(struct sess *s, struct evse201 *e)
{
	char p[256];

	msg201_authorize(p, sizeof p, e->id_token);
	call(s, "Authorize", p, CK_AUTH, e->id);
}

/* TransactionEvent Ended; the EVSE is free again when it is answered. */
static void stop_tx(struct sess *s, struct evse201 *e, const char *trigger,
                    const char *reason)
{
	if (e->tx != TX_RUNNING)
		return;
	update_energy(s, e, clock_mono_ms());
	e->power_w = 0;
	s->energy_wh += llround(e->meter_wh) - e->meter_start;
	e->tx = TX_STOPPING;
	note(s, "EVSE %d: stopping transaction %s (%s, %lld Wh)", e->id,
	     e->tx_id, reason, llround(e->meter_wh) - e->meter_start);
	send_tx_event(s, e, "Ended", trigger, reason, "Transaction.End",
	              CK_TX_END);
}

static void end_tx(struct sess *s, struct evse201 *e)
{
	if (e->local_session) {
		s->sessions_done++;
		s->next_session_ms = clock_mono_ms() + 1000;
	}
	e->tx = TX_NONE;
	e->local_session = 0;
	e->remote_start_id = -1;
	e->stop_at_ms = 0;
	e->power_w = 0;
	if (e->pending_avail >= 0) {
		e->inoperative = e->pending_avail;
		e->pending_avail = -1;
	}
	send_status(s, e);
}

static void begin_exit(struct sess *s)
{
	if (s->closing)
		return;
	s->closing = 1;
	s->close_deadline_ms = clock_mono_ms() + 5000;
	if (link_is_busy(s->link))
		link_close(s->link, 1000);
	else
		set_done(s);
}

static void on_boot_reply(struct sess *s, const struct rpc_reply *r)
{
	const cJSON *st, *iv;
	int interval = 0, i;

	s->boot_queued = 0;
	if (r->outcome != RPC_RESULT) {
		s->boot_retry_ms = clock_mono_ms() + 10000;
		if (s->o->exit_after_session)
			begin_exit(s);
		return;
	}
	st = cJSON_GetObjectItemCaseSensitive(r->payload, "status");
	iv = cJSON_GetObjectItemCaseSensitive(r->payload, "interval");
	if (cJSON_IsNumber(iv))
		interval = (int)iv->valuedouble;
	if (!cJSON_IsString(st) || strcmp(st->valuestring, "Accepted")) {
		note(s, "BootNotification %s, retrying in %d s",
		     cJSON_IsString(st) ? st->valuestring : "(no status)",
		     interval > 0 ? interval : 10);
		s->booted = 0;
		s->boot_retry_ms =
		    clock_mono_ms() + 1000LL * (interval > 0 ? interval : 10);
		if (cJSON_IsString(st) &&
		    !strcmp(st->valuestring, "Rejected") &&
		    s->o->exit_after_session) {
			fail(s, "BootNotification Rejected");
			begin_exit(s);
		}
		return;
	}
	if (interval > 0)
		snprintf(s->st.vars[0], ST201_VAR_LEN, "%d", interval);
	interval = st201_heartbeat_s(&s->st);
	note(s, "BootNotification Accepted, heartbeat every %d s", interval);
	s->booted = 1;
	s->boot_retry_ms = 0;
	s->boot_reason = "PowerUp";
	s->next_hb_ms = clock_mono_ms() + 1000LL * interval;
	if (s->status_all) {
		s->status_all = 0;
		for (i = 1; i <= s->st.nevse; i++)
			send_status(s, &s->st.evse[i]);
	}
}

static void give_up_start(struct sess *s, struct evse201 *e)
{
	e->tx = TX_NONE;
	e->remote_start_id = -1;
	if (e->local_session) {
		s->sessions_done++;
		s->next_session_ms = clock_mono_ms() + 1000;
	}
	e->local_session = 0;
}

static void on_auth_reply(struct sess *s, struct evse201 *e,
                          const struct rpc_reply *r)
{
	const cJSON *st = NULL;

	if (r->outcome == RPC_RESULT)
		st = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(r->payload, "idTokenInfo"),
		    "status");
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "Accepted")) {
		begin_tx(s, e,
		         e->remote_start_id >= 0 ? "RemoteStart"
		                                 : "Authorized");
		return;
	}
	if (r->outcome == RPC_RESULT)
		fail(s, "Authorize: idToken %s is %s", e->id_token,
		     cJSON_IsString(st) ? st->valuestring : "(no status)");
	give_up_start(s, e);
}

static void on_started_reply(struct sess *s, struct evse201 *e,
                             const struct rpc_reply *r)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(r->payload, "idTokenInfo"),
	    "status");

	/* The CSMS may refuse the token only now (idTokenInfo). */
	if (r->outcome == RPC_RESULT && cJSON_IsString(st) &&
	    strcmp(st->valuestring, "Accepted")) {
		fail(s, "TransactionEvent Started: idToken %s is %s",
		     e->id_token, st->valuestring);
		stop_tx(s, e, "Deauthorized", "DeAuthorized");
	}
}

static void on_reply(void *ud, struct rpc_call *call, const struct rpc_reply *r)
{
	struct sess *s = ud;
	struct evse201 *e = &s->st.evse[call->connector];

	if (r->outcome == RPC_ERROR)
		fail(s, "CALLERROR %s for %s: %s", r->err_code, call->action,
		     r->err_desc);
	else if (r->outcome == RPC_TIMEOUT)
		fail(s, "no answer to %s in %d s", call->action,
		     s->o->timeout_s);
	switch (call->tag) {
	case CK_BOOT:
		on_boot_reply(s, r);
		break;
	case CK_AUTH:
		on_auth_reply(s, e, r);
		break;
	case CK_TX_START:
		on_started_reply(s, e, r);
		break;
	case CK_TX_UPDATE:
		s->update_queued[e->id] = 0;
		break;
	case CK_TX_END:
		if (r->outcome == RPC_RESULT)
			note(s, "EVSE %d: transaction %s ended", e->id,
			     e->tx_id);
		end_tx(s, e);
		break;
	case CK_HB:
		s->hb_queued = 0;
		break;
	default:
		break;
	}
}

static int may_send(void *ud, const struct rpc_call *c)
{
	struct sess *s = ud;

	return s->booted || c->tag == CK_BOOT;
}

static void trigger(struct sess *s, const char *what, int evse)
{
	int i;

	if (!strcmp(what, "BootNotification")) {
		s->boot_reason = "Triggered";
		send_boot(s);
		return;
	}
	if (!strcmp(what, "Heartbeat")) {
		s->hb_queued = 1;
		call(s, "Heartbeat", "{}", CK_HB, 0);
		return;
	}
	for (i = 1; i <= s->st.nevse; i++) {
		struct evse201 *e = &s->st.evse[i];

		if (evse && evse != i)
			continue;
		if (!strcmp(what, "StatusNotification"))
			send_status(s, e);
		else if (!strcmp(what, "MeterValues"))
			send_meter(s, e, "Trigger");
		else if (!strcmp(what, "TransactionEvent") &&
		         e->tx == TX_RUNNING) {
			update_energy(s, e, clock_mono_ms());
			send_tx_event(s, e, "Updated", "Trigger", NULL,
			              "Trigger", CK_OTHER);
		}
	}
}

static void reset(struct sess *s, const struct answer201 *a)
{
	int i, busy = 0;

	for (i = 1; i <= s->st.nevse; i++) {
		struct evse201 *e = &s->st.evse[i];

		if (a->evse && a->evse != i)
			continue;
		if (!strcmp(a->what, "Immediate"))
			stop_tx(s, e, "ResetCommand", "ImmediateReset");
		else if (e->tx != TX_NONE)
			busy = 1;
	}
	if (a->evse)
		return;
	/* The station reboots once its transactions have ended. */
	if (busy)
		s->reset_pending = 1;
	else {
		s->resetting = 1;
		s->reset_close_ms = clock_mono_ms() + 1000;
	}
}

static void follow_up(struct sess *s, const struct answer201 *a)
{
	struct evse201 *e = &s->st.evse[a->evse > 0 ? a->evse : 1];
	char p[4096], ts[32];
	int64_t now = clock_mono_ms();
	int i, iv;

	switch (a->fu) {
	case FU201_NONE:
		break;
	case FU201_RESET:
		reset(s, a);
		break;
	case FU201_START:
		if (st201_authorize_remote(&s->st))
			authorize(s, e);
		else
			begin_tx(s, e, "RemoteStart");
		break;
	case FU201_STOP:
		stop_tx(s, e, "RemoteStop", "Remote");
		break;
	case FU201_AVAIL:
		send_changed_statuses(s, a->evse);
		break;
	case FU201_TRIGGER:
		trigger(s, a->what, a->evse);
		break;
	case FU201_REPORT:
		now_iso(ts);
		if (answer201_notify_report(&s->st, a->request_id, a->what, ts,
		                            p, sizeof p) < 0)
			fail(s, "NotifyReport too long");
		else
			call(s, "NotifyReport", p, CK_OTHER, 0);
		break;
	case FU201_VARS:
		s->next_hb_ms = now + 1000LL * st201_heartbeat_s(&s->st);
		iv = st201_sample_s(&s->st);
		for (i = 1; i <= s->st.nevse; i++)
			s->st.evse[i].next_meter_ms =
			    iv > 0 ? now + 1000LL * iv : 0;
		break;
	}
}

static void on_server_call(void *ud, const char *id, size_t id_len,
                           const char *action, const cJSON *payload)
{
	struct sess *s = ud;
	struct answer201 a;

	s->st.now_ms = clock_wall_ms();
	answer201_call(&s->st, action, payload, &a);
	if (a.error) {
		note(s, "server call %s -> CALLERROR %s", action, a.error);
		rpc_answer_error(&s->rpc, id, id_len, a.error, a.error_desc);
		return;
	}
	note(s, "server call %s -> %s", action, a.payload);
	rpc_answer_result(&s->rpc, id, id_len, a.payload);
	follow_up(s, &a);
}

static void on_connected(void *ud, const char *proto)
{
	struct sess *s = ud;

	note(s, "connected to %s (subprotocol %s)", s->o->url,
	     *proto ? proto : "none");
	if (strcmp(proto, "ocpp2.0.1"))
		note(s, "warning: the server chose %s, not ocpp2.0.1",
		     *proto ? proto : "no subprotocol");
	s->connected_once = 1;
	s->reconnect_failures = 0;
	s->rebooting = 0;
	if (s->need_boot) {
		s->need_boot = 0;
		s->booted = 0;
		s->status_all = 1;
		send_boot(s);
	}
	rpc_pump(&s->rpc);
}

static void on_message(void *ud, char *text, size_t len)
{
	struct sess *s = ud;

	rpc_on_message(&s->rpc, text, len);
}

static void on_closed(void *ud, int was_open, int http_status, const char *why)
{
	struct sess *s = ud;
	int64_t now = clock_mono_ms();
	int backoff;

	rpc_on_closed(&s->rpc);
	if (s->closing || s->shutting_down) {
		set_done(s);
		return;
	}
	if (was_open) {
		if (s->rebooting) {
			note(s, "rebooting");
			s->need_boot = 1;
			s->booted = 0;
			s->boot_queued = 0;
			s->hb_queued = 0;
			s->boot_reason = "RemoteReset";
			rpc_reset(&s->rpc);
			memset(s->update_queued, 0, sizeof s->update_queued);
		} else {
			note(s, "%s; reconnecting", why);
			s->reconnects++;
		}
		s->reconnect_at_ms =
		    now + (s->o->reconnect
		               ? backoff_delay_ms(0, &s->backoff_seed)
		               : 1000);
		return;
	}
	if (!s->connected_once) {
		if (http_status)
			fail(s, "handshake refused: HTTP %d", http_status);
		else
			fail(s, "cannot connect to %s: %s", s->o->url, why);
		set_done(s);
		return;
	}
	s->reconnect_failures++;
	if (s->o->exit_after_session && s->reconnect_failures >= 5) {
		fail(s, "reconnect failed %d times: %s", s->reconnect_failures,
		     why);
		set_done(s);
		return;
	}
	backoff =
	    s->o->reconnect
	        ? backoff_delay_ms(s->reconnect_failures, &s->backoff_seed)
	        : 1000 *
	              (1 << (s->reconnect_failures < 5 ? s->reconnect_failures
	                                               : 5));
	note(s, "reconnect failed (%s); next try in %d ms", why, backoff);
	s->reconnect_at_ms = now + backoff;
}

static int all_idle(struct sess *s)
{
	int i;

	for (i = 1; i <= s->st.nevse; i++)
		if (s->st.evse[i].tx != TX_NONE)
			return 0;
	return rpc_idle(&s->rpc);
}

static void start_local_session(struct sess *s)
{
	int want = s->sessions_started % s->st.nevse + 1, i;
	struct evse201 *e = NULL;

	for (i = 0; i < s->st.nevse && !e; i++) {
		struct evse201 *c =
		    &s->st.evse[(want - 1 + i) % s->st.nevse + 1];

		if (c->tx == TX_NONE && !c->inoperative)
			e = c;
	}
	if (!e)
		return;
	s->sessions_started++;
	e->tx = TX_STARTING;
	e->local_session = 1;
	e->remote_start_id = -1;
	snprintf(e->id_token, sizeof e->id_token, "%s", s->o->id_tag);
	note(s, "EVSE %d: session %d of %d, idToken %s", e->id,
	     s->sessions_started, s->o->sessions, e->id_token);
	authorize(s, e);
}

static void handle_signals(struct sess *s, int64_t now)
{
	int n = signals_count(), i;

	if (n == s->handled_signals)
		return;
	s->handled_signals = n;
	if (n >= 2 || !link_is_open(s->link)) {
		set_done(s);
		return;
	}
	note(s, "interrupted; stopping transactions and closing");
	s->shutting_down = 1;
	s->shutdown_deadline_ms = now + 5000;
	for (i = 1; i <= s->st.nevse; i++)
		stop_tx(s, &s->st.evse[i], "StopAuthorized", "Local");
}

static void tick_evses(struct sess *s, int64_t now)
{
	int iv = st201_sample_s(&s->st), i;

	for (i = 1; i <= s->st.nevse; i++) {
		struct evse201 *e = &s->st.evse[i];

		if (e->tx != TX_RUNNING)
			continue;
		update_energy(s, e, now);
		if (e->stop_at_ms && now >= e->stop_at_ms) {
			stop_tx(s, e, "StopAuthorized", "Local");
			continue;
		}
		if (iv > 0 && e->next_meter_ms && now >= e->next_meter_ms &&
		    !s->update_queued[i]) {
			e->next_meter_ms = now + 1000LL * iv;
			s->update_queued[i] = 1;
			send_tx_event(s, e, "Updated", "MeterValuePeriodic",
			              NULL, "Sample.Periodic", CK_TX_UPDATE);
		}
	}
}

static void on_tick(void *ud)
{
	struct sess *s = ud;
	int64_t now = clock_mono_ms();
	int iv;

	handle_signals(s, now);
	if (s->done) {
		link_stop(s->link);
		return;
	}
	rpc_tick(&s->rpc);
	if (s->closing) {
		if (now >= s->close_deadline_ms)
			set_done(s);
		return;
	}
	if (s->shutting_down) {
		if (rpc_idle(&s->rpc) || now >= s->shutdown_deadline_ms)
			begin_exit(s);
		return;
	}
	if (!link_is_busy(s->link)) {
		if (s->reconnect_at_ms && now >= s->reconnect_at_ms) {
			s->reconnect_at_ms = 0;
			link_connect(s->link);
		}
		return;
	}
	if (!link_is_open(s->link))
		return;
	if (s->reset_pending && all_idle(s)) {
		s->reset_pending = 0;
		s->resetting = 1;
		s->reset_close_ms = now + 1000;
	}
	if (s->resetting) {
		if (now >= s->reset_close_ms && rpc_idle(&s->rpc)) {
			s->resetting = 0;
			s->rebooting = 1;
			link_close(s->link, 1000);
		}
		return;
	}
	if (!s->booted) {
		if (s->boot_retry_ms && now >= s->boot_retry_ms) {
			s->boot_retry_ms = 0;
			send_boot(s);
		}
		return;
	}
	iv = st201_heartbeat_s(&s->st);
	if (iv > 0 && now >= s->next_hb_ms && !s->hb_queued) {
		s->hb_queued = 1;
		s->next_hb_ms = now + 1000LL * iv;
		call(s, "Heartbeat", "{}", CK_HB, 0);
	}
	tick_evses(s, now);
	if (s->sessions_started < s->o->sessions &&
	    s->sessions_started == s->sessions_done &&
	    now >= s->next_session_ms && !s->status_all && !s->reset_pending)
		start_local_session(s);
	if (s->o->exit_after_session && s->sessions_done >= s->o->sessions &&
	    all_idle(s))
		begin_exit(s);
}

static void print_summary(struct sess *s)
{
	char tx[MAX_TX_LIST * 38 + 8];
	int i, o = 0;

	tx[0] = '\0';
	for (i = 0; i < s->ntx && o < (int)sizeof tx - 40; i++)
		o += snprintf(tx + o, sizeof tx - (size_t)o, "%s%s",
		              i ? "," : "", s->txs[i]);
	printf("cpsim: %s ocpp=2.0.1 sessions=%d calls=%u results=%u "
	       "errors=%u timeouts=%u answered=%u reconnects=%d tx=[%s] "
	       "energy_wh=%lld %s%s\n",
	       s->id, s->sessions_done, s->rpc.calls, s->rpc.results,
	       s->rpc.errors, s->rpc.timeouts, s->rpc.answered, s->reconnects,
	       tx, s->energy_wh, s->failed ? "FAILED: " : "ok",
	       s->failed ? s->why : "");
	fflush(stdout);
}

int session201_run(const struct cpsim_opts *o, const struct cp_url *u)
{
	static const struct link_ops lops = {on_connected, on_message,
	                                     on_closed, on_tick};
	static const struct rpc_ops rops = {on_reply, on_server_call, may_send};
	struct link_opts lo;
	struct sess *s = calloc(1, sizeof *s);
	char path[2048], err[256];
	int rc;

	if (!s)
		return 1;
	s->o = o;
	s->id = u->identity;
	s->boot.vendor = o->vendor;
	s->boot.model = o->model;
	s->boot.firmware = o->firmware;
	s->boot.serial = o->serial;
	s->boot_reason = "PowerUp";
	st201_init(&s->st, o->connectors, u->identity, 60, o->meter_interval_s,
	           o->meter_start_wh);
	if (url_path(u, u->identity, path, sizeof path) < 0) {
		fprintf(stderr, "cpsim: URL too long\n");
		free(s);
		return 2;
	}
	opts_link(o, u, path, s->id, &lo);
	s->link = link_new(&lo, &lops, s, err, sizeof err);
	if (!s->link) {
		fprintf(stderr, "cpsim: %s\n", err);
		free(s);
		return 1;
	}
	s->backoff_seed = backoff_seed(s->id);
	rpc_init(&s->rpc, s->link, &rops, s, s->id);
	s->rpc.timeout_ms = o->timeout_s * 1000;
	/* rpc.c's retry rule knows 1.6's transaction messages only. */
	s->rpc.tx_attempts = 1;
	s->need_boot = 1;
	link_connect(s->link);
	if (!s->done)
		link_run(s->link);

	if (o->exit_after_session && !s->failed &&
	    s->sessions_done < o->sessions)
		fail(s, "interrupted after %d of %d sessions", s->sessions_done,
		     o->sessions);
	if (!s->connected_once && !s->failed)
		fail(s, "never connected");
	print_summary(s);
	link_free(s->link);
	rpc_reset(&s->rpc);
	rc = s->failed ? 1 : 0;
	free(s);
	return rc;
}
