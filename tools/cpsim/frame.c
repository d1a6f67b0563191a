/*
 * frame.c — a small hand-written scanner for OCPP-J frames.  It validates
 * just enough JSON structure to find the parts reliably (strings with
 * escapes, nested payloads) and never copies.
 */
#include "frame.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at the opening quote; returns the position after the closing quote. */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"')
			return p + 1;
		if ((unsigned char)*p < 0x20)
			return NULL;
	}
	return NULL;
}

/* Skip one JSON value of any kind; NULL if malformed or truncated. */
static const char *skip_value(const char *p, const char *end)
{
	int depth = 0;

	p = skip_ws(p, end);
	if (p >= end)
		return NULL;
	if (*p == '"')
		return skip_string(p, end);
	if (*p != '{' && *p != '[') {
		const char *s = p;

		while (p < end && *p != ',' && *p != ']' && *p != '}' &&
		       *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			if (*p == '"' || *p == '{' || *p == '[' || *p == ':')
				return NULL;
			p++;
		}
		return p > s ? p : NULL;
	}
	while (p < end) {
		switch (*p) {
		case '"':
			p = skip_string(p, end);
			if (!p)
				return NULL;
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return p + 1;
			break;
		}
		p++;
	}
	return NULL;
}

/* Expect a string at p: set its contents and return the position after. */
static const char *take_string(const char *p, const char *end, const char **s,
                               size_t *n)
{
	const char *e;

	p = skip_ws(p, end);
	if (p >= end || *p != '"')
		return NULL;
	e = skip_string(p, end);
	if (!e)
		return NULL;
	*s = p + 1;
	*n = (size_t)(e - p - 2);
	return e;
}

static const char *take_value(const char *p, const char *end, const char **s,
                              size_t *n)
{
	const char *e;

	p = skip_ws(p, end);
	e = skip_value(p, end);
	if (!e)
		return NULL;
	*s = p;
	*n = (size_t)(e - p);
	return e;
}

static const char *comma(const char *p, const char *end)
{
	p = skip_ws(p, end);
	if (p >= end || *p != ',')
		return NULL;
	return p + 1;
}

int frame_scan(const char *s, size_t len, struct frame *f)
{
	const char *end = s + len, *p;
	long type;

	memset(f, 0, sizeof *f);
	p = skip_ws(s, end);
	if (p >= end || *p != '[')
		return -1;
	p = skip_ws(p + 1, end);
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	/* Digits by hand: the text need not be NUL-terminated. */
	for (type = 0; p < end && *p >= '0' && *p <= '9' && type < 1000; p++)
		type = type * 10 + (*p - '0');
	f->type = (int)type;
	if (!(p = comma(p, end)))
		return -1;
	if (!(p = take_string(p, end, &f->id, &f->id_len)))
		return -1;

	switch (f->type) {
	case FRAME_CALL:
		if (!(p = comma(p, end)) ||
		    !(p = take_string(p, end, &f->action, &f->action_len)) ||
		    !(p = comma(p, end)) ||
		    !(p = take_value(p, end, &f->payload, &f->payload_len)))
			return -1;
		break;
	case FRAME_RESULT:
		if (!(p = comma(p, end)) ||
		    !(p = take_value(p, end, &f->payload, &f->payload_len)))
			return -1;
		break;
	case FRAME_ERROR:
		if (!(p = comma(p, end)) ||
		    !(p = take_string(p, end, &f->err_code, &f->err_code_len)))
			return -1;
		/* Description and details are often missing from sloppy
		 * peers; the code is what matters. */
		{
			const char *q = comma(p, end);

			if (q && (q = take_string(q, end, &f->err_desc,
			                          &f->err_desc_len))) {
				p = q;
				if ((q = comma(p, end)) &&
				    (q = take_value(q, end, &f->payload,
				                    &f->payload_len)))
					p = q;
			}
		}
		break;
	default:
		return 0;
	}
	p = skip_ws(p, end);
	if (p >= end || *p != ']')
		return -1;
	/* Nothing but whitespace may follow the frame. */
	return skip_ws(p + 1, end) == end ? 0 : -1;
}

int frame_obj_get(const char *obj, size_t len, const char *key,
                  const char **val, size_t *vlen)
{
	const char *end = obj + len, *p, *k, *v;
	size_t klen = strlen(key), kn, vn;

	p = skip_ws(obj, end);
	if (p >= end || *p != '{')
		return -1;
	p = skip_ws(p + 1, end);
	if (p < end && *p == '}')
		return -1;
	while (p < end) {
		if (!(p = take_string(p, end, &k, &kn)))
			return -1;
		p = skip_ws(p, end);
		if (p >= end || *p != ':')
			return -1;
		if (!(p = take_value(p + 1, end, &v, &vn)))
			return -1;
		if (kn == klen && !memcmp(k, key, klen)) {
			if (*v == '"') {
				v++;
				vn -= 2;
			}
			*val = v;
			*vlen = vn;
			return 0;
		}
		p = skip_ws(p, end);
		if (p >= end || *p != ',')
			return -1;
		p++;
	}
	return -1;
}

int frame_obj_int(const char *obj, size_t len, const char *key, long long *v)
{
	const char *s;
	size_t n;
	char tmp[24], *e;

	if (frame_obj_get(obj, len, key, &s, &n) || n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*v = strtoll(tmp, &e, 10);
	return *e ? -1 : 0;
}

int frame_json_escape(const char *in, size_t n, char *out, size_t outlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		char esc = 0;

		switch (c) {
		case '"':
			esc = '"';
			break;
		case '\\':
			esc = '\\';
			break;
		case '\n':
			esc = 'n';
			break;
		case '\r':
			esc = 'r';
			break;
		case '\t':
			esc = 't';
			break;
		}
		if (esc) {
			if (o + 2 >= outlen)
				return -1;
			out[o++] = '\\';
			out[o++] = esc;
		} else if (c < 0x20) {
			if (o + 6 >= outlen)
				return -1;
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			if (o + 1 >= outlen)
				return -1;
			out[o++] = (char)c;
		}
	}
	if (o >= outlen)
		return -1;
	out[o] = '\0';
	return (int)o;
}

static int fit(int n, size_t size)
{
	return n < 0 || (size_t)n >= size ? -1 : n;
}

int frame_call(char *buf, size_t n, const char *id, const char *action,
               const char *payload)
{
	return fit(snprintf(buf, n, "[2,\"%s\",\"%s\",%s]", id, action,
	                    payload && *payload ? payload : "{}"),
	           n);
}

int frame_result(char *buf, size_t n, const char *id, size_t id_len,
                 const char *payload)
{
	return fit(snprintf(buf, n, "[3,\"%.*s\",%s]", (int)id_len, id,
	                    payload && *payload ? payload : "{}"),
	           n);
}

int frame_error(char *buf, size_t n, const char *id, size_t id_len,
                const char *code, const char *desc)
{
	char esc[512];

	if (frame_json_escape(desc, strlen(desc), esc, sizeof esc) < 0)
		esc[0] = '\0';
	return fit(snprintf(buf, n, "[4,\"%.*s\",\"%s\",\"%s\",{}]",
	                    (int)id_len, id, code, esc),
	           n);
}
