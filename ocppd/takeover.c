/*
 * takeover.c — identities and their links; see takeover.h.
 */
#include "takeover.h"

#include <string.h>

#include "cp_state.h"
#include "log.h"
#include "session.h"
#include "strmap.h"
#include "timeutil.h"
#include "ws.h"

/* RFC 6455 close codes used here. */
#define CLOSE_NORMAL           1000
#define CLOSE_POLICY_VIOLATION 1008
#define CLOSE_UNEXPECTED       1011

static struct {
	const struct csms_config *cfg;
	struct strmap links;    /* cp_id -> struct conn *: the identity's */
	struct conn *probation; /* newcomers waiting (session.probe_next) */
} t;

void takeover_init(const struct csms_config *cfg)
{
	t.cfg = cfg;
	strmap_init(&t.links);
	t.probation = NULL;
}

void takeover_cleanup(void)
{
	strmap_free(&t.links);
	t.probation = NULL;
}

struct conn *takeover_find(const char *cp_id)
{
	struct conn *c = strmap_get(&t.links, cp_id);
	return c && c->live && !c->closing ? c : NULL;
}

void takeover_each(void (*fn)(struct conn *c, void *arg), void *arg)
{
	for (size_t i = 0; i < t.links.cap; i++)
		if (t.links.slots[i].key) {
			struct conn *c = t.links.slots[i].val;
			if (c->live)
				fn(c, arg);
		}
}

/* The link becomes the charge point's: in the map, announced, and its
 * connected flag written. */
static int link_up(struct conn *c)
{
	char peer[64] = "";
	ws_peer(c, peer, sizeof peer);
	struct conn *old = strmap_get(&t.links, c->cp_id);
	if (old && old != c && old->live) {
		old->gone_why = "replaced by a new connection";
		ws_close(old, CLOSE_NORMAL, "replaced by a new connection");
		log_info("ocpp: %s | new connection from %s takes over",
		         c->cp_id, peer);
	}
	if (strmap_put(&t.links, c->cp_id, c))
		return -1;
	const char *proto =
	    c->proto == OCPP_P201 ? OCPP_SUBPROTOCOL_201 : OCPP_SUBPROTOCOL;
	log_info("ocpp: %s | connected from %s (%s)", c->cp_id, peer, proto);
	c->up->up_ms = time_now_ms();
	if (cp_state_submit(c->cp_id, 1, c->up->up_ms, peer, proto))
		log_warn("ocpp: %s | database queue full: connected "
		         "flag not written",
		         c->cp_id);
	return 0;
}

static void probation_drop(struct conn *c)
{
	struct conn **pp = &t.probation;
	while (*pp && *pp != c)
		pp = &(*pp)->up->probe_next;
	if (*pp)
		*pp = c->up->probe_next;
	c->up->probe_next = NULL;
	c->up->probation = 0;
}

static void probe(struct conn *c, struct conn *old, int64_t now)
{
	c->up->probe_ms = now;
	c->up->probe_ref = old->ref;
	ws_ping(old);
}

static void refuse_newcomer(struct conn *c, const char *why)
{
	char peer[64] = "";
	ws_peer(c, peer, sizeof peer);
	log_warn("ocpp: %s | second connection from %s refused: %s", c->cp_id,
	         peer, why);
	probation_drop(c);
	c->gone_why = "second connection closed, the identity is connected";
	ws_close(c, CLOSE_POLICY_VIOLATION, "identity already connected");
}

/* The newcomer's probation ends: it takes over. */
static void promote(struct conn *c)
{
	probation_drop(c);
	ws_pause(c, 0);
	if (link_up(c))
		ws_close(c, CLOSE_UNEXPECTED, "out of memory");
}

/* One step of a newcomer's probation. */
static void probation_step(struct conn *c, int64_t now)
{
	struct conn *old = strmap_get(&t.links, c->cp_id);
	if (!old || !old->live || old->closing) {
		/* The old link went meanwhile: nothing to decide. */
		promote(c);
		return;
	}
	if (old->ref != c->up->probe_ref) {
		probe(c, old, now); /* another newcomer took over first */
		return;
	}
	if (old->heard_ms >= c->up->probe_ms) {
		refuse_newcomer(c, "the connected link answered");
		return;
	}
	if (now - c->up->probe_ms <
	    (int64_t)t.cfg->takeover_probe_timeout * 1000)
		return;
	log_info("ocpp: %s | connected link silent for %d s after a ping: "
	         "replacing it",
	         c->cp_id, t.cfg->takeover_probe_timeout);
	promote(c);
}

void takeover_tick(int64_t now)
{
	struct conn *c = t.probation, *next;
	for (; c; c = next) {
		next = c->up->probe_next;
		if (c->live && c->up->probation)
			probation_step(c, now);
	}
}

int takeover_arrive(struct conn *c, int64_t now)
{
	struct conn *old = strmap_get(&t.links, c->cp_id);
	if (old && old->live && !old->closing &&
	    strcmp(t.cfg->duplicate_identity, "replace")) {
		c->up->probation = 1;
		c->up->probe_next = t.probation;
		t.probation = c;
		/* What it sends waits in the socket until it is decided. */
		ws_pause(c, 1);
		if (!strcmp(t.cfg->duplicate_identity, "refuse")) {
			refuse_newcomer(c, "duplicate_identity = refuse");
			return 0;
		}
		char peer[64] = "";
		ws_peer(c, peer, sizeof peer);
		log_info("ocpp: %s | second connection from %s: pinging the "
		         "connected link",
		         c->cp_id, peer);
		probe(c, old, now);
		return 0;
	}
	return link_up(c);
}

int takeover_leave(struct conn *c)
{
	if (c->up && c->up->probation)
		probation_drop(c);
	if (strmap_get(&t.links, c->cp_id) != c)
		return 0;
	strmap_del(&t.links, c->cp_id);
	return 1;
}
