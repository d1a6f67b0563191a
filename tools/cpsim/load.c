/*
 * load.c — load mode: N charge points on one lws context and one thread.
 *
 * The run has four phases.  CONNECT opens the connections (at most
 * --max-connecting handshakes at once, spread over --ramp seconds), each
 * bound to a source address in 127.0.0.0/8 so more than one address's
 * worth of ephemeral ports is available, and boots each charge point.
 * TRAFFIC runs the message mix for --seconds, either closed loop (every
 * answer releases the next call) or paced to --rate messages per second
 * by a 1 ms timer that hands send credits to idle charge points taken
 * from a ring.  DRAIN waits briefly for the last answers; CLOSE closes
 * every link with code 1000.
 *
 * This file runs the phases and the pacing; load_conn.c does each
 * connection's protocol work.
 */
#include "load.h"

#include <libwebsockets.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "journal.h"
#include "load_int.h"
#include "signals.h"

static void start_traffic(struct load *L, int64_t now)
{
	int i;

	L->st.connect_secs = (double)(now - L->start_us) / 1e6;
	if (L->o->pid)
		L->st.rss_after_kb = load_vmrss_kb(L->o->pid);
	L->st.self_rss_kb = load_vmrss_kb((int)getpid());
	L->phase = P_TRAFFIC;
	L->phase_us = now;
	L->traffic_end_us = now + (int64_t)L->o->seconds * 1000000;
	if (L->o->mix == MIX_HOLD)
		L->rate = (double)L->st.booted / L->o->hold_heartbeat_s;
	else
		L->rate = L->o->rate;
	L->st.rate = L->rate;
	L->granted = 0;
	for (i = 0; i < L->n; i++)
		load_release(L, &L->conns[i]);
}

/* Rate mode: hand out the send credits that are due. */
static void grant(struct load *L, int64_t now)
{
	double due = L->rate * (double)(now - L->phase_us) / 1e6 - L->granted;
	double backlog = L->rate * 0.05 > 1 ? L->rate * 0.05 : 1;

	while (due >= 1) {
		struct lconn *c = load_ring_pop(L);

		if (!c)
			break;
		if (c->state != LS_READY || c->inflight + c->credits >= L->k)
			continue;
		c->credits++;
		L->granted += 1;
		due -= 1;
		lws_callback_on_writable(c->wsi);
		if (c->inflight + c->credits < L->k)
			load_ring_push(L, c);
	}
	/* Every charge point busy: do not let the debt grow without bound
	 * (it would come out as a burst); count what was skipped. */
	if (due > backlog) {
		L->st.rate_shortfall += (uint64_t)(due - backlog);
		L->granted += floor(due - backlog);
	}
}

static void check_timeouts(struct load *L, int64_t now)
{
	int i, j;

	for (i = 0; i < L->n; i++) {
		struct lconn *c = &L->conns[i];
		struct slot *s = load_slots_of(L, c);

		/* Without a link (--reconnect) the calls wait to be resent. */
		if (!c->inflight ||
		    (c->state != LS_READY && c->state != LS_BOOTING))
			continue;
		for (j = 0; j < L->k; j++) {
			if (!s[j].used ||
			    now - s[j].due_us < LOAD_REPLY_TIMEOUT_US)
				continue;
			s[j].used = 0;
			c->inflight--;
			if (s[j].counted || s[j].kind == LM_BOOT ||
			    s[j].kind == LM_STATUS_CONNECTOR)
				L->st.timeouts++;
			if (s[j].kind == LM_BOOT)
				load_boot_done(L, c, 0);
			else if (s[j].kind == LM_START)
				c->tx = TXS_NONE;
			load_release(L, c);
		}
	}
}

static int count_state(struct load *L, enum lstate s)
{
	int i, n = 0;

	for (i = 0; i < L->n; i++)
		n += L->conns[i].state == s;
	return n;
}

static void status_line(struct load *L, int64_t now)
{
	static const char *const names[] = {"connect", "traffic", "drain",
	                                    "close", "done"};
	double dt = (double)(now - L->last_status_us) / 1e6;
	uint64_t inflight = 0;
	int i;

	if (L->o->quiet)
		return;
	for (i = 0; i < L->n; i++)
		inflight += L->conns[i].inflight;
	fprintf(stderr,
	        "%s[%4.0fs] %-7s conn %d/%d booted %d  sent %6.0f/s  "
	        "answered %6.0f/s  inflight %llu  errors %llu%s",
	        L->tty ? "\r" : "", (double)(now - L->start_us) / 1e6,
	        names[L->phase],
	        count_state(L, LS_READY) + count_state(L, LS_BOOTING), L->n,
	        L->st.booted,
	        dt > 0 ? (double)(L->st.sent - L->last_sent) / dt : 0,
	        dt > 0 ? (double)(L->st.answered - L->last_answered) / dt : 0,
	        (unsigned long long)inflight,
	        (unsigned long long)(L->st.callerrors + L->st.timeouts +
	                             L->st.protocol + L->st.connect_failed +
	                             (uint64_t)L->st.closed_early),
	        L->tty ? "   " : "\n");
	L->last_sent = L->st.sent;
	L->last_answered = L->st.answered;
	L->last_status_us = now;
}

