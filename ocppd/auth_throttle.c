/*
 * auth_throttle.c — per (address, identity) failure counters; see
 * auth_throttle.h.
 */
#include "auth_throttle.h"

#include <stdio.h>
#include <string.h>

#include "hash.h"

#define PROBE     8
#define FORGET_MS (15 * 60 * 1000) /* idle counters reset after this */

struct entry {
	char addr[THROTTLE_ADDR]; /* "" = free */
	char id[THROTTLE_ID];
	int64_t last_ms;  /* last failure */
	int64_t until_ms; /* blocked until */
	unsigned fails;
};

static struct entry table[THROTTLE_SLOTS];

static unsigned hash(const char *addr, const char *id)
{
	uint32_t h = fnv1a32_str(FNV1A32_INIT, addr);
	h = fnv1a32_byte(h, FNV_SEP); /* "a" + "bc" is not "ab" + "c" */
	return fnv1a32_str(h, id);
}

static int stale(const struct entry *e, int64_t now_ms)
{
	return now_ms > e->until_ms && now_ms - e->last_ms > FORGET_MS;
}

/* The entry of (addr, id), or NULL; with create, a free, stale or the
 * oldest slot of the probe window, reset for them. */
static struct entry *lookup(const char *addr, const char *id, int64_t now_ms,
                            int create)
{
	unsigned h = hash(addr, id);
	struct entry *victim = NULL;
	for (unsigned i = 0; i < PROBE; i++) {
		struct entry *e = &table[(h + i) % THROTTLE_SLOTS];
		if (e->addr[0] && !strcmp(e->addr, addr) &&
		    !strcmp(e->id, id)) {
			if (stale(e, now_ms))
				e->fails = 0;
			return e;
		}
		if (!e->addr[0] || stale(e, now_ms)) {
			if (!victim || victim->addr[0])
				victim = e;
		} else if (!victim ||
		           (victim->addr[0] && e->last_ms < victim->last_ms)) {
			victim = e;
		}
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof *victim);
	snprintf(victim->addr, sizeof victim->addr, "%s", addr);
	snprintf(victim->id, sizeof victim->id, "%s", id);
	return victim;
}

int throttle_wait_s(const char *addr, const char *id, int64_t now_ms)
{
	struct entry *e = lookup(addr, id, now_ms, 0);
	if (!e || now_ms >= e->until_ms)
		return 0;
	return (int)((e->until_ms - now_ms + 999) / 1000);
}

int throttle_fail(const char *addr, const char *id, int64_t now_ms, int limit,
                  int max_s)
{
	struct entry *e = lookup(addr, id, now_ms, 1);
	e->last_ms = now_ms;
	e->fails++;
	if (e->fails < (unsigned)limit)
		return 0;
	/* 2 s at the limit, doubling with each failure after it. */
	unsigned over = e->fails - (unsigned)limit;
	int64_t s = over >= 20 ? max_s : 2LL << over;
	if (s > max_s)
		s = max_s;
	e->until_ms = now_ms + s * 1000;
	return (int)s;
}

void throttle_ok(const char *addr, const char *id)
{
	struct entry *e = lookup(addr, id, 0, 0);
	if (e)
		memset(e, 0, sizeof *e);
}
