/*
 * fuzz_tmpl.c — libFuzzer harness: the bytes are a template text
 * (lib/tmpl.h), rendered from a string, never through the file cache, with
 * a fixed variable list that has plain, empty and "0" values, values that
 * need escaping, and loops nested two deep.  Includes resolve against the
 * real templates/ directory (FUZZ_TMPL_DIR, set by scripts/fuzz.sh), so
 * <TMPL_INCLUDE name="header.tmpl"> reads a real file; the cache is
 * cleared after every input, so each input runs the same way alone.
 *
 * Templates come from the operator's disk, so this is about robustness: no
 * crash, leak or undefined behaviour on any text, and the promises of
 * tmpl.h: success gives a NUL-terminated page of the told length, failure a
 * message and no page, TMPL_write writes exactly what TMPL_render made,
 * the default format never changes whether a template is valid, and a
 * value is never written unescaped unless the template asks for it.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "tmpl.h"

#ifndef FUZZ_TMPL_DIR
#define FUZZ_TMPL_DIR "templates/"
#endif

/* A value that must never reach the page unescaped, and its twin for the
 * second variable list (same length, same characters to escape, another
 * marker).  Each holds both kinds of quote, so no value="..." attribute
 * (which has no escapes) can equal either: a template takes the same
 * branches with both lists. */
#define XSS      "<zq onload='x'>\"&"
#define XSS_TWIN "<zw onload='x'>\"&"

static TMPL_varlist *vars, *vars_twin;
static TMPL_fmtlist *fmts;

static void fmt_upper(const char *value, FILE *out)
{
	for (; *value; value++)
		fputc(*value >= 'a' && *value <= 'z' ? *value - 32 : *value,
		      out);
}

static TMPL_varlist *row(const char *id, const char *status)
{
	return TMPL_add_var(NULL, "id", id, "status", status, "tag", "<TAG&1>",
	                    "kwh", "12.5", (char *)NULL);
}

/* The variable list; xss is the only value that differs between calls. */
static TMPL_varlist *build_vars(const char *xss)
{
	TMPL_loop *tx = NULL, *conns = NULL, *one = NULL;
	TMPL_varlist *vl;

	vl = TMPL_add_var(
	    NULL, "base", "/cgi-bin/dashboard", "static", "/static", "title",
	    "Charge point CP_1", "label", "a \"label\" <b>&'", "value",
	    "line\r\nbreak", "q", "CP 1&x=<y>", "page", "2", "pages", "7",
	    "paged", "1", "filtered", "", "zero", "0", "empty", "", "x", "1",
	    "first_href", "?page=1", "prev_href", "?page=1&q=a%20b", "utf8",
	    "\xc3\xa9t\xc3\xa9 \xe2\x82\xac", "xss", xss, (char *)NULL);
	tx = TMPL_add_varlist(tx, row("1", "Charging"));
	tx = TMPL_add_varlist(tx, row("2", "Finished"));
	tx = TMPL_add_varlist(tx, row("3", ""));
	vl = TMPL_add_loop(vl, "transactions", tx);
	for (int c = 1; c <= 2; c++) {
		TMPL_loop *bars = NULL;
		TMPL_varlist *conn;

		bars = TMPL_add_varlist(bars,
		                        TMPL_add_var(NULL, "x", "0", "y", "10",
		                                     "w", "4", (char *)NULL));
		bars = TMPL_add_varlist(bars,
		                        TMPL_add_var(NULL, "x", "5", "status",
		                                     "<i>", (char *)NULL));
		conn = TMPL_add_var(NULL, "connector", c == 1 ? "1" : "2",
		                    "status", "Available", (char *)NULL);
		conn = TMPL_add_loop(conn, "bars", bars);
		conns = TMPL_add_varlist(conns, conn);
	}
	vl = TMPL_add_loop(vl, "connectors", conns);
	one = TMPL_add_varlist(one,
	                       TMPL_add_var(NULL, "id", "only", (char *)NULL));
	return TMPL_add_loop(vl, "rows", one);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vars = build_vars(XSS);
	vars_twin = build_vars(XSS_TWIN);
	fmts = TMPL_add_fmt(NULL, "upper", fmt_upper);
	FUZZ_CHECK(vars && vars_twin && fmts,
	           "out of memory building the variables");
	return 0;
}

