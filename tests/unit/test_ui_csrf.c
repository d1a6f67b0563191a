/*
 * test_ui_csrf.c — the dashboard's CSRF tokens (cgi-bin/ui-csrf.c):
 * SHA-256 against FIPS 180-2 examples, HMAC-SHA256 against RFC 4231, the
 * token windows and users, and the secret file.
 */
#include "../../cgi-bin/ui-csrf.c"
#include "check.h"

#include <stdlib.h>

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void sha256_fips_vectors(void)
{
	uint8_t d[32];
	char h[65];
	ui_sha256("abc", 3, d);
	hex(d, 32, h);
	CHECK_STR(
	    h,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ui_sha256("", 0, d);
	hex(d, 32, h);
	CHECK_STR(
	    h,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	const char *m =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	ui_sha256(m, strlen(m), d);
	hex(d, 32, h);
	CHECK_STR(
	    h,
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* A million 'a': many blocks through the streaming path. */
	char *a = malloc(1000000);
	CHECK(a);
	memset(a, 'a', 1000000);
	ui_sha256(a, 1000000, d);
	free(a);
	hex(d, 32, h);
	CHECK_STR(
	    h,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void hmac_rfc4231(const char *key_hex, const char *msg_hex, char *out)
{
	uint8_t key[200], msg[200], mac[32];
	size_t kn = strlen(key_hex) / 2, mn = strlen(msg_hex) / 2;
	for (size_t i = 0; i < kn; i++)
		sscanf(key_hex + 2 * i, "%2hhx", &key[i]);
	for (size_t i = 0; i < mn; i++)
		sscanf(msg_hex + 2 * i, "%2hhx", &msg[i]);
	ui_hmac_sha256(key, kn, msg, mn, mac);
	hex(mac, 32, out);
}

static void hmac_sha256_rfc4231_vectors(void)
{
	char h[65], k[300], m[400];
	/* Test case 1 */
	hmac_rfc4231("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
	             "4869205468657265", h);
	CHECK_STR(
	    h,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	/* Test case 2: "Jefe", "what do ya want for nothing?" */
	hmac_rfc4231("4a656665",
	             "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
	             h);
	CHECK_STR(
	    h,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	/* Test case 3: 20 x 0xaa, 50 x 0xdd */
	memset(k, 'a', 40), k[40] = '\0';
	memset(m, 'd', 100), m[100] = '\0';
	hmac_rfc4231(k, m, h);
	CHECK_STR(
	    h,
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	/* Test case 6: a 131-byte key, hashed first. */
	memset(k, 'a', 262), k[262] = '\0';
	const char *m6 =
	    "54657374205573696e67204c6172676572205468616e20426c6f636b"
	    "2d53697a65204b6579202d2048617368204b6579204669727374";
	hmac_rfc4231(k, m6, h);
	CHECK_STR(
	    h,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static const uint8_t secret[UI_CSRF_SECRET_LEN] =
    "0123456789abcdef0123456789abcde";

static void token_valid_in_its_window_and_the_next(void)
{
	char t[UI_CSRF_TOKEN_LEN + 1], t2[UI_CSRF_TOKEN_LEN + 1];
	int64_t now = 1764000000;
	ui_csrf_token(secret, now, "alice", t);
	CHECK_INT(strlen(t), UI_CSRF_TOKEN_LEN);
	CHECK_INT(ui_csrf_check(secret, now, "alice", t), 0);
	CHECK_INT(ui_csrf_check(secret, now + UI_CSRF_WINDOW_S, "alice", t), 0);
	CHECK_INT(ui_csrf_check(secret, now + 2 * UI_CSRF_WINDOW_S, "alice", t),
	          -1);
	/* A token from the future (a later window) is not accepted. */
	CHECK_INT(ui_csrf_check(secret, now - UI_CSRF_WINDOW_S, "alice", t),
	          -1);
	ui_csrf_token(secret, now + 1, "alice", t2);
	CHECK_STR(t, t2); /* deterministic within a window */
}

/* The token format stays what pages already carry: hex of
 * HMAC-SHA256(secret, "csrf1|<hour>|<user>") (python3 hmac for the value). */
static void token_format_is_fixed(void)
{
	char t[UI_CSRF_TOKEN_LEN + 1];
	ui_csrf_token(secret, 1764000000, "alice", t);
	CHECK_STR(
	    t,
	    "f91706a2038d464b325be60324377d50f5073b3f196592c74d11836ecfaac5b3");
}

static void token_bound_to_user_and_secret(void)
{
	char t[UI_CSRF_TOKEN_LEN + 1];
	uint8_t other[UI_CSRF_SECRET_LEN] = {1};
	int64_t now = 1764000000;
	ui_csrf_token(secret, now, "alice", t);
	CHECK_INT(ui_csrf_check(secret, now, "bob", t), -1);
	CHECK_INT(ui_csrf_check(secret, now, "", t), -1);
	CHECK_INT(ui_csrf_check(other, now, "alice", t), -1);
	ui_csrf_token(secret, now, "", t);
	CHECK_INT(ui_csrf_check(secret, now, NULL, t), 0);
	CHECK_INT(ui_csrf_check(secret, now, "", NULL), -1);
	CHECK_INT(ui_csrf_check(secret, now, "", ""), -1);
	t[UI_CSRF_TOKEN_LEN - 1] ^= 1;
	CHECK_INT(ui_csrf_check(secret, now, "", t), -1);
	t[UI_CSRF_TOKEN_LEN - 1] ^= 1;
	char longer[UI_CSRF_TOKEN_LEN + 2];
	snprintf(longer, sizeof longer, "%sx", t);
	CHECK_INT(ui_csrf_check(secret, now, "", longer), -1);
}

static void secret_file_created_0600_and_reused(void)
{
	char dir[] = "/tmp/test_ui_csrf.XXXXXX", path[128], err[256];
	uint8_t s1[UI_CSRF_SECRET_LEN], s2[UI_CSRF_SECRET_LEN];
	struct stat st;
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/csrf.secret", dir);
	CHECK_INT(ui_csrf_secret_load(path, s1, err, sizeof err), 0);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(st.st_size, UI_CSRF_SECRET_LEN);
	CHECK_INT(ui_csrf_secret_load(path, s2, err, sizeof err), 0);
	CHECK(!memcmp(s1, s2, sizeof s1));
	/* A world-readable secret is refused (anyone could forge forms). */
	CHECK_INT(chmod(path, 0644), 0);
	CHECK_INT(ui_csrf_secret_load(path, s2, err, sizeof err), -1);
	CHECK(strstr(err, "readable by every user"));
	CHECK_INT(chmod(path, 0640), 0);
	CHECK_INT(ui_csrf_secret_load(path, s2, err, sizeof err), 0);
	/* A truncated file is an error, not a silently weak key. */
	CHECK_INT(truncate(path, 5), 0);
	CHECK_INT(ui_csrf_secret_load(path, s2, err, sizeof err), -1);
	CHECK(strstr(err, "shorter"));
	unlink(path);
	rmdir(dir);
	/* An unwritable place gives an error naming the path. */
	CHECK_INT(ui_csrf_secret_load("/nonexistent-dir/csrf.secret", s2, err,
	                              sizeof err),
	          -1);
	CHECK(strstr(err, "/nonexistent-dir/csrf.secret"));
}

int main(void)
{
	RUN(sha256_fips_vectors);
	RUN(hmac_sha256_rfc4231_vectors);
	RUN(token_valid_in_its_window_and_the_next);
	RUN(token_format_is_fixed);
	RUN(token_bound_to_user_and_secret);
	RUN(secret_file_created_0600_and_reused);
	CHECK_EXIT();
}
