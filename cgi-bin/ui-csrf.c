/*
 * ui-csrf.c — SHA-256 (FIPS 180-4), HMAC (RFC 2104) and the dashboard's
 * CSRF tokens (ui-csrf.h).  Pure apart from the secret file, so the unit
 * test includes this file directly.
 */
#include "ui-csrf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

struct sha256 {
	uint32_t h[8];
	uint8_t block[64];
	size_t fill;
	uint64_t total;
};

static const uint32_t k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(struct sha256 *s, const uint8_t *p)
{
	uint32_t w[64], v[8];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 =
		    ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 =
		    ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, s->h, sizeof v);
	for (int i = 0; i < 64; i++) {
		uint32_t e = v[4], a = v[0];
		uint32_t t1 = v[7] + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		              ((e & v[5]) ^ (~e & v[6])) + k256[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		              ((a & v[1]) ^ (a & v[2]) ^ (v[1] & v[2]));
		memmove(v + 1, v, 7 * sizeof v[0]);
		v[4] += t1;
		v[0] = t1 + t2;
	}
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void sha256_init(struct sha256 *s)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	                               0xa54ff53a, 0x510e527f, 0x9b05688c,
	                               0x1f83d9ab, 0x5be0cd19};
	memset(s, 0, sizeof *s);
	memcpy(s->h, h0, sizeof h0);
}

static void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	s->total += len;
	while (len) {
		size_t n = 64 - s->fill < len ? 64 - s->fill : len;
		memcpy(s->block + s->fill, p, n);
		s->fill += n, p += n, len -= n;
		if (s->fill == 64) {
			sha256_block(s, s->block);
			s->fill = 0;
		}
	}
}

static void sha256_final(struct sha256 *s, uint8_t out[32])
{
	uint64_t bits = s->total * 8;
	uint8_t pad = 0x80, zero = 0, len[8];
	sha256_update(s, &pad, 1);
	while (s->fill != 56)
		sha256_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(s, len, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void ui_sha256(const void *data, size_t len, uint8_t out[32])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, out);
}

void ui_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[32])
{
	uint8_t k[64] = {0}, pad[64], inner[32];
	struct sha256 s;
	if (keylen > 64)
		ui_sha256(key, keylen, k);
	else
		memcpy(k, key, keylen);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x36;
	sha256_init(&s);
	sha256_update(&s, pad, 64);
	sha256_update(&s, msg, len);
	sha256_final(&s, inner);
	for (int i = 0; i < 64; i++)
		pad[i] = k[i] ^ 0x5c;
	sha256_init(&s);
	sha256_update(&s, pad, 64);
	sha256_update(&s, inner, 32);
	sha256_final(&s, out);
}

static int read_secret(const char *path, uint8_t *secret, char *err,
                       size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 1 : -1;
	/* Whoever reads it can forge any operator's forms. */
	struct stat st;
	if (!fstat(fd, &st) && (st.st_mode & 0007)) {
		close(fd);
		snprintf(err, errlen, "%s: readable by every user (chmod 600)",
		         path);
		return -2;
	}
	ssize_t n = read(fd, secret, UI_CSRF_SECRET_LEN);
	close(fd);
	if (n != UI_CSRF_SECRET_LEN) {
		snprintf(err, errlen, "%s: shorter than %d bytes", path,
		         UI_CSRF_SECRET_LEN);
		return -2;
	}
	return 0;
}

int ui_csrf_secret_load(const char *path, uint8_t secret[UI_CSRF_SECRET_LEN],
                        char *err, size_t errlen)
{
	char tmp[600];
	int rc = read_secret(path, secret, err, errlen);
	if (rc == 0)
		return 0;
	if (rc == -2)
		return -1;
	if (rc < 0)
		goto fail;
	/* Missing: write a complete file under a private name, then link it
	 * into place.  link() does not replace, so when another worker won
	 * the race its secret is the one everybody reads. */
	if (getrandom(secret, UI_CSRF_SECRET_LEN, 0) != UI_CSRF_SECRET_LEN)
		goto fail;
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		goto fail;
	ssize_t n = write(fd, secret, UI_CSRF_SECRET_LEN);
	int synced = n == UI_CSRF_SECRET_LEN && !fsync(fd);
	close(fd);
	int linked = synced && (!link(tmp, path) || errno == EEXIST);
	int saved = errno;
	unlink(tmp);
	errno = saved;
	if (!linked)
		goto fail;
	return read_secret(path, secret, err, errlen) ? -1 : 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

static void token_for(const uint8_t *secret, int64_t window, const char *user,
                      char *out)
{
	static const char hex[] = "0123456789abcdef";
	char msg[160];
	uint8_t mac[32];
	int n = snprintf(msg, sizeof msg, "csrf1|%lld|%.120s",
	                 (long long)window, user ? user : "");
	ui_hmac_sha256(secret, UI_CSRF_SECRET_LEN, msg, (size_t)n, mac);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[UI_CSRF_TOKEN_LEN] = '\0';
}

void ui_csrf_token(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                   const char *user, char *out)
{
	token_for(secret, now_s / UI_CSRF_WINDOW_S, user, out);
}

/* Compares all bytes whatever differs first: no timing hint. */
static int same(const char *a, const char *b, size_t n)
{
	unsigned char d = 0;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)a[i] ^ (unsigned char)b[i];
	return d == 0;
}

int ui_csrf_check(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                  const char *user, const char *token)
{
	char want[UI_CSRF_TOKEN_LEN + 1];
	if (!token || strlen(token) != UI_CSRF_TOKEN_LEN)
		return -1;
	int64_t w = now_s / UI_CSRF_WINDOW_S;
	for (int64_t i = w; i >= w - 1; i--) {
		token_for(secret, i, user, want);
		if (same(want, token, UI_CSRF_TOKEN_LEN))
			return 0;
	}
	return -1;
}
