/*
 * hash.h — FNV-1a, the one non-cryptographic hash of the code base: ids of
 * charge points in ocppd's in-memory maps and caches, the template cache,
 * the OpenAPI ETag.  Short keys and no adversary worth a keyed hash (ids
 * reaching a map passed the handshake; the rest is our own data).
 *
 * Start from FNV1A32_INIT / FNV1A64_INIT and feed bytes; a key made of two
 * strings feeds FNV_SEP between them so "a" + "bc" is not "ab" + "c" (no
 * byte of UTF-8 text is 0xff).
 */
#ifndef CSMS_HASH_H
#define CSMS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A32_INIT 2166136261u
#define FNV1A64_INIT 14695981039346656037ull
#define FNV_SEP      0xffu

static inline uint32_t fnv1a32_byte(uint32_t h, unsigned char b)
{
	return (h ^ b) * 16777619u;
}

static inline uint32_t fnv1a32_mem(uint32_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	while (n--)
		h = fnv1a32_byte(h, *s++);
	return h;
}

static inline uint32_t fnv1a32_str(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = fnv1a32_byte(h, (unsigned char)*s);
	return h;
}

static inline uint64_t fnv1a64_byte(uint64_t h, unsigned char b)
{
	return (h ^ b) * 1099511628211ull;
}

static inline uint64_t fnv1a64_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = fnv1a64_byte(h, (unsigned char)*s);
	return h;
}

/* The 64-bit hash of a whole string. */
static inline uint64_t fnv1a64(const char *s)
{
	return fnv1a64_str(FNV1A64_INIT, s);
}

#endif
