/*
 * txcache.c — see txcache.h.  Direct-mapped: a collision only evicts.
 */
#include "txcache.h"

#include <stddef.h>

#include "hash.h"

/* 64-bit FNV-1a; a false "owned" would need a full 64-bit collision
 * between two charge point ids on the same slot. */
static uint64_t cp_hash(const char *s)
{
	return fnv1a64(s) | 1; /* never 0: 0 marks an empty slot */
}

void txcache_put(struct txcache *t, const char *cp_id, long long tx)
{
	if (!t || tx <= 0)
		return;
	size_t i = (size_t)tx & (TXCACHE_SLOTS - 1);
	t->slot[i].tx = tx;
	t->slot[i].cp = cp_hash(cp_id);
}

int txcache_owned(const struct txcache *t, const char *cp_id, long long tx)
{
	if (!t || tx <= 0)
		return 0;
	size_t i = (size_t)tx & (TXCACHE_SLOTS - 1);
	return t->slot[i].tx == tx && t->slot[i].cp == cp_hash(cp_id);
}
