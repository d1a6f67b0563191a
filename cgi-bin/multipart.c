/*
 * multipart.c — see multipart.h.
 */
#include "multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int multipart_boundary(const char *ct, char *out, size_t outlen)
{
	if (!ct || strncasecmp(ct, "multipart/form-data", 19))
		return -1;
	const char *b = strcasestr(ct, "boundary=");
	if (!b)
		return -1;
	b += 9;
	size_t n;
	if (*b == '"') {
		b++;
		const char *e = strchr(b, '"');
		if (!e)
			return -1;
		n = (size_t)(e - b);
	} else {
		n = strcspn(b, "; \t");
	}
	if (!n || n > 70 || n >= outlen)
		return -1;
	memcpy(out, b, n);
	out[n] = '\0';
	return 0;
}

static const char *find(const char *h, size_t hlen, const char *n, size_t nlen)
{
	return memmem(h, hlen, n, nlen);
}

/* A Content-Disposition parameter ("name", "filename") from one header
 * line [p, end) into out; "" when absent. */
static void disposition_param(const char *p, const char *end, const char *key,
                              char *out, size_t outlen)
{
	size_t klen = strlen(key);
	out[0] = '\0';
	for (const char *q = p; q + klen + 2 <= end; q++) {
		if ((q == p || q[-1] == ';' || q[-1] == ' ') &&
		    !strncasecmp(q, key, klen) && q[klen] == '=' &&
		    q[klen + 1] == '"') {
			const char *v = q + klen + 2;
			const char *e = memchr(v, '"', (size_t)(end - v));
			if (!e)
				return;
			size_t n = (size_t)(e - v);
			if (n >= outlen)
				n = outlen - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return;
		}
	}
}

int multipart_parse(const char *body, size_t len, const char *boundary,
                    struct multipart_part *parts, int max)
{
	char delim[80];
	int dl = snprintf(delim, sizeof delim, "--%s", boundary);
	if (dl < 3 || (size_t)dl >= sizeof delim)
		return -1;
	const char *end = body + len;
	const char *p = find(body, len, delim, (size_t)dl);
	int n = 0;
	while (p) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return n; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			return -1;
		/* From the delimiter's own CR LF: a part may have no header
		 * lines at all. */
		const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
		p += 2;
		if (!hend || n == max)
			return -1;
		struct multipart_part *m = &parts[n];
		memset(m, 0, sizeof *m);
		for (const char *line = p; line < hend;) {
			const char *le =
			    find(line, (size_t)(hend - line), "\r\n", 2);
			if (!le)
				le = hend;
			if (!strncasecmp(line, "Content-Disposition:", 20)) {
				disposition_param(line, le, "name", m->name,
				                  sizeof m->name);
				disposition_param(line, le, "filename",
				                  m->filename,
				                  sizeof m->filename);
			}
			line = le + 2;
		}
		const char *data = hend + 4;
		char next[84];
		int nl = snprintf(next, sizeof next, "\r\n%s", delim);
		const char *stop =
		    find(data, (size_t)(end - data), next, (size_t)nl);
		if (!stop)
			return -1;
		m->data = data;
		m->len = (size_t)(stop - data);
		n++;
		p = stop + 2;
	}
	return -1;
}

const struct multipart_part *multipart_get(const struct multipart_part *parts,
                                           int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(parts[i].name, name))
			return &parts[i];
	return NULL;
}
