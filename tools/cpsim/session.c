/*
 * session.c — the autonomous charge point.
 *
 * Everything is driven from three places: replies to our calls (rpc
 * reply), the server's calls (answer.c decides, the follow-up is done
 * here), and a 100 ms tick that starts sessions, sends meter values and
 * heartbeats, and handles reconnects, resets and Ctrl-C.  Calls are queued
 * through rpc.c, which sends them one at a time; nothing but
 * BootNotification goes out until the boot was accepted.
 */
#include "sess_report.h"
#include "cpcerts.h"
#include "session.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "answer.h"
#include "answer_int.h"
#include "file_jobs.h"
#include "backoff.h"
#include "clock.h"
#include "composite.h"
#include "cpstate.h"
#include "journal.h"
#include "link.h"
#include "messages.h"
#include "rpc.h"
#include "signals.h"

enum call_kind {
	CK_BOOT = 1,
	CK_STATUS,
	CK_AUTH,
	CK_START,
	CK_STOP,
	CK_METER,
	CK_HB,
	CK_OTHER
};

#define MAX_TX_LIST 256

struct sess {
	const struct cpsim_opts *o;
	const struct cp_url *u;
	const char *id;
	struct link *link;
	struct rpc rpc;
	struct cpstate st;
	struct boot_info boot;

	int booted;      /* BootNotification accepted */
	int boot_queued; /* one is queued or outstanding */
	int need_boot;   /* send one on the next connect */
	int status_all;  /* report every connector after the boot */
	int64_t boot_retry_ms;
	int hb_queued;
	int64_t next_hb_ms;
	int meter_queued[CPSTATE_MAX_CONN + 1];

	int sessions_started, sessions_done;
	int64_t next_session_ms;

	int connected_once;
	int reconnect_failures;
	int reconnects;
	int64_t reconnect_at_ms;
	uint32_t backoff_seed; /* --reconnect: jitter */
	/* A certificate from CertificateSigned to reconnect with (wss): 1
	 * close the link when idle, 2 closed: a new link with it. */
	int cert_swap;
	char new_cert[1024], new_key[1024];
	struct journal *journal;
	int resetting;
	int64_t reset_close_ms;
	int rebooting;
	int shutting_down;
	int64_t shutdown_deadline_ms;
	int closing;
	int64_t close_deadline_ms;
	int done;
	int handled_signals;

	int failed;
	char why[256];
	int ntx;
	int txs[MAX_TX_LIST];
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
                 int kind, int connector)
{
	if (!rpc_call(&s->rpc, action, payload, kind, connector, 0))
		fail(s, "cannot queue %s", action);
}

static void file_send(void *ud, const char *action, const char *payload)
{
	call(ud, action, payload, CK_OTHER, 0);
}

static void send_boot(struct sess *s)
{
	char p[512];

	if (s->boot_queued)
		return;
	msg_boot(p, sizeof p, &s->boot);
	s->boot_queued = 1;
	call(s, "BootNotification", p, CK_BOOT, 0);
}

static void send_status(struct sess *s, int cid)
{
	struct connector *c = &s->st.conn[cid];
	char p[512], ts[32];

	now_iso(ts);
	msg_status(p, sizeof p, cid, cpstate_status_name(c->status), NULL, NULL,
	           ts);
	c->reported = (int)c->status;
	call(s, "StatusNotification", p, CK_STATUS, cid);
}

static void send_status_all(struct sess *s)
{
	int i;

	for (i = 0; i <= s->st.nconn; i++)
		send_status(s, i);
}

/* What connector c draws now: --power-kw while charging, or with
 * --obey-profiles the lower of that and the composite schedule's limit. */
static double conn_power_w(struct sess *s, const struct connector *c)
{
	struct composite_in in;
	double lim;

	if (c->tx != TX_RUNNING || c->status != ST_CHARGING)
		return 0;
	if (!s->o->obey_profiles)
		return s->o->power_kw * 1000.0;
	s->st.now_ms = clock_wall_ms();
	answer_composite_in(&s->st, c->id, 1, 1, &in);
	lim = composite_limit_now(&s->st.prof, &in);
	return lim < s->o->power_kw * 1000.0 ? lim : s->o->power_kw * 1000.0;
}

