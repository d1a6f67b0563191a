/*
 * fuzz_query.c — libFuzzer harness: the bytes are a QUERY_STRING.  It is
 * split and percent-decoded by cgi_parse_query (cgi-bin/cgi.h), then the
 * REST API's strict parameter parsers (cgi-bin/param.h) read it the
 * way /transactions and /cps do, answering 400 into a memory stream; each
 * value also goes through the pure parsers and the text helpers a value
 * meets on its way into SQL and JSON (cgi-bin/api-text.h).
 *
 * Besides crashes, leaks and undefined behaviour it checks the parser
 * against an independent decoder written here, and that every 400 is one
 * complete response: a status line, headers, and a JSON error naming the
 * parameter.
 */
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api-json.h"
#include "param.h"
#include "api-text.h"
#include "cgi.h"
#include "fuzz_check.h"

/* ---- the reference: application/x-www-form-urlencoded, done simply ---- */

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes s[0..n) into out; a '%' not followed by two hex digits stays,
 * '+' is a space when plus is set. */
/* The reference decoder; 1 when it kept a "%00" as it is. */
static int ref_decode(const char *s, size_t n, int plus, char *out)
{
	size_t o = 0;
	int nul = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && s[i + 1] == '0' &&
		    s[i + 2] == '0') {
			nul = 1;
			out[o++] = s[i];
		} else if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 &&
		           hex(s[i + 2]) >= 0) {
			out[o++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i] == '+' && plus ? ' ' : s[i];
		}
	}
	out[o] = '\0';
	return nul;
}

/* Compares params[0..n) with the reference parse of q. */
static void check_split(const char *q, const struct cgi_param *params, int n,
                        int truncated, int max)
{
	const char *p = q;
	int i = 0, parts = 0, nul = 0;
	size_t qlen = strlen(q);
	char *name = malloc(qlen + 1), *value = malloc(qlen + 1);

	FUZZ_CHECK(name && value, "out of memory");
	while (*p) {
		size_t len = strcspn(p, "&;");

		if (len) {
			const char *eq = memchr(p, '=', len);
			size_t nlen = eq ? (size_t)(eq - p) : len;

			if (parts < max) {
				nul |= ref_decode(p, nlen, 1, name);
				if (eq)
					nul |= ref_decode(eq + 1,
					                  len - nlen - 1, 1, value);
				else
					value[0] = '\0';
				FUZZ_CHECK(i < n, "param %d missing", i);
				/* A "%00" is never decoded: no value is
				 * cut short. */
				FUZZ_CHECK(!strcmp(params[i].name, name),
				           "param %d name \"%s\", want \"%s\"",
				           i, params[i].name, name);
				FUZZ_CHECK(!strcmp(params[i].value, value),
				           "param %d value \"%s\", want \"%s\"",
				           i, params[i].value, value);
				i++;
			}
			parts++;
		}
		p += len;
		if (*p)
			p++;
	}
	FUZZ_CHECK(n == (parts < max ? parts : max), "%d params of %d parts", n,
	           parts);
	int want = parts > max ? CGI_QUERY_TOO_MANY
	           : nul       ? CGI_QUERY_NUL
	                       : CGI_QUERY_OK;
	FUZZ_CHECK(truncated == want, "refused %d, want %d (%d parts)",
	           truncated, want, parts);
	free(name);
	free(value);
}

/* ---- the strict parsers ---- */

static void check_int(const char *s)
{
	static const long long ranges[][2] = {
	    {1, 1000000000}, {1, 500}, {INT64_MIN, INT64_MAX}, {0, 0}};

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
		long long v = 12345;
		int rc = param_parse_int(s, ranges[i][0], ranges[i][1], &v);

		FUZZ_CHECK(rc == 0 || rc == -1 || rc == -2, "rc %d", rc);
		if (rc == 0)
			FUZZ_CHECK(v >= ranges[i][0] && v <= ranges[i][1],
			           "\"%s\" gives %lld out of range", s, v);
		else
			FUZZ_CHECK(v == 12345, "\"%s\" failed and wrote", s);
		/* Only an optional '-' and digits without a leading zero
		 * ("0" itself aside) are whole numbers. */
		const char *d = s + (*s == '-');
		size_t digits = strspn(d, "0123456789");
		int shape = digits && !d[digits] &&
		            (d[0] != '0' || (digits == 1 && d == s));
		FUZZ_CHECK((rc != -1) == shape, "\"%s\": rc %d", s, rc);
	}
}

static void check_time(const char *s)
{
	int64_t start = 0, end = 0;
	int a = param_parse_time(s, 0, &start);
	int b = param_parse_time(s, 1, &end);

	FUZZ_CHECK(a == b, "\"%s\" parses as a start (%d), not an end (%d)", s,
	           a, b);
	if (a)
		return;
	FUZZ_CHECK(end - start == 1 || end - start == 86400000,
	           "\"%s\": start %lld, end %lld", s, (long long)start,
	           (long long)end);
}

