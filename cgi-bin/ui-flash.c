/*
 * ui-flash.c — signed, short-lived outcome banners (ui-flash.h).
 */
#include "ui-flash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"

static void put_encoded(const char *s, size_t max, char **w)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; s && s[i] && i < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '~') {
			*(*w)++ = (char)c;
		} else {
			*(*w)++ = '%';
			*(*w)++ = hex[c >> 4];
			*(*w)++ = hex[c & 15];
		}
	}
}

static void mac_hex(const uint8_t secret[UI_CSRF_SECRET_LEN], const char *user,
                    const char *path, const char *body, size_t len,
                    char out[UI_CSRF_TOKEN_LEN + 1])
{
	size_t ul = strlen(user ? user : ""), pl = strlen(path ? path : "");
	size_t n = 7 + ul + 1 + pl + 1 + len;
	char *msg = malloc(n + 1);
	uint8_t mac[32];
	if (!msg) {
		/* Matches nothing a real MAC could be. */
		memset(out, 'x', UI_CSRF_TOKEN_LEN);
		out[UI_CSRF_TOKEN_LEN] = '\0';
		return;
	}
	snprintf(msg, n + 1, "flash1|%s|%s|", user ? user : "",
	         path ? path : "");
	memcpy(msg + n - len, body, len);
	ui_hmac_sha256(secret, UI_CSRF_SECRET_LEN, msg, n, mac);
	free(msg);
	hex_encode(mac, sizeof mac, out);
}

void ui_flash_encode(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                     const char *user, const char *path,
                     const struct ui_flash *f, char *out)
{
	char *w =
	    out + sprintf(out, "%lld.", (long long)(now_s + UI_FLASH_TTL_S));
	put_encoded(f->kind, UI_FLASH_KIND_MAX, &w);
	*w++ = '.';
	put_encoded(f->what, UI_FLASH_WHAT_MAX, &w);
	*w++ = '.';
	put_encoded(f->msg, UI_FLASH_MSG_MAX, &w);
	*w++ = '.';
	mac_hex(secret, user, path, out, (size_t)(w - out), w);
}

/* Decodes s[0..len) into out (max bytes + NUL); -1 when malformed. */
static int take_decoded(const char *s, size_t len, char *out, size_t max)
{
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return -1;
			if ((hi = hex_value(s[i + 1])) < 0 ||
			    (lo = hex_value(s[i + 2])) < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (!c || j == max)
			return -1;
		out[j++] = (char)c;
	}
	out[j] = '\0';
	return 0;
}

/* The value of cookie name in a Cookie header, and its length. */
static const char *find_cookie(const char *cookies, const char *name,
                               size_t *len)
{
	size_t nl = strlen(name);
	const char *p = cookies;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t l = end ? (size_t)(end - p) : strlen(p);
		if (l > nl && !strncmp(p, name, nl) && p[nl] == '=') {
			*len = l - nl - 1;
			while (*len && p[nl + *len] == ' ')
				(*len)--;
			return p + nl + 1;
		}
		p = end;
	}
	return NULL;
}

int ui_flash_decode(const uint8_t secret[UI_CSRF_SECRET_LEN], int64_t now_s,
                    const char *user, const char *path, const char *cookies,
                    struct ui_flash *f)
{
	size_t len = 0;
	const char *v = find_cookie(cookies, UI_FLASH_COOKIE, &len);
	memset(f, 0, sizeof *f);
	if (!v || len <= UI_CSRF_TOKEN_LEN || len > UI_FLASH_VALUE_MAX)
		return -1;
	size_t body = len - UI_CSRF_TOKEN_LEN;
	char want[UI_CSRF_TOKEN_LEN + 1];
	mac_hex(secret, user, path, v, body, want);
	unsigned char d = 0;
	for (size_t i = 0; i < UI_CSRF_TOKEN_LEN; i++)
		d |= (unsigned char)want[i] ^ (unsigned char)v[body + i];
	if (d)
		return -1;
	/* Signed by us: the fields are ours, but check them anyway. */
	const char *parts[4];
	size_t lens[4];
	const char *p = v;
	for (int i = 0; i < 4; i++) {
		const char *dot = memchr(p, '.', (size_t)(v + body - p));
		if (!dot)
			return -1;
		parts[i] = p;
		lens[i] = (size_t)(dot - p);
		p = dot + 1;
	}
	char num[24];
	if (!lens[0] || lens[0] >= sizeof num)
		return -1;
	memcpy(num, parts[0], lens[0]);
	num[lens[0]] = '\0';
	char *end;
	long long expiry = strtoll(num, &end, 10);
	if (*end || expiry < now_s || expiry > now_s + UI_FLASH_TTL_S)
		return -1;
	if (take_decoded(parts[1], lens[1], f->kind, UI_FLASH_KIND_MAX) ||
	    take_decoded(parts[2], lens[2], f->what, UI_FLASH_WHAT_MAX) ||
	    take_decoded(parts[3], lens[3], f->msg, UI_FLASH_MSG_MAX)) {
		memset(f, 0, sizeof *f);
		return -1;
	}
	return 0;
}