static void update_energy(struct sess *s, struct connector *c, int64_t now)
{
	/* The power of the interval just ended, then the one from now on
	 * (a profile may have changed it). */
	c->meter_wh +=
	    c->power_w * (double)(now - c->last_energy_ms) / 3600000.0;
	c->last_energy_ms = now;
	c->power_w = conn_power_w(s, c);
}

static void send_meter(struct sess *s, struct connector *c, const char *context)
{
	char p[1024], ts[32];
	update_energy(s, c, clock_mono_ms());
	now_iso(ts);
	if (s->o->obey_profiles)
		msg_meter_phases(p, sizeof p, c->id,
		                 c->tx == TX_RUNNING ? c->tx_id : -1, ts,
		                 llround(c->meter_wh), llround(c->power_w),
		                 c->power_w / (COMPOSITE_VOLTS * 3), context);
	else
		msg_meter(p, sizeof p, c->id,
		          c->tx == TX_RUNNING ? c->tx_id : -1, ts,
		          llround(c->meter_wh), llround(c->power_w), context);
	s->meter_queued[c->id] = 1;
	call(s, "MeterValues", p, CK_METER, c->id);
}

/* Preparing, then StartTransaction (Authorize has been dealt with). */
static void begin_start(struct sess *s, struct connector *c)
{
	char p[512], ts[32];

	/* The start consumes the reservation it was let in by. */
	if (c->has_reservation)
		cpstate_reservation_end(&s->st, cpstate_reservation_find(
		                                    &s->st, c->reservation_id));
	c->status = ST_PREPARING;
	send_status(s, c->id);
	now_iso(ts);
	c->meter_start = llround(c->meter_wh);
	msg_start_reserved(p, sizeof p, c->id, c->id_tag, c->meter_start, ts,
	                   c->has_reservation ? c->reservation_id : -1);
	c->has_reservation = 0;
	call(s, "StartTransaction", p, CK_START, c->id);
}

static void begin_authorize(struct sess *s, struct connector *c)
{
	char p[128];

	msg_authorize(p, sizeof p, c->id_tag);
	call(s, "Authorize", p, CK_AUTH, c->id);
}

static void stop_tx(struct sess *s, struct connector *c, const char *reason)
{
	char p[1024], ts[32];
	long long stop;

	if (c->tx != TX_RUNNING)
		return;
	update_energy(s, c, clock_mono_ms());
	stop = llround(c->meter_wh);
	s->energy_wh += stop - c->meter_start;
	c->tx = TX_STOPPING;
	now_iso(ts);
	msg_stop(p, sizeof p, c->tx_id,
	         strcmp(reason, "Local") ? NULL : c->id_tag, stop, ts, reason);
	note(s, "connector %d: stopping transaction %d (%s, %lld Wh)", c->id,
	     c->tx_id, reason, stop - c->meter_start);
	call(s, "StopTransaction", p, CK_STOP, c->id);
	c->status = ST_FINISHING;
	send_status(s, c->id);
}