static void check_text(const char *s)
{
	size_t len = strlen(s);
	int valid = api_utf8_valid(s, len);
	char *fixed = api_utf8_repair(s);
	char pattern[64];

	FUZZ_CHECK(valid == fuzz_utf8_ok(s, len), "api_utf8_valid(\"%s\") %d",
	           s, valid);
	FUZZ_CHECK(fixed, "out of memory");
	FUZZ_CHECK(fuzz_utf8_ok(fixed, strlen(fixed)), "repair left bad UTF-8");
	FUZZ_CHECK(!valid || !strcmp(fixed, s), "repair changed valid text");
	free(fixed);

	/* The LIKE pattern, unescaped, is the prefix and a final '%'. */
	if (param_like(s, PARAM_LIKE_PREFIX, pattern, sizeof pattern) == 0) {
		size_t o = 0, i = 0, plen = strlen(pattern);

		FUZZ_CHECK(plen && pattern[plen - 1] == '%',
		           "pattern \"%s\" has no final %%", pattern);
		for (; i + 1 < plen; i++, o++) {
			if (pattern[i] == '!') {
				i++;
				FUZZ_CHECK(strchr("%_!", pattern[i]),
				           "\"%s\": stray escape", pattern);
			} else {
				FUZZ_CHECK(
				    pattern[i] != '%' && pattern[i] != '_',
				    "\"%s\": unescaped wildcard", pattern);
			}
			FUZZ_CHECK(pattern[i] == s[o], "\"%s\" is not \"%s%%\"",
			           pattern, s);
		}
		FUZZ_CHECK(s[o] == '\0', "\"%s\" lost the end of \"%s\"",
		           pattern, s);
	}

	char *csv = NULL;
	size_t csvlen = 0;
	FILE *f = open_memstream(&csv, &csvlen);
	FUZZ_CHECK(f, "open_memstream failed");
	api_csv_text(f, s);
	fclose(f);
	/* Read back as RFC 4180 says: the text, behind an apostrophe when it
	 * would start a spreadsheet formula. */
	int formula = *s && strchr("=+-@\t\r", *s);
	if (csvlen && csv[0] == '"') {
		size_t o = 0;
		FUZZ_CHECK(csvlen >= 2 && csv[csvlen - 1] == '"',
		           "CSV field %s not closed", csv);
		for (size_t i = 1; i + 1 < csvlen; i++, o++) {
			if (csv[i] == '"') {
				i++;
				FUZZ_CHECK(csv[i] == '"', "CSV %s: lone quote",
				           csv);
			}
			csv[o] = csv[i];
		}
		csv[o] = '\0';
	} else {
		FUZZ_CHECK(!strpbrk(csv ? csv : "", ",\"\r\n"),
		           "CSV field %s needs quotes", csv);
	}
	const char *field = csv ? csv : "";
	if (formula) {
		FUZZ_CHECK(field[0] == '\'', "CSV field %s: formula", field);
		field++;
	}
	FUZZ_CHECK(!strcmp(field, s), "CSV field %s is not %s", field, s);
	free(csv);
}

/* ---- the *_or_400 readers, as the API handlers call them ---- */

struct req {
	struct cgi_req cgi;
	struct api_ctx ctx;
	struct api_req api;
	char *resp;
	size_t resplen;
};

static void req_open(struct req *r, const struct cgi_param *params, int n)
{
	memset(r, 0, sizeof *r);
	r->cgi.out = open_memstream(&r->resp, &r->resplen);
	FUZZ_CHECK(r->cgi.out, "open_memstream failed");
	r->cgi.method = "GET";
	r->cgi.path = "/transactions";
	r->cgi.query = "";
	memcpy(r->cgi.params, params, (size_t)n * sizeof *params);
	r->cgi.nparams = n;
	r->api.cgi = &r->cgi;
	r->api.ctx = &r->ctx;
	r->api.cfg = &r->ctx.cfg;
	r->api.out = r->cgi.out;
	api_params_init(&r->api);
}

/* Closes the response; rc < 0 means a 400 naming `name` was written,
 * otherwise nothing may have been written. */
static void req_close(struct req *r, int rc, const char *name)
{
	fclose(r->cgi.out);
	if (rc >= 0) {
		FUZZ_CHECK(r->resplen == 0, "%s accepted and answered: %s",
		           name, r->resp);
		free(r->resp);
		return;
	}
	const char *status = "Status: 400 Bad Request\r\n";
	FUZZ_CHECK(!strncmp(r->resp, status, strlen(status)),
	           "%s: not a 400: %s", name, r->resp);
	char *body = strstr(r->resp, "\r\n\r\n");
	FUZZ_CHECK(body, "%s: no end of headers", name);
	body += 4;
	FUZZ_CHECK(fuzz_utf8_ok(body, strlen(body)), "%s: body not UTF-8",
	           name);
	cJSON *j = cJSON_Parse(body);
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(j, "error");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
	const cJSON *param = cJSON_GetObjectItemCaseSensitive(err, "parameter");
	FUZZ_CHECK(cJSON_IsString(code) &&
	               !strcmp(code->valuestring, "invalid_parameter") &&
	               cJSON_IsString(param) &&
	               !strcmp(param->valuestring, name),
	           "%s: body %s", name, body);
	cJSON_Delete(j);
	free(r->resp);
}

