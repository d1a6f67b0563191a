/*
 * ui-flash.h — the outcome banner after a dashboard form ("Reset:
 * Accepted"), carried from the POST to the page it redirects to.
 *
 * The banner is official-looking text, so it must come from the server,
 * never from the URL (a crafted link could otherwise show any "notice"):
 * the POST sets a short-lived cookie whose value is signed with the
 * dashboard's CSRF secret (ui-csrf.h), bound to the user (REMOTE_USER)
 * and to the page it is for; that page shows it once and clears it.
 *
 * Value: EXPIRY "." KIND "." WHAT "." MSG "." MAC, the texts
 * percent-encoded (no '.', ';', ',' or space is left), MAC =
 * hex(HMAC-SHA256(secret, "flash1|" user "|" path "|" the rest)).
 * Pure, so unit-tested (tests/unit/test_ui_flash.c).
 */
#ifndef CSMS_UI_FLASH_H
#define CSMS_UI_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "ui-csrf.h"

#define UI_FLASH_COOKIE   "csms_flash"
#define UI_FLASH_TTL_S    60
#define UI_FLASH_KIND_MAX 15
#define UI_FLASH_WHAT_MAX 100
#define UI_FLASH_MSG_MAX  300
/* The longest value: every text byte encoded as %XX, and the MAC. */
#define UI_FLASH_VALUE_MAX                                                     \
	(24 + 3 * (UI_FLASH_KIND_MAX + UI_FLASH_WHAT_MAX + UI_FLASH_MSG_MAX) + \
	 UI_CSRF_TOKEN_LEN)

struct ui_flash {
	char kind[UI_FLASH_KIND_MAX + 1]; /* ok, rejected, pending, ... */
	char what[UI_FLASH_WHAT_MAX + 1]; /* "Reset", "Block TAG-1" */
	char msg[UI_FLASH_MSG_MAX + 1];   /* "Accepted", "the charge ..." */
};

/* The cookie value for f, shown to user on path until now_s + TTL (longer
 * texts are cut).  out has UI_FLASH_VALUE_MAX + 1 bytes. */
void ui_flash_encode(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                     const char *user, const char *path,
                     const struct ui_flash *f, char *out);

/*
 * Finds the flash cookie in a Cookie request header and checks it: 0 with
 * *f filled when it is this install's, for user and path, and not
 * expired; -1 otherwise (absent, forged, another user's or page's, old).
 */
int ui_flash_decode(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                    const char *user, const char *path, const char *cookies,
                    struct ui_flash *f);

#endif