/* The transaction is over (or never started): back to Available. */
static void end_tx(struct sess *s, struct connector *c)
{
	if (c->local_session) {
		s->sessions_done++;
		s->next_session_ms = clock_mono_ms() + 1000;
	}
	c->tx = TX_NONE;
	c->remote = 0;
	c->local_session = 0;
	c->stop_at_ms = 0;
	c->has_reservation = 0;
	c->power_w = 0;
	profiles_tx_ended(&s->st.prof, c->id);
	if (c->pending_avail >= 0) {
		c->inoperative = c->pending_avail;
		c->pending_avail = -1;
	}
	c->status = c->inoperative ? ST_UNAVAILABLE : ST_AVAILABLE;
	send_status(s, c->id);
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
	int interval = 0;

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
	if (!cJSON_IsString(st)) {
		fail(s, "BootNotification.conf without a status");
		s->boot_retry_ms = clock_mono_ms() + 10000;
		return;
	}
	if (strcmp(st->valuestring, "Accepted")) {
		/* Pending and Rejected: try again after interval. */
		note(s, "BootNotification %s, retrying in %d s",
		     st->valuestring, interval > 0 ? interval : 10);
		s->booted = 0;
		s->boot_retry_ms =
		    clock_mono_ms() + 1000LL * (interval > 0 ? interval : 10);
		if (!strcmp(st->valuestring, "Rejected") &&
		    s->o->exit_after_session) {
			fail(s, "BootNotification Rejected");
			begin_exit(s);
		}
		return;
	}
	if (interval > 0) {
		char v[16];

		snprintf(v, sizeof v, "%d", interval);
		cpconfig_change(&s->st.cfg, "HeartbeatInterval", v);
	}
	interval = cpconfig_get_int(&s->st.cfg, "HeartbeatInterval", 0);
	note(s, "BootNotification Accepted, heartbeat every %d s", interval);
	s->booted = 1;
	s->boot_retry_ms = 0;
	s->next_hb_ms = clock_mono_ms() + 1000LL * interval;
	if (s->status_all) {
		s->status_all = 0;
		send_status_all(s);
	}
}

/* Authorize.conf names the parentIdTag of the reservation c is to use. */
static int parent_fits(struct sess *s, const struct connector *c,
                       const cJSON *conf)
{
	int k = cpstate_reservation_find(&s->st, c->reservation_id);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(conf, "idTagInfo"), "parentIdTag");

	return k >= 0 && cJSON_IsString(p) &&
	       !strcasecmp(p->valuestring, s->st.res[k].parent);
}

static void on_auth_reply(struct sess *s, struct connector *c,
                          const struct rpc_reply *r)
{
	const cJSON *st = NULL;

	if (r->outcome == RPC_RESULT)
		st = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(r->payload, "idTagInfo"),
		    "status");
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "Accepted") &&
	    c->check_parent && !parent_fits(s, c, r->payload)) {
		/* Not of the reservation's group: the connector stays
		 * Reserved for it. */
		note(s,
		     "connector %d: idTag %s is not of reservation %d's "
		     "parent; not starting",
		     c->id, c->id_tag, c->reservation_id);
		c->tx = TX_NONE;
		c->check_parent = 0;
		c->has_reservation = 0;
		c->remote = 0;
		if (c->local_session) {
			s->sessions_done++;
			s->next_session_ms = clock_mono_ms() + 1000;
		}
		c->local_session = 0;
		return;
	}
	if (cJSON_IsString(st) && !strcmp(st->valuestring, "Accepted")) {
		c->check_parent = 0;
		begin_start(s, c);
		return;
	}
	c->check_parent = 0;
	if (r->outcome == RPC_RESULT)
		fail(s, "Authorize: idTag %s is %s", c->id_tag,
		     cJSON_IsString(st) ? st->valuestring : "(no status)");
	c->tx = TX_NONE;
	if (c->local_session) {
		s->sessions_done++;
		s->next_session_ms = clock_mono_ms() + 1000;
	}
	c->local_session = 0;
	c->remote = 0;
}

