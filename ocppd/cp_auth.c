/*
 * cp_auth.c — charge point passwords; see cp_auth.h.
 */
#include "cp_auth.h"

#include <crypt.h>
#include <errno.h>
#include <libwebsockets.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define SHA1_LEN  20
#define HMAC_BLK  64
#define SALT_RAND 16

struct cp_sec *cp_sec_new(int profile, const char *hash)
{
	size_t n = hash ? strlen(hash) : 0;
	struct cp_sec *s = malloc(sizeof *s + n + 1);
	if (!s)
		return NULL;
	s->profile = profile;
	memcpy(s->hash, hash ? hash : "", n + 1);
	return s;
}

void cp_secmap_free(struct strmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			free(m->slots[i].val);
	strmap_free(m);
	free(m);
}

int cp_auth_parse_basic(const char *header, char *user, size_t userlen,
                        char *pass, size_t passlen)
{
	if (!header || strncasecmp(header, "Basic ", 6))
		return -1;
	const char *b64 = header + 6;
	while (*b64 == ' ')
		b64++;
	char buf[512];
	size_t in = strlen(b64);
	if (!in || in > (sizeof buf - 1) / 3 * 4)
		return -1;
	int n = lws_b64_decode_string(b64, buf, (int)sizeof buf - 1);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (memchr(buf, '\0', (size_t)n))
		return -1; /* a NUL would let "a\0b" pass as "a" */
	char *colon = strchr(buf, ':');
	if (!colon)
		return -1;
	size_t ul = (size_t)(colon - buf), pl = (size_t)n - ul - 1;
	if (ul >= userlen || pl >= passlen) {
		explicit_bzero(buf, sizeof buf);
		return -1;
	}
	memcpy(user, buf, ul);
	user[ul] = '\0';
	memcpy(pass, colon + 1, pl);
	pass[pl] = '\0';
	explicit_bzero(buf, sizeof buf);
	return 0;
}

int cp_auth_hash(const char *password, char *out, size_t outlen, char *err,
                 size_t errlen)
{
	unsigned char rnd[SALT_RAND];
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		snprintf(err, errlen, "no random bytes: %s", strerror(errno));
		return -1;
	}
	/* count 0: libcrypt's default rounds for SHA-512 (5000). */
	if (!crypt_gensalt_rn("$6$", 0, (const char *)rnd, sizeof rnd, salt,
	                      sizeof salt)) {
		snprintf(err, errlen, "crypt_gensalt: %s", strerror(errno));
		return -1;
	}
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const char *h = crypt_r(password, salt, cd);
	int rc = -1;
	if (!h || h[0] == '*')
		snprintf(err, errlen, "crypt failed");
	else if (strlen(h) >= outlen || strlen(h) > CP_HASH_MAX)
		snprintf(err, errlen, "hash too long");
	else {
		strcpy(out, h);
		rc = 0;
	}
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}

/* ---- the verification cache (event loop thread) --------------------- */

struct cached {
	unsigned char mac[SHA1_LEN];
	char hash[]; /* the hash the password was verified against */
};

static struct {
	struct strmap map; /* cp_id -> struct cached * */
	unsigned char key[HMAC_BLK];
	int keyed;
	struct crypt_data cd;
} cache;

/* HMAC-SHA1 (RFC 2104) over lws's SHA-1: enough to recognise a password
 * seen before without keeping it. */
static void hmac(const char *msg, unsigned char out[SHA1_LEN])
{
	unsigned char buf[HMAC_BLK + CP_PASSWORD_MAX + SHA1_LEN];
	size_t n = strlen(msg);
	if (n > CP_PASSWORD_MAX)
		n = CP_PASSWORD_MAX; /* longer ones never verify anyway */
	for (int i = 0; i < HMAC_BLK; i++)
		buf[i] = cache.key[i] ^ 0x36;
	memcpy(buf + HMAC_BLK, msg, n);
	unsigned char inner[SHA1_LEN];
	lws_SHA1(buf, HMAC_BLK + n, inner);
	for (int i = 0; i < HMAC_BLK; i++)
		buf[i] = cache.key[i] ^ 0x5c;
	memcpy(buf + HMAC_BLK, inner, SHA1_LEN);
	lws_SHA1(buf, HMAC_BLK + SHA1_LEN, out);
	explicit_bzero(buf, sizeof buf);
}

static int ct_equal(const unsigned char *a, const unsigned char *b, size_t n)
{
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

int cp_auth_verify(const char *cp_id, const char *hash, const char *password)
{
	if (!hash || !*hash || strlen(password) > CP_PASSWORD_MAX)
		return 0;
	if (!cache.keyed) {
		if (getrandom(cache.key, sizeof cache.key, 0) !=
		    (ssize_t)sizeof cache.key)
			return 0;
		cache.keyed = 1;
	}
	unsigned char mac[SHA1_LEN];
	hmac(password, mac);
	struct cached *c = strmap_get(&cache.map, cp_id);
	if (c && !strcmp(c->hash, hash))
		/* Same hash as last time: the password must be the same.  A
		 * different one still gets the full check below. */
		if (ct_equal(c->mac, mac, SHA1_LEN))
			return 1;
	const char *h = crypt_r(password, hash, &cache.cd);
	int ok = h && h[0] != '*' && strlen(h) == strlen(hash) &&
	         ct_equal((const unsigned char *)h, (const unsigned char *)hash,
	                  strlen(hash));
	if (!ok)
		return 0;
	size_t hl = strlen(hash);
	struct cached *n = malloc(sizeof *n + hl + 1);
	if (!n)
		return 1; /* verified; just not cached */
	memcpy(n->mac, mac, SHA1_LEN);
	memcpy(n->hash, hash, hl + 1);
	if (strmap_put(&cache.map, cp_id, n)) {
		free(n);
		return 1;
	}
	free(c);
	return 1;
}

void cp_auth_cleanup(void)
{
	for (size_t i = 0; i < cache.map.cap; i++)
		if (cache.map.slots[i].key)
			free(cache.map.slots[i].val);
	strmap_free(&cache.map);
	explicit_bzero(&cache.cd, sizeof cache.cd);
}