static void finish_report(struct load *L);

/*
 * With the libev loop, lws_service() runs ev_run() until the loop has no
 * watchers left, so the while (!done) loop in load_run never regains
 * control; and lws 4.1 tears an event-lib context down in stages that
 * need the loop.  Every link is closed by now, so report and leave.
 */
static void ev_finish(struct load *L)
{
	if (L->tty && !L->o->quiet)
		fputc('\n', stderr);
	finish_report(L);
	exit(L->st.failure ? 1 : 0);
}

static void tick(lws_sorted_usec_list_t *sul)
{
	struct load *L = lws_container_of(sul, struct load, sul);
	int64_t now = clock_mono_us();
	int i, allowed, inflight;

	if (signals_count() != L->handled_signals) {
		L->handled_signals = signals_count();
		if (L->handled_signals >= 2) {
			L->done = 1;
			return;
		}
		if (L->phase < P_DRAIN) {
			if (!L->st.failure)
				L->st.failure = "interrupted";
			if (L->phase == P_TRAFFIC)
				L->st.traffic_secs =
				    (double)(now - L->phase_us) / 1e6;
			L->phase = P_DRAIN;
			L->phase_us = now;
		}
	}

	switch (L->phase) {
	case P_CONNECT:
		if (L->o->mix == MIX_STORM && load_storm_tick(L, now)) {
			/* The wave is over: no traffic phase. */
			L->st.connect_secs = (double)(now - L->start_us) / 1e6;
			if (L->o->pid)
				L->st.rss_after_kb = load_vmrss_kb(L->o->pid);
			L->st.self_rss_kb = load_vmrss_kb((int)getpid());
			L->phase = P_DRAIN;
			L->phase_us = now;
			break;
		}
		allowed = L->n;
		if (L->o->ramp_s > 0)
			allowed =
			    (int)((double)L->n * (double)(now - L->start_us) /
			          ((double)L->o->ramp_s * 1e6)) +
			    1;
		if (allowed > L->n)
			allowed = L->n;
		while (L->next_open < allowed &&
		       L->connecting < L->o->max_connecting)
			load_open(L, &L->conns[L->next_open++]);
		if (L->o->mix == MIX_STORM)
			break;
		if ((L->next_open == L->n && L->settled >= L->n) ||
		    now - L->start_us >
		        (int64_t)L->o->ramp_s * 1000000 + LOAD_CONNECT_GRACE_US)
			start_traffic(L, now);
		break;
	case P_TRAFFIC:
		if (L->rate > 0)
			grant(L, now);
		if (now >= L->traffic_end_us) {
			L->st.traffic_secs = (double)(now - L->phase_us) / 1e6;
			L->phase = P_DRAIN;
			L->phase_us = now;
		}
		break;
	case P_DRAIN:
		for (i = 0, inflight = 0; i < L->n; i++)
			inflight += L->conns[i].inflight;
		if (L->o->reconnect)
			inflight += L->reconnecting;
		if (!inflight || now - L->phase_us >
		                     (L->o->reconnect ? LOAD_RECONNECT_DRAIN_US
		                                      : LOAD_DRAIN_US)) {
			L->st.held = count_state(L, LS_READY);
			L->st.unanswered_end = load_unanswered(L);
			L->phase = P_CLOSE;
			L->phase_us = now;
			for (i = 0; i < L->n; i++) {
				struct lconn *c = &L->conns[i];

				if (c->wsi && c->state != LS_CONNECTING) {
					c->want_close = 1;
					lws_callback_on_writable(c->wsi);
				}
			}
		}
		break;
	case P_CLOSE:
		if (count_state(L, LS_CLOSED) + count_state(L, LS_FAILED) +
		            count_state(L, LS_WAITING) +
		            count_state(L, LS_RECONNECTING) >=
		        L->n ||
		    now - L->phase_us > LOAD_CLOSE_US) {
			L->phase = P_DONE;
			L->done = 1;
			if (L->use_ev)
				ev_finish(L);
			return;
		}
		break;
	case P_DONE:
		L->done = 1;
		return;
	}
	if (L->done && L->use_ev)
		ev_finish(L);
	if (L->phase < P_CLOSE)
		load_reconnect_tick(L, now);

	if (now - L->last_status_us >= 1000000) {
		check_timeouts(L, now);
		status_line(L, now);
		journal_flush(L->journal);
	}
	lws_sul_schedule(L->ctx, 0, &L->sul, tick,
	                 L->phase == P_TRAFFIC && L->rate > 0 ? 1000 : 10000);
}

