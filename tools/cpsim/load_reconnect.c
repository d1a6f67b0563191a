/*
 * load_reconnect.c — load mode's --reconnect and --journal: a charge
 * point whose link drops (its ocppd node was killed, HAProxy shut the
 * session down) keeps its unanswered calls, reconnects after a jittered
 * backoff and sends them again, same id and same payload, before anything
 * new (OCPP 1.6 §3.7: transaction messages are resent until answered; a
 * central system recognises the retry by its content).  It does not boot
 * again: a charge point that lost its link but not its power does not.
 *
 * Nothing here runs unless --reconnect or --journal was given.
 */
#include <stdio.h>
#include <string.h>

#include "backoff.h"
#include "clock.h"
#include "journal.h"
#include "load_int.h"

void load_ident(struct load *L, const struct lconn *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s%07u", L->u->identity, c->idx + 1);
}

static void schedule(struct load *L, struct lconn *c, int64_t now)
{
	if (!c->seed) {
		char ident[300];

		load_ident(L, c, ident, sizeof ident);
		c->seed = backoff_seed(ident);
	}
	c->state = LS_RECONNECTING;
	c->wsi = NULL;
	c->reconnect_us = now + 1000LL * backoff_delay_ms(c->retries, &c->seed);
	L->reconnecting++;
}

int load_reconnect_drop(struct load *L, struct lconn *c)
{
	int64_t now = clock_mono_us();

	if (!L->o->reconnect || L->phase >= P_CLOSE ||
	    (c->state != LS_READY && c->state != LS_BOOTING))
		return 0;
	c->was_ready = c->state == LS_READY;
	c->retries = 0;
	c->down_us = now;
	L->st.link_drops++;
	schedule(L, c, now);
	return 1;
}

void load_reconnect_failed(struct load *L, struct lconn *c)
{
	L->connecting--;
	if (c->retries < 255)
		c->retries++;
	schedule(L, c, clock_mono_us());
}

void load_reconnect_up(struct load *L, struct lconn *c)
{
	double gap = (double)(clock_mono_us() - c->down_us) / 1e6;

	L->connecting--;
	L->st.reconnected++;
	if (gap > L->st.gap_max_secs)
		L->st.gap_max_secs = gap;
	c->state = c->was_ready ? LS_READY : LS_BOOTING;
	c->resend = 1;
	if (L->phase >= P_CLOSE)
		c->want_close = 1;
	lws_callback_on_writable(c->wsi);
	load_release(L, c); /* rate mode: back in the ring */
}

void load_reconnect_tick(struct load *L, int64_t now)
{
	int i;

	if (!L->reconnecting)
		return;
	for (i = 0; i < L->n && L->connecting < L->o->max_connecting; i++) {
		struct lconn *c = &L->conns[i];

		if (c->state != LS_RECONNECTING || now < c->reconnect_us)
			continue;
		L->reconnecting--;
		load_open(L, c);
	}
}

/* Oldest first: the order the charge point sent them in. */
static struct slot *next_unsent(struct load *L, struct lconn *c, uint32_t after)
{
	struct slot *s = load_slots_of(L, c), *best = NULL;
	int i;

	for (i = 0; i < L->k; i++)
		if (s[i].used && s[i].id > after &&
		    (!best || s[i].id < best->id))
			best = &s[i];
	return best;
}

int load_resend(struct load *L, struct lconn *c)
{
	unsigned char *buf = L->txbuf + LWS_PRE;
	struct lcp_view v;
	struct slot *s;
	uint32_t last = 0;
	char ts[32];
	int len;

	c->resend = 0;
	while ((s = next_unsent(L, c, last))) {
		last = s->id;
		v.idx = c->idx;
		v.tx_id = s->tx_id;
		v.meter_wh = s->meter_wh;
		v.connector = 0; /* no storm: --reconnect excludes it */
		clock_iso8601(s->ts_ms, ts);
		len = c->v201
		          ? load_mix_build201((char *)buf, LOAD_TX_BUF,
		                              (enum lmsg)s->kind, s->id, &v, ts,
		                              L->run, s->seq)
		          : load_mix_build((char *)buf, LOAD_TX_BUF,
		                           (enum lmsg)s->kind, s->id, &v, ts);
		if (len < 0)
			continue;
		s->due_us = clock_mono_us();
		L->st.resent++;
		if (lws_write(c->wsi, buf, (size_t)len, LWS_WRITE_TEXT) < len)
			return -1;
	}
	return 0;
}

int load_unanswered(struct load *L)
{
	int i, n = 0;

	for (i = 0; i < L->n; i++)
		n += L->conns[i].inflight;
	return n;
}

void load_journal(struct load *L, struct lconn *c, const struct slot *s,
                  long long tx_id)
{
	char ident[300], ts[32];

	if (!L->journal)
		return;
	load_ident(L, c, ident, sizeof ident);
	clock_iso8601(s->ts_ms, ts);
	if (s->kind == LM_START)
		journal_start(L->journal, ident, 1, tx_id, s->meter_wh, ts);
	else if (s->kind == LM_STOP)
		journal_stop(L->journal, ident, s->tx_id, s->meter_wh, ts);
}