static void on_start_reply(struct sess *s, struct connector *c,
                           const struct rpc_reply *r)
{
	const cJSON *tx = NULL, *st = NULL;
	int64_t now = clock_mono_ms();
	int interval;

	if (r->outcome == RPC_RESULT) {
		tx = cJSON_GetObjectItemCaseSensitive(r->payload,
		                                      "transactionId");
		st = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(r->payload, "idTagInfo"),
		    "status");
		if (!cJSON_IsNumber(tx))
			fail(s, "StartTransaction.conf without a "
			        "transactionId");
	}
	if (!cJSON_IsNumber(tx)) {
		end_tx(s, c);
		return;
	}
	c->tx = TX_RUNNING;
	c->tx_id = (int)tx->valuedouble;
	c->tx_start_wall_ms = clock_wall_ms();
	c->last_energy_ms = now;
	if (s->ntx < MAX_TX_LIST)
		s->txs[s->ntx++] = c->tx_id;
	note(s, "connector %d: transaction %d started (meterStart %lld)", c->id,
	     c->tx_id, c->meter_start);
	if (!cJSON_IsString(st) || strcmp(st->valuestring, "Accepted")) {
		/* The central system refused the tag after all. */
		fail(s, "StartTransaction: idTag %s is %s", c->id_tag,
		     cJSON_IsString(st) ? st->valuestring : "(no status)");
		stop_tx(s, c, "DeAuthorized");
		return;
	}
	c->status = ST_CHARGING;
	c->power_w = conn_power_w(s, c);
	send_status(s, c->id);
	interval = cpconfig_get_int(&s->st.cfg, "MeterValueSampleInterval", 0);
	c->next_meter_ms = interval > 0 ? now + 1000LL * interval : 0;
	c->stop_at_ms = c->local_session ? now + 1000LL * s->o->duration_s : 0;
}

