/*
 * test_ui_flash.c — the dashboard's signed outcome banners
 * (cgi-bin/ui-flash.c): a banner round-trips for its user and page within
 * its lifetime and for nobody else; anything not signed by this install
 * is no banner.
 */
#include "../../cgi-bin/ui-csrf.c"
#include "../../cgi-bin/ui-flash.c"
#include "check.h"

#include <stdio.h>

static uint8_t key[UI_CSRF_SECRET_LEN] = {1, 2, 3};

static void round_trip(void)
{
	struct ui_flash f = {"ok", "Reset", "Accepted; ä \"<b>\" 100%."}, g;
	char v[UI_FLASH_VALUE_MAX + 1], cookie[UI_FLASH_VALUE_MAX + 100];
	ui_flash_encode(key, 1000, "alice", "/cp/CP 1", &f, v);
	CHECK(!strpbrk(v, " ;,\"\\"));
	snprintf(cookie, sizeof cookie, "other=1; csms_flash=%s; x=y", v);
	CHECK_INT(ui_flash_decode(key, 1010, "alice", "/cp/CP 1", cookie, &g),
	          0);
	CHECK_STR(g.kind, "ok");
	CHECK_STR(g.what, "Reset");
	CHECK_STR(g.msg, f.msg);
	/* Another user, page, install or a later time: nothing. */
	CHECK_INT(ui_flash_decode(key, 1010, "bob", "/cp/CP 1", cookie, &g),
	          -1);
	CHECK_INT(ui_flash_decode(key, 1010, "alice", "/tags", cookie, &g), -1);
	CHECK_INT(ui_flash_decode(key, 1000 + UI_FLASH_TTL_S + 1, "alice",
	                          "/cp/CP 1", cookie, &g),
	          -1);
	uint8_t other[UI_CSRF_SECRET_LEN] = {9};
	CHECK_INT(ui_flash_decode(other, 1010, "alice", "/cp/CP 1", cookie, &g),
	          -1);
	CHECK_STR(g.msg, "");
}

static void forged(void)
{
	struct ui_flash f = {"ok", "Reset", "Accepted"}, g;
	char v[UI_FLASH_VALUE_MAX + 1], cookie[UI_FLASH_VALUE_MAX + 100];
	ui_flash_encode(key, 1000, "", "/tags", &f, v);
	/* One text changed, the MAC kept. */
	char *dot = strchr(v, '.');
	dot[1] = 'X';
	snprintf(cookie, sizeof cookie, "csms_flash=%s", v);
	CHECK_INT(ui_flash_decode(key, 1000, "", "/tags", cookie, &g), -1);
	CHECK_INT(ui_flash_decode(key, 1000, "", "/tags", NULL, &g), -1);
	CHECK_INT(ui_flash_decode(key, 1000, "", "/tags", "", &g), -1);
	CHECK_INT(ui_flash_decode(key, 1000, "", "/tags",
	                          "csms_flash=1060.ok.Hi.Hi.", &g),
	          -1);
	/* A long text is cut, never overflows. */
	struct ui_flash big;
	memset(&big, 'x', sizeof big);
	big.kind[UI_FLASH_KIND_MAX] = big.what[UI_FLASH_WHAT_MAX] =
	    big.msg[UI_FLASH_MSG_MAX] = '\0';
	ui_flash_encode(key, 1000, "", "/tags", &big, v);
	snprintf(cookie, sizeof cookie, "csms_flash=%s", v);
	CHECK_INT(ui_flash_decode(key, 1000, "", "/tags", cookie, &g), 0);
	CHECK_INT((int)strlen(g.msg), UI_FLASH_MSG_MAX);
}

int main(void)
{
	RUN(round_trip);
	RUN(forged);
	CHECK_EXIT();
}