/* What cgi_param gives, empty counting as absent (as param.c says). */
static const char *given(const struct req *r, const char *name)
{
	const char *v = cgi_param(&r->cgi, name);
	return v && *v ? v : NULL;
}

static void check_readers(const struct cgi_param *params, int n)
{
	static const char *const statuses[] = {"active", "completed", NULL};
	static const char *const bools[] = {"0", "1", NULL};
	static const struct {
		const char *name;
		size_t max;
	} strs[] = {{"cp_id", 50}, {"id_tag", 20}, {"q", 50}};
	struct req r;
	const char *v;
	long long ll;
	int64_t ms;
	int rc, present;

	req_open(&r, params, n);
	rc = param_int_or_400(&r.api.params, "page", 1, 1, 1000000000, &ll);
	v = given(&r, "page");
	FUZZ_CHECK(rc < 0 || (v ? ll >= 1 && ll <= 1000000000 : ll == 1),
	           "page %lld", ll);
	req_close(&r, rc, "page");

	req_open(&r, params, n);
	rc = param_int_or_400(&r.api.params, "per_page", 20, 1, 500, &ll);
	req_close(&r, rc, "per_page");

	for (int end = 0; end <= 1; end++) {
		const char *name = end ? "to" : "from";
		req_open(&r, params, n);
		rc = param_time_or_400(&r.api.params, name, end, &ms, &present);
		v = given(&r, name);
		FUZZ_CHECK(present == (v != NULL), "%s present %d", name,
		           present);
		if (rc == 0 && v) {
			int64_t again;
			FUZZ_CHECK(!param_parse_time(v, end, &again) &&
			               again == ms,
			           "%s differs from param_parse_time", name);
		}
		req_close(&r, rc, name);
	}

	req_open(&r, params, n);
	rc = param_choice_or_400(&r.api.params, "status", statuses);
	v = given(&r, "status");
	FUZZ_CHECK(v ? rc == -2 || (rc >= 0 && !strcmp(v, statuses[rc]))
	             : rc == -1,
	           "status %d", rc);
	req_close(&r, rc == -2 ? -1 : 0, "status");

	req_open(&r, params, n);
	rc = param_choice_or_400(&r.api.params, "connected", bools);
	req_close(&r, rc == -2 ? -1 : 0, "connected");

	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		const char *out = NULL;
		req_open(&r, params, n);
		rc = param_text_or_400(&r.api.params, strs[i].name, strs[i].max,
		                       NULL, &out);
		v = given(&r, strs[i].name);
		size_t chars = 0;
		for (const char *p = v; p && *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		FUZZ_CHECK((rc < 0) == (chars > strs[i].max ||
		                        (v && !param_text_ok(v))),
		           "%s: %zu characters, rc %d", strs[i].name, chars,
		           rc);
		FUZZ_CHECK(out == v, "%s: another value", strs[i].name);
		req_close(&r, rc, strs[i].name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *q = fuzz_cstr(data, size);
	struct cgi_param params[CGI_MAX_PARAMS];
	char *buf = NULL;
	int truncated = -1;
	int n = cgi_parse_query(q, params, CGI_MAX_PARAMS, &buf, &truncated);

	FUZZ_CHECK(buf, "out of memory");
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(params[i].name >= buf &&
		               params[i].name <= buf + strlen(q) &&
		               params[i].value >= buf &&
		               params[i].value <= buf + strlen(q),
		           "param %d points outside the buffer", i);
	}
	check_split(q, params, n, truncated, CGI_MAX_PARAMS);
	/* A small limit runs the truncation path on short inputs too. */
	{
		struct cgi_param few[3];
		char *b2 = NULL;
		int t2 = -1, n2 = cgi_parse_query(q, few, 3, &b2, &t2);
		check_split(q, few, n2, t2, 3);
		free(b2);
	}

	for (int i = 0; i < n; i++) {
		check_int(params[i].value);
		check_time(params[i].value);
		check_text(params[i].value);
		check_text(params[i].name);
	}
	check_readers(params, n);

	/* In place, both ways, against the reference decoder. */
	for (int plus = 0; plus <= 1; plus++) {
		char *s = fuzz_cstr(data, size), *want = malloc(size + 1);
		size_t len = strlen(s);
		FUZZ_CHECK(want, "out of memory");
		cgi_url_decode(s, plus);
		ref_decode(q, len, plus, want);
		FUZZ_CHECK(!strcmp(s, want), "decode(\"%s\", %d) = \"%s\"", q,
		           plus, s);
		free(s);
		free(want);
	}
	free(buf);
	free(q);
	return 0;
}