static void on_reply(void *ud, struct rpc_call *call, const struct rpc_reply *r)
{
	struct sess *s = ud;
	struct connector *c = &s->st.conn[call->connector];

	if (r->outcome == RPC_ERROR)
		fail(s, "CALLERROR %s for %s: %s", r->err_code, call->action,
		     r->err_desc);
	else if (r->outcome == RPC_TIMEOUT)
		fail(s, "no answer to %s in %d s", call->action,
		     s->o->timeout_s);

	if (s->journal && r->outcome == RPC_RESULT &&
	    (call->tag == CK_START || call->tag == CK_STOP) &&
	    journal_frame(s->journal, s->id, call->text, r->payload) > 0)
		journal_flush(s->journal);

	switch (call->tag) {
	case CK_BOOT:
		on_boot_reply(s, r);
		break;
	case CK_AUTH:
		on_auth_reply(s, c, r);
		break;
	case CK_START:
		on_start_reply(s, c, r);
		break;
	case CK_STOP:
		if (r->outcome == RPC_RESULT)
			note(s, "connector %d: transaction %d stopped", c->id,
			     c->tx_id);
		end_tx(s, c);
		break;
	case CK_METER:
		s->meter_queued[c->id] = 0;
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

static void trigger(struct sess *s, const char *what, int cid)
{
	char p[64];
	int i;

	if (!strcmp(what, "BootNotification")) {
		send_boot(s);
	} else if (!strcmp(what, "Heartbeat")) {
		s->hb_queued = 1;
		call(s, "Heartbeat", "{}", CK_HB, 0);
	} else if (!strcmp(what, "StatusNotification")) {
		if (cid >= 0)
			send_status(s, cid);
		else
			send_status_all(s);
	} else if (!strcmp(what, "MeterValues")) {
		for (i = 1; i <= s->st.nconn; i++)
			if (cid <= 0 || cid == i)
				send_meter(s, &s->st.conn[i], "Trigger");
	} else if (!strcmp(what, "DiagnosticsStatusNotification")) {
		msg_diag_status(p, sizeof p, "Idle");
		call(s, "DiagnosticsStatusNotification", p, CK_OTHER, 0);
	} else if (!strcmp(what, "FirmwareStatusNotification")) {
		msg_fw_status(p, sizeof p, "Idle");
		call(s, "FirmwareStatusNotification", p, CK_OTHER, 0);
	} else if (!strcmp(what, "SignChargePointCertificate")) {
		char csr[2048];
		if (cpcerts_sign_request(
		        &s->st, s->id, s->o->cert_org ? s->o->cert_org : "csms",
		        csr, sizeof csr))
			note(s, "could not make a CSR");
		else
			call(s, "SignCertificate", csr, CK_OTHER, 0);
	}
}

static void follow_up(struct sess *s, const struct answer *a)
{
	struct connector *c = &s->st.conn[a->connector > 0 ? a->connector : 0];
	int64_t now = clock_mono_ms();
	int i;

	switch (a->fu) {
	case FU_NONE:
		break;
	case FU_RESET:
		s->resetting = 1;
		s->reset_close_ms = now + 1000;
		for (i = 1; i <= s->st.nconn; i++)
			stop_tx(s, &s->st.conn[i],
			        !strcmp(a->what, "Hard") ? "HardReset"
			                                 : "SoftReset");
		break;
	case FU_REMOTE_START:
		if (a->check_parent ||
		    !strcmp(
		        cpconfig_get(&s->st.cfg, "AuthorizeRemoteTxRequests"),
		        "true"))
			begin_authorize(s, c);
		else
			begin_start(s, c);
		break;
	case FU_REMOTE_STOP:
		stop_tx(s, c, "Remote");
		break;
	case FU_UNLOCK:
		stop_tx(s, c, "UnlockCommand");
		break;
	case FU_AVAILABILITY:
	case FU_STATUS:
		for (i = 0; i <= s->st.nconn; i++)
			if ((a->connector == 0 || a->connector == i) &&
			    s->st.conn[i].reported != (int)s->st.conn[i].status)
				send_status(s, i);
		break;
	case FU_TRIGGER:
		trigger(s, a->what, a->connector);
		break;
	case FU_FILE:
		file_jobs_run(a, s->id, file_send, s);
		break;
	case FU_CERT: {
		char err[256];
		if (!s->o->cert_dir)
			note(s, "certificate installed (no --cert-dir)");
		else if (cpcerts_save(&s->st, s->o->cert_dir, s->id, err,
		                      sizeof err))
			note(s, "certificate not saved: %s", err);
		else if (!s->u->tls)
			note(s, "certificate saved in %s", s->o->cert_dir);
		else {
			/* The whitepaper's flow: the charge point connects
			 * again with its new certificate (security profile
			 * 3), once this answer is out. */
			snprintf(s->new_cert, sizeof s->new_cert, "%s/%s.crt",
			         s->o->cert_dir, s->id);
			snprintf(s->new_key, sizeof s->new_key, "%s/%s.key",
			         s->o->cert_dir, s->id);
			s->cert_swap = 1;
			note(s,
			     "certificate saved in %s; reconnecting with it "
			     "(security profile 3)",
			     s->o->cert_dir);
		}
		break;
	}
	case FU_CONFIG:
		if (!strcasecmp(a->what, "HeartbeatInterval"))
			s->next_hb_ms =
			    now + 1000LL * cpconfig_get_int(&s->st.cfg,
			                                    "HeartbeatInterval",
			                                    0);
		if (!strcasecmp(a->what, "MeterValueSampleInterval")) {
			int iv = cpconfig_get_int(
			    &s->st.cfg, "MeterValueSampleInterval", 0);

			for (i = 1; i <= s->st.nconn; i++)
				s->st.conn[i].next_meter_ms =
				    iv > 0 ? now + 1000LL * iv : 0;
		}
		break;
	}
}

static void on_server_call(void *ud, const char *id, size_t id_len,
                           const char *action, const cJSON *payload)
{
	struct sess *s = ud;
	struct answer a;

	s->st.now_ms = clock_wall_ms();
	answer_call(&s->st, action, payload, &a);
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
	if (s->o->subprotocol && !*proto)
		note(s, "warning: the server accepted without choosing a "
		        "subprotocol (OCPP-J requires it to echo one)");
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
			rpc_reset(&s->rpc);
			memset(s->meter_queued, 0, sizeof s->meter_queued);
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
	if (s->o->reconnect) {
		if (s->o->exit_after_session &&
		    s->reconnect_failures >= BACKOFF_GIVE_UP) {
			fail(s, "reconnect failed %d times: %s",
			     s->reconnect_failures, why);
			set_done(s);
			return;
		}
		backoff =
		    backoff_delay_ms(s->reconnect_failures, &s->backoff_seed);
		note(s, "reconnect failed (%s); next try in %d ms", why,
		     backoff);
		s->reconnect_at_ms = now + backoff;
		return;
	}
	if (s->o->exit_after_session && s->reconnect_failures >= 5) {
		fail(s, "reconnect failed %d times: %s", s->reconnect_failures,
		     why);
		set_done(s);
		return;
	}
	backoff = 1 << (s->reconnect_failures < 5 ? s->reconnect_failures : 5);
	note(s, "reconnect failed (%s); next try in %d s", why, backoff);
	s->reconnect_at_ms = now + 1000LL * backoff;
}

static int all_idle(struct sess *s)
{
	int i;

	for (i = 1; i <= s->st.nconn; i++)
		if (s->st.conn[i].tx != TX_NONE)
			return 0;
	return rpc_idle(&s->rpc);
}

static void start_local_session(struct sess *s)
{
	struct connector *c;
	int want = s->sessions_started % s->st.nconn + 1, res, check;

	/* A connector reserved for another tag is not ours to take. */
	c = cpstate_start_connector(&s->st, want, s->o->id_tag, &res, &check);
	if (!c)
		c = cpstate_start_connector(&s->st, 0, s->o->id_tag, &res,
		                            &check);
	if (!c)
		return;
	c->has_reservation = res >= 0;
	c->reservation_id = res >= 0 ? s->st.res[res].id : 0;
	c->check_parent = check;
	s->sessions_started++;
	c->tx = TX_STARTING;
	c->local_session = 1;
	c->remote = 0;
	snprintf(c->id_tag, sizeof c->id_tag, "%s", s->o->id_tag);
	note(s, "connector %d: session %d of %d, idTag %s", c->id,
	     s->sessions_started, s->o->sessions, c->id_tag);
	begin_authorize(s, c);
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
	for (i = 1; i <= s->st.nconn; i++)
		stop_tx(s, &s->st.conn[i], "Local");
}

static void on_tick(void *ud)
{
	struct sess *s = ud;
	int64_t now = clock_mono_ms();
	int i, iv;

	handle_signals(s, now);
	if (s->done) {
		link_stop(s->link);
		return;
	}
	rpc_tick(&s->rpc);
	if (s->cert_swap == 1 && link_is_open(s->link) && rpc_idle(&s->rpc)) {
		s->cert_swap = 2;
		link_close(s->link, 1000);
		return;
	}
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
			if (s->cert_swap == 2)
				/* session_run makes the link anew. */
				link_stop(s->link);
			else
				link_connect(s->link);
		}
		return;
	}
	if (!link_is_open(s->link))
		return;
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

	iv = cpconfig_get_int(&s->st.cfg, "HeartbeatInterval", 0);
	if (iv > 0 && now >= s->next_hb_ms && !s->hb_queued) {
		s->hb_queued = 1;
		s->next_hb_ms = now + 1000LL * iv;
		call(s, "Heartbeat", "{}", CK_HB, 0);
	}

	/* Reservations past their expiry end: Available again. */
	if (cpstate_reservations_expire(&s->st, clock_wall_ms()))
		for (i = 1; i <= s->st.nconn; i++)
			if (s->st.conn[i].reported != (int)s->st.conn[i].status)
				send_status(s, i);

	iv = cpconfig_get_int(&s->st.cfg, "MeterValueSampleInterval", 0);
	for (i = 1; i <= s->st.nconn; i++) {
		struct connector *c = &s->st.conn[i];

		if (c->tx != TX_RUNNING)
			continue;
		update_energy(s, c, now);
		if (c->stop_at_ms && now >= c->stop_at_ms) {
			stop_tx(s, c, "Local");
			continue;
		}
		if (iv > 0 && c->next_meter_ms && now >= c->next_meter_ms &&
		    !s->meter_queued[i]) {
			c->next_meter_ms = now + 1000LL * iv;
			send_meter(s, c, "Sample.Periodic");
		}
	}

	if (s->sessions_started < s->o->sessions &&
	    s->sessions_started == s->sessions_done &&
	    now >= s->next_session_ms && !s->status_all)
		start_local_session(s);

	if (s->o->exit_after_session && s->sessions_done >= s->o->sessions &&
	    all_idle(s))
		begin_exit(s);
}

