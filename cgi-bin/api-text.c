/*
 * api-text.c — UTF-8 repair and CSV fields for the REST API.
 */
#include "api-text.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

int api_utf8_valid(const char *s, size_t len)
{
	return utf8_valid(s, len);
}

char *api_utf8_repair(const char *s)
{
	size_t len = strlen(s);
	/* Each bad byte becomes three bytes (EF BF BD). */
	char *out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	size_t i = 0, o = 0;
	while (i < len) {
		size_t n = utf8_decode(s + i, len - i, NULL);
		if (n) {
			memcpy(out + o, s + i, n);
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