/* How many times needle occurs in hay (overlaps counted). */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* One render; checks the promises of TMPL_render and returns rc. */
static int render(const char *text, const TMPL_varlist *vl,
                  const TMPL_options *opts, char **out, size_t *outlen,
                  char *err, size_t errlen)
{
	int rc;

	*out = (char *)1; /* must be overwritten either way */
	memset(err, 'x', errlen);
	rc = TMPL_render(FUZZ_TMPL_DIR "fuzz.tmpl", text, fmts, vl, opts, out,
	                 outlen, err, errlen);
	TMPL_clear_cache();
	FUZZ_CHECK(rc == 0 || rc == -1, "TMPL_render returned %d", rc);
	if (rc) {
		FUZZ_CHECK(*out == NULL, "a failed render left a page");
		FUZZ_CHECK(memchr(err, '\0', errlen) && err[0],
		           "a failed render without a message");
		return rc;
	}
	FUZZ_CHECK(*out && strlen(*out) == *outlen,
	           "page of %zu bytes, told %zu", *out ? strlen(*out) : 0,
	           *outlen);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const TMPL_options raw = {.default_fmt = "raw"};
	char *text = fuzz_cstr(data, size);
	char *page = NULL, *other = NULL, err[512], err2[512];
	size_t len = 0, len2 = 0;
	int rc, rc2;

	rc = render(text, vars, NULL, &page, &len, err, sizeof err);

	/* Escaping is on unless the template says otherwise: without a raw
	 * or custom format or an include, the value's "<zq" never reaches the
	 * page.  The template's own text may spell "<zq" (directly, or across
	 * a line continuation), so the page is compared with the twin's,
	 * rendered from the same text: every "<zq" beyond the twin's came
	 * from the value (an escaped value starts with "&lt;", so text and
	 * value never join into one). */
	if (!rc && !strcasestr(text, "raw") && !strcasestr(text, "upper") &&
	    !strcasestr(text, "include")) {
		rc2 = render(text, vars_twin, NULL, &other, &len2, err2,
		             sizeof err2);
		FUZZ_CHECK(rc2 == 0, "the twin variables failed: %s", err2);
		FUZZ_CHECK(count(page, "<zq") <= count(other, "<zq"),
		           "unescaped value in %s", page);
		free(other);
	}

	/* The default format changes the page, never the verdict. */
	rc2 = render(text, vars, &raw, &other, &len2, err2, sizeof err2);
	FUZZ_CHECK(rc2 == rc, "entity: %d (%s), raw: %d (%s)", rc,
	           rc ? err : "ok", rc2, rc2 ? err2 : "ok");
	free(other);

	/* Nothing to look up. */
	render(text, NULL, NULL, &other, &len2, err2, sizeof err2);
	free(other);

	/* TMPL_write is TMPL_render plus stdio. */
	char *wbuf = NULL, *ebuf = NULL;
	size_t wlen = 0, elen = 0;
	FILE *w = open_memstream(&wbuf, &wlen);
	FILE *e = open_memstream(&ebuf, &elen);
	FUZZ_CHECK(w && e, "open_memstream failed");
	rc2 = TMPL_write(FUZZ_TMPL_DIR "fuzz.tmpl", text, fmts, vars, w, e);
	TMPL_clear_cache();
	fclose(w);
	fclose(e);
	FUZZ_CHECK(rc2 == rc, "TMPL_write %d, TMPL_render %d", rc2, rc);
	if (rc) {
		FUZZ_CHECK(wlen == 0, "TMPL_write wrote %zu bytes and failed",
		           wlen);
		FUZZ_CHECK(
		    elen == strlen(err) + 1 && !memcmp(ebuf, err, elen - 1) &&
		        ebuf[elen - 1] == '\n',
		    "TMPL_write said \"%s\", TMPL_render \"%s\"", ebuf, err);
	} else {
		FUZZ_CHECK(wlen == len && !memcmp(wbuf, page, len),
		           "TMPL_write wrote another page");
		FUZZ_CHECK(elen == 0, "TMPL_write succeeded and said \"%s\"",
		           ebuf);
	}
	free(wbuf);
	free(ebuf);
	free(page);
	free(text);
	return 0;
}