static void print_summary(struct sess *s)
{
	char tx[MAX_TX_LIST * 12 + 8];
	int i, o = 0;

	tx[0] = '\0';
	for (i = 0; i < s->ntx && o < (int)sizeof tx - 16; i++)
		o += snprintf(tx + o, sizeof tx - (size_t)o, "%s%d",
		              i ? "," : "", s->txs[i]);
	printf("cpsim: %s sessions=%d calls=%u results=%u errors=%u "
	       "timeouts=%u answered=%u reconnects=%d tx_retries=%u "
	       "tx=[%s] energy_wh=%lld %s%s\n",
	       s->id, s->sessions_done, s->rpc.calls, s->rpc.results,
	       s->rpc.errors, s->rpc.timeouts, s->rpc.answered, s->reconnects,
	       s->rpc.tx_retries, tx, s->energy_wh,
	       s->failed ? "FAILED: " : "ok", s->failed ? s->why : "");
	fflush(stdout);
}

int session_run(const struct cpsim_opts *o, const struct cp_url *u)
{
	static const struct link_ops lops = {on_connected, on_message,
	                                     on_closed, on_tick};
	static const struct rpc_ops rops = {on_reply, on_server_call, may_send};
	struct link_opts lo;
	struct sess *s = calloc(1, sizeof *s);
	char path[2048], err[256];

	if (!s)
		return 1;
	s->o = o;
	s->u = u;
	s->id = u->identity;
	s->boot.vendor = o->vendor;
	s->boot.model = o->model;
	s->boot.firmware = o->firmware;
	s->boot.serial = o->serial;
	cpstate_init(&s->st, o->connectors, 60, o->meter_interval_s,
	             o->meter_start_wh);
	cpstate_apply_opts(&s->st, o);
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
	if (o->journal) {
		s->journal = journal_open(o->journal, err, sizeof err);
		if (!s->journal) {
			fprintf(stderr, "cpsim: %s\n", err);
			link_free(s->link);
			free(s);
			return 2;
		}
	}
	s->backoff_seed = backoff_seed(s->id);
	rpc_init(&s->rpc, s->link, &rops, s, s->id);
	s->rpc.timeout_ms = o->timeout_s * 1000;
	s->rpc.tx_attempts = o->tx_attempts;
	s->rpc.tx_retry_ms = (int)(o->tx_retry_s * 1000);
	s->need_boot = 1;
	link_connect(s->link);
	if (!s->done)
		link_run(s->link);
	while (s->cert_swap == 2 && !s->done && !s->failed) {
		/* The client certificate belongs to the lws context: a new
		 * link carries the new one, without Basic auth (profile 3). */
		s->cert_swap = 0;
		link_free(s->link);
		lo.cert_file = s->new_cert;
		lo.key_file = s->new_key;
		lo.basic_auth = NULL;
		s->link = link_new(&lo, &lops, s, err, sizeof err);
		s->rpc.link = s->link;
		if (!s->link) {
			fail(s, "%s", err);
			break;
		}
		note(s, "reconnecting with the certificate %s", s->new_cert);
		link_connect(s->link);
		link_run(s->link);
	}

	if (o->exit_after_session && !s->failed &&
	    s->sessions_done < o->sessions)
		fail(s, "interrupted after %d of %d sessions", s->sessions_done,
		     o->sessions);
	if (!s->connected_once && !s->failed)
		fail(s, "never connected");
	print_summary(s);
	link_free(s->link);
	rpc_reset(&s->rpc);
	journal_close(s->journal);
	{
		int rc = s->failed ? 1 : 0;

		free(s);
		return rc;
	}
}
