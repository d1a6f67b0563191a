/*
 * strmap.c — see strmap.h.  Deletion shifts later entries of the probe
 * run back instead of leaving tombstones, so a map that sees connections
 * come and go for months never degrades.
 */
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"

/* FNV-1a: short keys, no adversarial pressure worth a keyed hash (ids
 * reaching the map passed the handshake). */
static size_t hash(const char *s)
{
	uint64_t h = fnv1a64(s);
	return (size_t)(h ^ (h >> 32));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static struct strmap_slot *find(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
		struct strmap_slot *s = &m->slots[i];
		if (!s->key)
			return NULL;
		if (!strcmp(s->key, key))
			return s;
	}
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s = find(m, key);
	return s ? s->val : NULL;
}

static void place(struct strmap_slot *slots, size_t cap, char *key, void *val)
{
	size_t mask = cap - 1;
	size_t i = hash(key) & mask;
	while (slots[i].key)
		i = (i + 1) & mask;
	slots[i].key = key;
	slots[i].val = val;
}

static int grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct strmap_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			place(slots, cap, m->slots[i].key, m->slots[i].val);
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_slot *s = find(m, key);
	if (s) {
		s->val = val;
		return 0;
	}
	/* Keep the load under 3/4 so probe runs stay short. */
	if ((m->len + 1) * 4 > m->cap * 3 && grow(m))
		return -1;
	char *k = strdup(key);
	if (!k)
		return -1;
	place(m->slots, m->cap, k, val);
	m->len++;
	return 0;
}

void *strmap_del(struct strmap *m, const char *key)
{
	struct strmap_slot *s = find(m, key);
	if (!s)
		return NULL;
	void *val = s->val;
	free(s->key);
	s->key = NULL;
	s->val = NULL;
	m->len--;
	size_t mask = m->cap - 1;
	size_t hole = (size_t)(s - m->slots);
	/* Backward-shift: move each later entry of the run into the hole if
	 * its home slot does not lie cyclically in (hole, j]. */
	for (size_t j = (hole + 1) & mask; m->slots[j].key;
	     j = (j + 1) & mask) {
		size_t home = hash(m->slots[j].key) & mask;
		int in_range = hole <= j ? (home > hole && home <= j)
		                         : (home > hole || home <= j);
		if (in_range)
			continue;
		m->slots[hole] = m->slots[j];
		m->slots[j].key = NULL;
		m->slots[j].val = NULL;
		hole = j;
	}
	return val;
}
