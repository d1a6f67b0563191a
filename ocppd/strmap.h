/*
 * strmap.h — a string-keyed hash map (open addressing, linear probing).
 *
 * Two uses in ocppd: charge point id -> live connection, and the set of
 * known charge point ids the handshake checks without a database call.
 * Keys are copied; values are the caller's.  Not thread-safe: each map
 * belongs to one thread (both live on the WebSocket service thread).
 */
#ifndef OCPPD_STRMAP_H
#define OCPPD_STRMAP_H

#include <stddef.h>

struct strmap_slot {
	char *key;
	void *val;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap; /* power of two, or 0 */
	size_t len;
};

void strmap_init(struct strmap *m);
void strmap_free(struct strmap *m); /* frees keys, not values */
/* NULL when absent (so store non-NULL values). */
void *strmap_get(const struct strmap *m, const char *key);
/* Inserts or replaces; 0 ok, -1 out of memory. */
int strmap_put(struct strmap *m, const char *key, void *val);
/* Removes key; returns its value or NULL. */
void *strmap_del(struct strmap *m, const char *key);

#endif