/* ---- setup ---- */

static int raise_nofile(int need, char *err, size_t errlen)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && (rlim_t)need > rl.rlim_cur) {
		snprintf(err, errlen,
		         "%d connections need %d file descriptors; the limit "
		         "is %llu (raise the hard limit: ulimit -Hn)",
		         need - 64, need, (unsigned long long)rl.rlim_cur);
		return -1;
	}
	return 0;
}

static void finish_report(struct load *L)
{
	static char why[160];

	journal_close(L->journal);
	L->journal = NULL;
	load_storm_close_curve(L);
	if (!L->st.failure) {
		if (L->st.connected < L->n) {
			snprintf(why, sizeof why, "%d of %d connections failed",
			         L->n - L->st.connected, L->n);
			L->st.failure = why;
		} else if (L->st.booted < L->n) {
			snprintf(why, sizeof why,
			         "%d charge points were not booted",
			         L->n - L->st.booted);
			L->st.failure = why;
		} else if (L->st.storm && L->st.online < L->n) {
			snprintf(why, sizeof why,
			         "%d charge points were not online after %d s",
			         L->n - L->st.online, L->o->seconds);
			L->st.failure = why;
		} else if (L->o->reconnect && L->st.held < L->st.booted) {
			snprintf(why, sizeof why,
			         "%d charge points had no link at the end",
			         L->st.booted - L->st.held);
			L->st.failure = why;
		} else if (L->o->reconnect && L->st.unanswered_end) {
			snprintf(why, sizeof why,
			         "%d calls were never answered",
			         L->st.unanswered_end);
			L->st.failure = why;
		} else if (L->st.closed_early) {
			snprintf(why, sizeof why,
			         "the server closed %d connections",
			         L->st.closed_early);
			L->st.failure = why;
		} else if (L->st.callerrors || L->st.timeouts ||
		           L->st.protocol) {
			L->st.failure = "errors during the run";
		}
	}
	if (L->o->json)
		load_report_json(stdout, &L->st);
	else
		load_report_text(stdout, &L->st);
	fflush(stdout);
}

