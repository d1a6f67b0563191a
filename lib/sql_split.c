/*
 * sql_split.c — see sql_split.h.
 */
#include "sql_split.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DELIM_MAX 16

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* "DELIMITER x" (any case): x into delim; 1 when the line is one. */
static int delimiter_line(const char *s, size_t n, char *delim)
{
	static const char kw[] = "DELIMITER";
	size_t k = sizeof kw - 1;
	if (n <= k || strncasecmp(s, kw, k) || !is_blank(s[k]))
		return 0;
	s += k;
	n -= k;
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (!n || n >= DELIM_MAX)
		return 0;
	memcpy(delim, s, n);
	delim[n] = '\0';
	return 1;
}

struct buf {
	char *p;
	size_t len, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 2 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (b->len + n + 2 > cap)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

/* The statement in b, unless blank, to fn; b emptied. */
static int flush(struct buf *b, sql_split_fn fn, void *arg)
{
	int rc = 0;
	if (b->len && strspn(b->p, " \t\r\n") < b->len)
		rc = fn(b->p, b->len, arg);
	b->len = 0;
	return rc;
}

int sql_split(const char *text, sql_split_fn fn, void *arg)
{
	struct buf b = {0};
	char delim[DELIM_MAX] = ";";
	int rc = 0, in_stmt = 0; /* in_stmt: text since the last end */
	const char *p = text;
	while (*p && rc == 0) {
		const char *eol = strchr(p, '\n');
		size_t ll = eol ? (size_t)(eol - p) : strlen(p);
		const char *s = p;
		while (s < p + ll && is_blank(*s))
			s++;
		size_t sl = (size_t)(p + ll - s);
		int comment = sl >= 2 && s[0] == '-' && s[1] == '-';
		/* Outside a statement only, as the client reads it. */
		if (!comment && !in_stmt && delimiter_line(s, sl, delim)) {
			p = eol ? eol + 1 : p + ll;
			continue;
		}
		if (!comment) {
			const char *e = p + ll;
			while (e > p && is_blank(e[-1]))
				e--;
			size_t dl = strlen(delim);
			int ends =
			    (size_t)(e - p) >= dl && !memcmp(e - dl, delim, dl);
			/* ';' stays in the statement; another delimiter
			 * is the file's, not SQL. */
			size_t keep = ends && strcmp(delim, ";")
			                  ? (size_t)(e - p) - dl
			                  : ll;
			if (put(&b, p, keep) || put(&b, "\n", 1)) {
				rc = -1;
				break;
			}
			in_stmt |= sl > 0;
			if (ends) {
				rc = flush(&b, fn, arg);
				in_stmt = 0;
			}
		}
		p = eol ? eol + 1 : p + ll;
	}
	/* Trailing text without a delimiter is a statement too, unless
	 * blank. */
	if (rc == 0)
		rc = flush(&b, fn, arg);
	free(b.p);
	return rc;
}
