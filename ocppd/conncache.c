/*
 * conncache.c — see conncache.h.  Direct-mapped: a collision only evicts.
 */
#include "conncache.h"

#include <stddef.h>

#include "hash.h"

/* 64-bit FNV-1a over the id and the connector number; a false "known"
 * would need a full 64-bit collision on the same slot. */
static uint64_t key_of(const char *cp_id, int connector)
{
	uint64_t h = fnv1a64_byte(fnv1a64(cp_id), FNV_SEP); /* ends the id */
	for (int i = 0; i < 4; i++)
		h = fnv1a64_byte(h, (unsigned)connector >> (8 * i) & 0xffu);
	return h | 1; /* never 0 */
}

void conncache_put(struct conncache *cc, const char *cp_id, int connector,
                   int64_t now_ms)
{
	if (!cc)
		return;
	uint64_t k = key_of(cp_id, connector);
	size_t i = (size_t)(k >> 17) & (CONNCACHE_SLOTS - 1);
	cc->slot[i].key = k;
	cc->slot[i].at_ms = now_ms;
}

int conncache_known(const struct conncache *cc, const char *cp_id,
                    int connector, int64_t now_ms)
{
	if (!cc)
		return 0;
	uint64_t k = key_of(cp_id, connector);
	size_t i = (size_t)(k >> 17) & (CONNCACHE_SLOTS - 1);
	return cc->slot[i].key == k &&
	       now_ms - cc->slot[i].at_ms < CONNCACHE_TTL_MS;
}
