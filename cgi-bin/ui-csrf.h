/*
 * ui-csrf.h — CSRF tokens for the dashboard's POST forms.
 *
 * A token is HMAC-SHA256(secret, "csrf1|" window "|" user) in hex, where
 * the window is the hour (UI_CSRF_WINDOW_S) the page was rendered in and
 * the user is REMOTE_USER ("" without auth).  A POST is accepted with the
 * token of the current or the previous window, so a form stays usable for
 * one to two hours; a token of another user or another install never is.
 * The secret is 32 random bytes in csrf_secret_file (mode 0600 or 0640,
 * never world-readable), persistent across restarts; created on first use
 * when the web user may write its directory.  SHA-256 and HMAC are
 * OpenSSL's (libcrypto); tests/unit/test_ui_csrf.c still holds them
 * against FIPS 180-2 and RFC 4231, and the token format against fixed
 * vectors.
 */
#ifndef CSMS_UI_CSRF_H
#define CSMS_UI_CSRF_H

#include <stddef.h>
#include <stdint.h>

#define UI_CSRF_WINDOW_S   3600
#define UI_CSRF_SECRET_LEN 32
#define UI_CSRF_TOKEN_LEN  64 /* hex characters, without the NUL */

/* SHA-256 and HMAC-SHA256 (OpenSSL), for the tokens here and the flash
 * cookies (ui-flash.c). */
void ui_sha256(const void *data, size_t len, uint8_t out[32]);
void ui_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                    uint8_t out[32]);

/*
 * Reads path (csrf_secret_file), creating it with fresh random bytes
 * when missing; two processes racing to create it end up with the same
 * secret.  0 ok, -1 with err.
 */
int ui_csrf_secret_load(const char *path, uint8_t secret[UI_CSRF_SECRET_LEN],
                        char *err, size_t errlen);

/* The token for user at unix time now_s into out (UI_CSRF_TOKEN_LEN + 1). */
void ui_csrf_token(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                   const char *user, char *out);

/* 0 when token is user's token of the window of now_s or the one before;
 * -1 otherwise (NULL, wrong length, another user, expired). */
int ui_csrf_check(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                  const char *user, const char *token);

#endif
