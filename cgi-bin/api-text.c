/*
 * api-text.c — UTF-8 repair, CSV fields and LIKE patterns for the REST
 * API.
 */
#include "api-text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t len;
	uint32_t cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

int api_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);
		if (!n)
			return 0;
		i += n;
	}
	return 1;
}

char *api_utf8_repair(const char *s)
{
	size_t len = strlen(s);
	/* Each bad byte becomes three bytes (EF BF BD). */
	char *out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < len) {
		size_t n = utf8_seq(p + i, len - i);
		if (n) {
			memcpy(out + o, p + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	out[o] = '\0';
	return out;
}

void api_csv_text(FILE *out, const char *s)
{
	if (!s || !*s)
		return;
	int guard = strchr("=+-@\t\r", s[0]) != NULL;
	if (!guard && !strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	if (guard)
		putc('\'', out);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			putc('"', out);
		putc(*p, out);
	}
	putc('"', out);
}

int api_like_prefix(const char *prefix, char *out, size_t outlen)
{
	size_t o = 0;
	for (const char *p = prefix; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '!') {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = '!';
		}
		if (o + 1 >= outlen)
			return -1;
		out[o++] = *p;
	}
	if (o + 2 > outlen)
		return -1;
	out[o++] = '%';
	out[o] = '\0';
	return 0;
}
