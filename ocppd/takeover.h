/*
 * takeover.h — which link speaks for a charge point identity, and what
 * happens when a second connection arrives for an identity that is
 * connected (duplicate_identity: "replace", "refuse" or "probe").
 *
 * The newest socket used to win at once, so anyone who knew an identity
 * could cut a live charge point off and speak for it.  With "probe" the
 * newcomer waits on probation, its input paused, while the existing link
 * is pinged: a pong or any message from it within takeover_probe_timeout
 * proves it alive, and the newcomer is closed (1008).  Silence means a
 * half-open link — a charger that rebooted before we noticed its old
 * socket died — and the newcomer takes over.
 *
 * A link that becomes its identity's is announced ("connected from") and
 * its connected flag written (cp_state.h).  Event loop only.
 */
#ifndef OCPPD_TAKEOVER_H
#define OCPPD_TAKEOVER_H

#include <stdint.h>

#include "config.h"

struct conn;

void takeover_init(const struct csms_config *cfg);
/* A new link c (c->up set): now its identity's, or on probation.  -1:
 * out of memory (close it). */
int takeover_arrive(struct conn *c, int64_t now_ms);
/* Decides the probations whose time came (every tick). */
void takeover_tick(int64_t now_ms);
/* c is gone: 1 when it was its identity's link (no longer now). */
int takeover_leave(struct conn *c);
/* The identity's link, live and not closing, or NULL. */
struct conn *takeover_find(const char *cp_id);
/* Calls fn for every identity's link (in no particular order). */
void takeover_each(void (*fn)(struct conn *c, void *arg), void *arg);
void takeover_cleanup(void);

#endif