int load_run(const struct cpsim_opts *o, const struct cp_url *u)
{
	struct lws_context_creation_info info;
	struct load *L;
	char err[256];
	int i, rc;

	if (!url_host_is_loopback(u->host)) {
		fprintf(stderr,
		        "cpsim: load mode targets this machine only "
		        "(localhost, 127.0.0.0/8, ::1), not %s\n",
		        u->host);
		return 2;
	}
	if (raise_nofile(o->cps + 64, err, sizeof err)) {
		fprintf(stderr, "cpsim: %s\n", err);
		return 2;
	}
	L = calloc(1, sizeof *L);
	if (!L)
		return 1;
	L->o = o;
	L->u = u;
	L->n = o->cps;
	L->k = o->mix == MIX_HOLD || o->mix == MIX_STORM ? 1 : o->inflight;
	L->conns = calloc((size_t)L->n, sizeof *L->conns);
	L->slots = calloc((size_t)L->n * (size_t)L->k, sizeof *L->slots);
	L->ring = calloc((size_t)L->n, sizeof *L->ring);
	L->txbuf = malloc(LWS_PRE + LOAD_TX_BUF);
	if (!L->conns || !L->slots || !L->ring || !L->txbuf) {
		fprintf(stderr, "cpsim: out of memory\n");
		rc = 1;
		goto out;
	}
	for (i = 0; i < L->n; i++) {
		L->conns[i].idx = (uint32_t)i;
		L->conns[i].tx_id = -1;
		L->conns[i].meter_wh = 1000;
		L->conns[i].cycle = (uint8_t)load_mix_start((uint32_t)i);
		/* --ocpp201-share: spread evenly over the fleet. */
		L->conns[i].v201 =
		    o->ocpp201 || (int)((i + 1) * o->ocpp201_share) >
		                      (int)(i * o->ocpp201_share);
	}
	L->run = (uint32_t)(clock_wall_ms() / 1000);
	/* localhost could resolve to ::1 while we bind 127.x sources. */
	snprintf(L->address, sizeof L->address, "%s",
	         strcasecmp(u->host, "localhost") ? u->host : "127.0.0.1");
	L->bind_src = !strchr(L->address, ':');
	for (i = 0; i < LOAD_SRC_ADDRS; i++)
		snprintf(L->src[i], sizeof L->src[i], "127.0.0.%d", i + 1);
	if (strchr(u->host, ':'))
		snprintf(L->host_hdr, sizeof L->host_hdr, "[%s]:%d", u->host,
		         u->port);
	else
		snprintf(L->host_hdr, sizeof L->host_hdr, "%s:%d", u->host,
		         u->port);
	if (o->basic_auth) {
		char b64[400];

		if (lws_b64_encode_string(o->basic_auth,
		                          (int)strlen(o->basic_auth), b64,
		                          sizeof b64) > 0)
			snprintf(L->auth_hdr, sizeof L->auth_hdr, "Basic %s",
			         b64);
	}
	if (o->journal) {
		L->journal = journal_open(o->journal, err, sizeof err);
		if (!L->journal) {
			fprintf(stderr, "cpsim: %s\n", err);
			rc = 2;
			goto out;
		}
	}
	if (load_storm_open_curve(L, err, sizeof err)) {
		fprintf(stderr, "cpsim: %s\n", err);
		rc = 2;
		goto out;
	}
	load_stats_init(&L->st);
	L->st.storm = o->mix == MIX_STORM;
	L->st.reconnect = o->reconnect;
	L->st.url = o->url;
	L->st.mix = opts_mix_name(o->mix);
	L->st.rate = o->rate;
	L->st.inflight = L->k;
	L->st.requested = L->n;
	L->st.seconds = o->seconds;
	L->st.pid = o->pid;
	L->tty = isatty(2);
	if (o->pid) {
		L->st.rss_before_kb = load_vmrss_kb(o->pid);
		if (L->st.rss_before_kb < 0)
			fprintf(stderr, "cpsim: cannot read /proc/%d/status\n",
			        o->pid);
	}

	lws_set_log_level(o->verbose ? LLL_ERR | LLL_WARN : 0, NULL);
	memset(&info, 0, sizeof info);
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = load_protocols;
	info.user = L;
	info.gid = -1;
	info.uid = -1;
	/* No fd_limit_per_thread: with it lws 4.1 looks wsis up by a linear
	 * scan (max_fds_unrelated_to_ulimit), which at 15k connections costs
	 * more than everything else together.  Sized from the rlimit, the
	 * lookup is an array index. */
	info.max_http_header_pool =
	    (unsigned short)(o->max_connecting + 16 < 65535
	                         ? o->max_connecting + 16
	                         : 65535);
	info.retry_and_idle_policy = &load_no_validity;
	info.timeout_secs = 30;
	info.connect_timeout_secs = 20;
	if (u->tls) {
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
		info.client_ssl_ca_filepath = o->ca_file;
		/* The system's CA directory, as OpenSSL 3 loads it by default
		 * (a store lookup), is read whole — opendir and every entry
		 * — for each handshake's issuer lookup: that, not the
		 * cryptography, held cpsim to ~500 TLS connects/s.  A given
		 * CA file, or --insecure, needs none of it. */
		if (o->ca_file || o->insecure)
			info.options |= LWS_SERVER_OPTION_DISABLE_OS_CA_CERTS;
	}
	/* poll() walks every descriptor on every wake-up; at thousands of
	 * connections libev's epoll backend costs a third less per message. */
	if (o->evlib != EVLIB_POLL) {
		info.options |= LWS_SERVER_OPTION_LIBEV;
		L->ctx = lws_create_context(&info);
		L->use_ev = L->ctx != NULL;
		info.options &= ~(uint64_t)LWS_SERVER_OPTION_LIBEV;
	}
	if (!L->ctx && o->evlib != EVLIB_EV)
		L->ctx = lws_create_context(&info);
	if (!L->ctx) {
		fprintf(stderr, "cpsim: cannot create the lws context%s\n",
		        o->evlib == EVLIB_EV
		            ? " (is libwebsockets-evlib-ev installed?)"
		            : "");
		rc = 1;
		goto out;
	}
	if (o->verbose)
		fprintf(stderr, "cpsim load: event loop %s\n",
		        L->use_ev ? "libev" : "poll");
	/* An event library may have taken SIGINT over: take it back. */
	signals_install();
	L->start_us = L->last_status_us = clock_mono_us();
	L->phase = P_CONNECT;
	lws_sul_schedule(L->ctx, 0, &L->sul, tick, 1);
	while (!L->done)
		if (lws_service(L->ctx, 0) < 0)
			break;
	if (L->tty && !o->quiet)
		fputc('\n', stderr);
	finish_report(L);
	lws_sul_cancel(&L->sul);
	L->phase = P_DONE;
	lws_context_destroy(L->ctx);
	rc = L->st.failure ? 1 : 0;
out:
	journal_close(L->journal);
	load_storm_close_curve(L);
	if (L->conns)
		for (i = 0; i < L->n; i++) {
			free(L->conns[i].reply);
			free(L->conns[i].rx);
		}
	free(L->conns);
	free(L->slots);
	free(L->ring);
	free(L->txbuf);
	free(L);
	return rc;
}
