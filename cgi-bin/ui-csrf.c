/*
 * ui-csrf.c — the dashboard's CSRF tokens (ui-csrf.h), on OpenSSL's
 * libcrypto for SHA-256, HMAC and the constant-time compare.  Pure apart
 * from the secret file, so the unit test includes this file directly.
 */
#include "ui-csrf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "hex.h"

void ui_sha256(const void *data, size_t len, uint8_t out[32])
{
	SHA256(data, len, out);
}

void ui_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[32])
{
	unsigned int n = 32;
	/* HMAC() only fails on an unknown digest or out of memory; a MAC of
	 * zeros then matches no token a client holds (the CSRF check and the
	 * flash check compare against what this function computes afresh,
	 * so a failure can only refuse, never accept). */
	if (!HMAC(EVP_sha256(), key, (int)keylen, msg, len, out, &n) || n != 32)
		memset(out, 0, 32);
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
	char msg[160];
	uint8_t mac[32];
	int n = snprintf(msg, sizeof msg, "csrf1|%lld|%.120s",
	                 (long long)window, user ? user : "");
	ui_hmac_sha256(secret, UI_CSRF_SECRET_LEN, msg, (size_t)n, mac);
	hex_encode(mac, sizeof mac, out);
}

void ui_csrf_token(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                   const char *user, char *out)
{
	token_for(secret, now_s / UI_CSRF_WINDOW_S, user, out);
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
		/* Compares all bytes whatever differs first: no timing hint. */
		if (!CRYPTO_memcmp(want, token, UI_CSRF_TOKEN_LEN))
			return 0;
	}
	return -1;
}
