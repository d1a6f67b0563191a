/*
 * test_tmpl.c — the template engine (lib/tmpl.c): every tag, scoping,
 * escaping, formats, includes, error messages and the file cache.
 *
 * Runs from the repository root; fixtures are in tests/unit/tmpl/.
 */
#include "check.h"
#include "tmpl.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define DIR "tests/unit/tmpl/"

static char out_[1 << 16], err_[4096];

/* TMPL_write into memory streams; the page lands in out_, messages in err_. */
static int run(const char *file, const char *str, const TMPL_fmtlist *fmts,
               const TMPL_varlist *vars)
{
	char *ob = NULL, *eb = NULL;
	size_t ol = 0, el = 0;
	FILE *o = open_memstream(&ob, &ol), *e = open_memstream(&eb, &el);
	int rc;

	if (!o || !e)
		abort();
	rc = TMPL_write(file, str, fmts, vars, o, e);
	fclose(o);
	fclose(e);
	snprintf(out_, sizeof out_, "%s", ob);
	snprintf(err_, sizeof err_, "%s", eb);
	free(ob);
	free(eb);
	return rc;
}

/* Renders a template string named t.tmpl; returns the page or "ERR: msg". */
static const char *page(const char *str, const TMPL_varlist *vars)
{
	if (run("t.tmpl", str, NULL, vars))
		snprintf(out_, sizeof out_, "ERR: %s", err_);
	return out_;
}

static TMPL_varlist *row(const char *a, const char *b)
{
	return TMPL_add_var(NULL, "a", a, "b", b, (char *)NULL);
}

static void test_var_spellings(void)
{
	TMPL_varlist *v =
	    TMPL_add_var(NULL, "x", "1", "cp_id", "CP-7", (char *)NULL);

	CHECK_STR(page("[<TMPL_VAR name=\"x\">]", v), "[1]");
	CHECK_STR(page("[<TMPL_VAR name='x'>]", v), "[1]");
	CHECK_STR(page("[<TMPL_VAR NAME=x>]", v), "[1]");
	CHECK_STR(page("[<TMPL_VAR x>]", v), "[1]");
	CHECK_STR(page("[<TMPL_VAR \"cp_id\">]", v), "[CP-7]");
	CHECK_STR(page("[<tmpl_var name = \"x\" >]", v), "[1]");
	CHECK_STR(page("[<Tmpl_Var\n  name=\"x\"\n>]", v), "[1]");
	CHECK_STR(page("[<TMPL_VAR name=\"x\"/>]", v), "[1]");
	CHECK_STR(page("[<!-- TMPL_VAR name=\"x\" -->]", v), "[1]");
	CHECK_STR(page("[<!--TMPL_VAR x-->]", v), "[1]");
	CHECK_STR(page("[<TMPL_VAR cp_id>]", v), "[CP-7]");
	/* names are case-sensitive, as in ctemplate */
	CHECK_STR(page("[<TMPL_VAR name=\"X\">]", v), "[]");
	/* ordinary markup and HTML comments pass through */
	CHECK_STR(page("<a href=\"#\">x</a><!-- note --> a < b", v),
	          "<a href=\"#\">x</a><!-- note --> a < b");
	TMPL_free_varlist(v);
}

static void test_missing_and_default(void)
{
	TMPL_varlist *v =
	    TMPL_add_var(NULL, "set", "yes", "empty", "", (char *)NULL);

	CHECK_STR(page("[<TMPL_VAR name=\"nope\">]", v), "[]");
	CHECK_STR(page("[<TMPL_VAR name=\"nope\" default=\"-\">]", v), "[-]");
	CHECK_STR(page("[<TMPL_VAR name=\"set\" default=\"-\">]", v), "[yes]");
	/* an empty value is a value: default= is only for missing ones */
	CHECK_STR(page("[<TMPL_VAR name=\"empty\" default=\"-\">]", v), "[]");
	/* the default goes through the format like a value */
	CHECK_STR(page("[<TMPL_VAR name=\"nope\" default=\"a&b\">]", v),
	          "[a&amp;b]");
	CHECK_STR(page("[<TMPL_VAR nope>]", NULL), "[]");
	TMPL_free_varlist(v);
}

static void test_escaping_is_the_default(void)
{
	const char *evil = "<script>alert(\"x\" + 'y')</script>&amp;";
	TMPL_varlist *v = TMPL_add_var(NULL, "v", evil, (char *)NULL);
	TMPL_options raw = {.default_fmt = "raw"}, bad = {.default_fmt = "x"};
	char err[256], *buf;
	size_t len;

	CHECK_STR(page("<TMPL_VAR v>", v),
	          "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)"
	          "&lt;/script&gt;&amp;amp;");
	CHECK_STR(page("<input value=\"<TMPL_VAR v>\">", v),
	          "<input value=\"&lt;script&gt;alert(&quot;x&quot; + "
	          "&#39;y&#39;)&lt;/script&gt;&amp;amp;\">");
	/* explicit entity is the same, never escaped twice */
	CHECK_STR(page("<TMPL_VAR v fmt=\"entity\">", v),
	          "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)"
	          "&lt;/script&gt;&amp;amp;");
	/* raw is the visible opt-in */
	CHECK_STR(page("<TMPL_VAR v fmt=\"raw\">", v), evil);
	/* a caller producing non-HTML output can change the default */
	CHECK_INT(TMPL_render("t.tmpl", "<TMPL_VAR v>", NULL, v, &raw, &buf,
	                      &len, err, sizeof err),
	          0);
	CHECK_STR(buf, evil);
	CHECK_INT(len, strlen(evil));
	free(buf);
	CHECK_INT(TMPL_render("t.tmpl", "<TMPL_VAR v>", NULL, v, &bad, &buf,
	                      &len, err, sizeof err),
	          -1);
	CHECK(buf == NULL);
	CHECK_STR(err, "TMPL_render: unknown default fmt \"x\"");
	TMPL_free_varlist(v);
}

static void test_builtin_formats(void)
{
	TMPL_varlist *v = TMPL_add_var(NULL, "q", "a b&c=d/\xc3\xa9~._-Z9",
	                               "nl", "one\ntwo\r\n", (char *)NULL);

	CHECK_STR(page("?q=<TMPL_VAR q fmt=\"url\">", v),
	          "?q=a%20b%26c%3Dd%2F%C3%A9~._-Z9");
	CHECK_STR(page("<TMPL_VAR nl>", v), "one&#10;two&#13;&#10;");
	CHECK_STR(page("<TMPL_VAR nl fmt=\"raw\">", v), "one\ntwo\r\n");
	TMPL_free_varlist(v);
}

/* A dashboard-style formatter: Wh in, kWh with three decimals out. */
static void fmt_kwh(const char *value, FILE *out)
{
	long wh = strtol(value, NULL, 10);

	fprintf(out, "%ld.%03ld kWh", wh / 1000, wh % 1000);
}

static void fmt_upper(const char *value, FILE *out)
{
	for (; *value; value++)
		fputc(*value >= 'a' && *value <= 'z' ? *value - 32 : *value,
		      out);
}

static void fmt_shout(const char *value, FILE *out)
{
	fprintf(out, "%s!", value);
}

static void test_custom_formats(void)
{
	TMPL_fmtlist *f = TMPL_add_fmt(NULL, "kwh", fmt_kwh);
	TMPL_varlist *v =
	    TMPL_add_var(NULL, "e", "12345", "s", "<b>", (char *)NULL);

	CHECK(f != NULL);
	CHECK(TMPL_add_fmt(f, "upper", fmt_shout) == f);
	CHECK(TMPL_add_fmt(f, "upper", fmt_upper) == f); /* replaces */
	CHECK(TMPL_add_fmt(f, "raw", fmt_shout) == f);   /* built-in wins */
	CHECK_INT(run("t.tmpl",
	              "<TMPL_VAR e fmt=\"kwh\"> <TMPL_VAR name=\"s\" "
	              "fmt=\"upper\"> <TMPL_VAR s fmt=\"raw\">",
	              f, v),
	          0);
	CHECK_STR(out_, "12.345 kWh <B> <b>");
	/* a missing fmt is an error even where the tag is not reached */
	CHECK_INT(run("t.tmpl",
	              "lots of page\n<TMPL_IF nope>\n"
	              "  <TMPL_VAR e fmt=\"kwhh\">\n</TMPL_IF>",
	              f, v),
	          -1);
	CHECK_STR(out_, "");
	CHECK_STR(err_, "t.tmpl:3: <TMPL_VAR e fmt=\"kwhh\"> uses unknown "
	                "fmt \"kwhh\"\n");
	/* the same template without the fmtlist does not know kwh */
	CHECK_INT(run("t.tmpl", "<TMPL_VAR e fmt=\"kwh\">", NULL, v), -1);
	CHECK_STR(err_, "t.tmpl:1: <TMPL_VAR e fmt=\"kwh\"> uses unknown fmt "
	                "\"kwh\"\n");
	TMPL_free_fmtlist(f);
	TMPL_free_varlist(v);
}

static void test_if_truth(void)
{
	TMPL_varlist *v = TMPL_add_var(NULL, "one", "1", "zero", "0", "empty",
	                               "", "st", "Charging", (char *)NULL);
	const char *t = "<TMPL_IF name=\"%s\">T<TMPL_ELSE>F</TMPL_IF>";
	char buf[128];

	v = TMPL_add_loop(v, "rows", TMPL_add_varlist(NULL, row("1", "2")));
#define IFCASE(name, want)                                                     \
	do {                                                                   \
		snprintf(buf, sizeof buf, t, name);                            \
		CHECK_STR(page(buf, v), want);                                 \
	} while (0)
	IFCASE("one", "T");
	IFCASE("zero", "T"); /* ctemplate: only empty is false */
	IFCASE("empty", "F");
	IFCASE("missing", "F");
	IFCASE("rows", "T"); /* a loop with rows */
	CHECK_STR(page("<TMPL_IF st value=\"Charging\">c</TMPL_IF>", v), "c");
	CHECK_STR(page("<TMPL_IF st value=\"charging\">c</TMPL_IF>", v), "");
	CHECK_STR(page("<TMPL_IF nope value=\"x\">c</TMPL_IF>", v), "");
	/* value="" tests for missing or empty */
	CHECK_STR(page("<TMPL_IF empty value=\"\">e</TMPL_IF>", v), "e");
	CHECK_STR(page("<TMPL_IF nope value=''>e</TMPL_IF>", v), "e");
	CHECK_STR(page("<TMPL_IF one value=''>e</TMPL_IF>", v), "");
	CHECK_STR(page("<TMPL_IF rows value=''>e</TMPL_IF>", v), "");
	CHECK_STR(page("<!-- TMPL_IF one -->y<!-- TMPL_ELSE -->n"
	               "<!-- /TMPL_IF -->",
	               v),
	          "y");
	CHECK_STR(page("<tmpl_if one>y</tmpl_if>", v), "y");
	CHECK_STR(page("<TMPL_IF one><TMPL_IF empty>a<TMPL_ELSE>b</TMPL_IF>"
	               "<TMPL_ELSE>c</TMPL_IF>",
	               v),
	          "b");
	TMPL_free_varlist(v);
#undef IFCASE
}

static void test_elsif_chain(void)
{
	const char *t = "<TMPL_IF st value=\"Available\">green"
	                "<TMPL_ELSIF name=\"st\" value=\"Charging\">blue"
	                "<TMPL_ELSIF fault>red"
	                "<TMPL_ELSE />grey</TMPL_IF>";
	TMPL_varlist *a = TMPL_add_var(NULL, "st", "Available", (char *)NULL);
	TMPL_varlist *c =
	    TMPL_add_var(NULL, "st", "Charging", "fault", "1", (char *)NULL);
	TMPL_varlist *f =
	    TMPL_add_var(NULL, "st", "Faulted", "fault", "1", (char *)NULL);
	TMPL_varlist *n = TMPL_add_var(NULL, "st", "Unavailable", (char *)NULL);

	CHECK_STR(page(t, a), "green");
	CHECK_STR(page(t, c), "blue"); /* first true branch only */
	CHECK_STR(page(t, f), "red");
	CHECK_STR(page(t, n), "grey");
	CHECK_STR(page("<TMPL_IF a>1<TMPL_ELSIF b>2</TMPL_IF>", n), "");
	TMPL_free_varlist(a);
	TMPL_free_varlist(c);
	TMPL_free_varlist(f);
	TMPL_free_varlist(n);
}

static void test_loops_and_scopes(void)
{
	TMPL_varlist *top =
	    TMPL_add_var(NULL, "site", "Depot", "a", "outer", (char *)NULL);
	TMPL_loop *cps = NULL, *conns;

	for (int i = 1; i <= 3; i++) {
		char id[16], n[16];
		TMPL_varlist *r;

		snprintf(id, sizeof id, "CP%d", i);
		r = TMPL_add_var(NULL, "id", id, (char *)NULL);
		conns = NULL;
		for (int j = 1; j <= i; j++) {
			snprintf(n, sizeof n, "%d", j);
			conns = TMPL_add_varlist(
			    conns, TMPL_add_var(NULL, "n", n, (char *)NULL));
		}
		if (i != 2)
			r = TMPL_add_var(r, "a", "inner", (char *)NULL);
		r = TMPL_add_loop(r, "conns", conns);
		cps = TMPL_add_varlist(cps, r);
	}
	top = TMPL_add_loop(top, "cps", cps);

	CHECK_STR(page("<TMPL_LOOP cps><TMPL_VAR id>,</TMPL_LOOP>", top),
	          "CP1,CP2,CP3,");
	/* loops in loops; the row sees its own, its parents' and globals */
	CHECK_STR(page("<TMPL_LOOP name=\"cps\"><TMPL_VAR id>[<TMPL_LOOP "
	               "conns><TMPL_VAR id>.<TMPL_VAR n>@<TMPL_VAR site> "
	               "</TMPL_LOOP>]</TMPL_LOOP>",
	               top),
	          "CP1[CP1.1@Depot ]CP2[CP2.1@Depot CP2.2@Depot ]"
	          "CP3[CP3.1@Depot CP3.2@Depot CP3.3@Depot ]");
	/* a row's own variable hides the global of the same name */
	CHECK_STR(
	    page("<TMPL_LOOP cps><TMPL_VAR a> </TMPL_LOOP><TMPL_VAR a>", top),
	    "inner outer inner outer");
	/* IF inside loops, on row and global variables */
	CHECK_STR(page("<TMPL_LOOP cps><TMPL_IF id value=\"CP2\">*"
	               "<TMPL_ELSIF site>-</TMPL_IF></TMPL_LOOP>",
	               top),
	          "-*-");
	/* a row variable is gone after the loop; missing loops are empty */
	CHECK_STR(page("<TMPL_LOOP cps></TMPL_LOOP>[<TMPL_VAR id>]"
	               "<TMPL_LOOP nope>x</TMPL_LOOP><TMPL_LOOP site>y"
	               "</TMPL_LOOP>[<TMPL_VAR cps>]",
	               top),
	          "[][]");
	CHECK_STR(page("<TMPL_IF cps>has<TMPL_ELSE>none</TMPL_IF>"
	               "<TMPL_IF nope>has<TMPL_ELSE>none</TMPL_IF>",
	               top),
	          "hasnone");
	TMPL_free_varlist(top);
}

static TMPL_varlist *numbers(int n)
{
	TMPL_loop *outer = NULL;

	for (int i = 1; i <= n; i++) {
		TMPL_loop *inner = NULL;
		TMPL_varlist *r;
		char s[16];

		for (int j = 1; j <= n; j++) {
			snprintf(s, sizeof s, "%d", j);
			inner = TMPL_add_varlist(
			    inner, TMPL_add_var(NULL, "j", s, (char *)NULL));
		}
		snprintf(s, sizeof s, "%d", i);
		r = TMPL_add_loop(TMPL_add_var(NULL, "i", s, (char *)NULL),
		                  "in", inner);
		outer = TMPL_add_varlist(outer, r);
	}
	return TMPL_add_loop(NULL, "out", outer);
}

static void test_break_continue(void)
{
	TMPL_varlist *v = numbers(4);

	CHECK_STR(page("<TMPL_LOOP out><TMPL_VAR i><TMPL_IF i value=3>"
	               "<TMPL_BREAK></TMPL_IF>,</TMPL_LOOP>.",
	               v),
	          "1,2,3.");
	CHECK_STR(page("<TMPL_LOOP out><TMPL_IF i value=2><TMPL_CONTINUE/>"
	               "</TMPL_IF><TMPL_VAR i></TMPL_LOOP>",
	               v),
	          "134");
	/* level=2 leaves the outer loop too */
	CHECK_STR(page("<TMPL_LOOP out>(<TMPL_LOOP in><TMPL_IF i value=2>"
	               "<TMPL_IF j value=3><TMPL_BREAK level=\"2\"></TMPL_IF>"
	               "</TMPL_IF><TMPL_VAR i><TMPL_VAR j> </TMPL_LOOP>)"
	               "</TMPL_LOOP>.",
	               v),
	          "(11 12 13 14 )(21 22 .");
	/* CONTINUE level=2 goes on with the next outer row */
	CHECK_STR(page("<TMPL_LOOP out><TMPL_LOOP in><TMPL_IF j value=2>"
	               "<!-- TMPL_CONTINUE level=2 --></TMPL_IF><TMPL_VAR i>"
	               "<TMPL_VAR j> </TMPL_LOOP>|</TMPL_LOOP>",
	               v),
	          "11 21 31 41 ");
	/* plain BREAK only leaves the inner loop */
	CHECK_STR(page("<TMPL_LOOP out><TMPL_LOOP in><TMPL_IF j value=2>"
	               "<TMPL_BREAK></TMPL_IF><TMPL_VAR j></TMPL_LOOP>|"
	               "</TMPL_LOOP>",
	               v),
	          "1|1|1|1|");
	TMPL_free_varlist(v);
}

static void test_includes(void)
{
	TMPL_varlist *v =
	    TMPL_add_var(NULL, "title", "A&B", "body", "text", (char *)NULL);

	/* relative to the including file, nested into a subdirectory */
	CHECK_INT(run(DIR "page.tmpl", NULL, NULL, v), 0);
	CHECK_STR(out_, "<h1>A&amp;B</h1>\n\n<p>text</p>\n"
	                "<footer>[leaf A%26B]</footer>\n\n");
	CHECK_STR(err_, "");
	/* a string template takes its include directory from filename */
	CHECK_STR(page("<TMPL_INCLUDE name=\"" DIR "header.tmpl\">", v),
	          "<h1>A&amp;B</h1>\n");
	CHECK_INT(run(DIR "virtual.tmpl",
	              "<TMPL_INCLUDE name=\"sub/leaf.tmpl\">|"
	              "<TMPL_INCLUDE name=\".../header.tmpl\"/>",
	              NULL, v),
	          0);
	CHECK_STR(out_, "[leaf A%26B]|<h1>A&amp;B</h1>\n");
	TMPL_free_varlist(v);
}

static TMPL_varlist *node(const char *label, TMPL_loop *children)
{
	TMPL_varlist *v = TMPL_add_var(NULL, "label", label, (char *)NULL);

	/* a leaf must hide its parent's "children" loop: an empty variable
	 * of the same name does that for TMPL_IF */
	if (!children)
		return TMPL_add_var(v, "children", "", (char *)NULL);
	return TMPL_add_loop(v, "children", children);
}

static void test_include_recursion(void)
{
	TMPL_loop *kids = TMPL_add_varlist(NULL, node("b", NULL));
	TMPL_varlist *tree;

	/* a template may include itself while the data is finite */
	kids = TMPL_add_varlist(
	    kids, node("c", TMPL_add_varlist(NULL, node("d", NULL))));
	tree = node("a", kids);
	CHECK_INT(run(DIR "tree.tmpl", NULL, NULL, tree), 0);
	CHECK_STR(out_, "a(bc(d))");
	TMPL_free_varlist(tree);

	CHECK_INT(run(DIR "self.tmpl", NULL, NULL, NULL), -1);
	CHECK_STR(out_, "");
	CHECK_STR(err_, DIR "self.tmpl:2: <TMPL_INCLUDE name=\"self.tmpl\"> "
	                    "nests includes deeper than 30 (recursive "
	                    "include?)\n");
}

static void test_include_errors(void)
{
	CHECK_INT(run(DIR "missing_inc.tmpl", NULL, NULL, NULL), -1);
	CHECK_STR(out_, "");
	CHECK_STR(err_, DIR "missing_inc.tmpl:2: <TMPL_INCLUDE "
	                    "name=\"no-such-file.tmpl\"> cannot read \"" DIR
	                    "no-such-file.tmpl\": No such file or directory\n");
	CHECK_INT(run(DIR "bad_inc.tmpl", NULL, NULL, NULL), -1);
	CHECK_STR(out_, "");
	CHECK_STR(err_, DIR "bad_inc.tmpl:3: <TMPL_INCLUDE name=\"bad.tmpl\"> "
	                    "includes a bad template: " DIR
	                    "bad.tmpl:2: <TMPL_LOOP name=\"cps\"> is never "
	                    "closed\n");
	CHECK_INT(run(DIR "bad.tmpl", NULL, NULL, NULL), -1);
	CHECK_STR(err_, DIR "bad.tmpl:2: <TMPL_LOOP name=\"cps\"> is never "
	                    "closed\n");
	CHECK_INT(run(DIR "nothing-here.tmpl", NULL, NULL, NULL), -1);
	CHECK_STR(err_, DIR "nothing-here.tmpl: cannot read template: No such "
	                    "file or directory\n");
	CHECK_INT(run(DIR "sub", NULL, NULL, NULL), -1);
	CHECK_STR(err_, DIR "sub: cannot read template: Is a directory\n");
	CHECK_INT(run(NULL, NULL, NULL, NULL), -1);
	CHECK_STR(err_, "TMPL_render: no template given\n");
}

static void test_comments_and_continuation(void)
{
	TMPL_varlist *v = TMPL_add_var(NULL, "x", "1", (char *)NULL);

	CHECK_STR(page("a<* a comment\n<TMPL_VAR x> *>b", v), "ab");
	CHECK_STR(page("a<TMPL_COMMENT> <TMPL_FOO> <TMPL_IF x>"
	               "</TMPL_COMMENT>b<!-- TMPL_COMMENT -->"
	               "<TMPL_VAR x><!-- /TMPL_COMMENT -->c",
	               v),
	          "abc");
	/* a trailing backslash joins lines; a doubled one is kept once */
	CHECK_STR(page("one \\\ntwo \\\r\nthree\\\\\nfour \\ five", v),
	          "one two three\\\nfour \\ five");
	/* line numbers still count the lines hidden in comments */
	CHECK_STR(page("<* 1\n2\n*>\n<TMPL_COMMENT>\n</TMPL_COMMENT>\n"
	               "<TMPL_ELSE>",
	               v),
	          "ERR: t.tmpl:6: <TMPL_ELSE> has no matching <TMPL_IF>\n");
	TMPL_free_varlist(v);
}

static void test_syntax_errors(void)
{
	static const struct {
		const char *tmpl, *err;
	} cases[] = {
	    {"<ul>\n<TMPL_LOOP name=\"cps\">\n<li>\n</ul>",
	     "t.tmpl:2: <TMPL_LOOP name=\"cps\"> is never closed"},
	    {"x\n\n<TMPL_IF a>\n<TMPL_LOOP b></TMPL_LOOP>",
	     "t.tmpl:3: <TMPL_IF a> is never closed"},
	    {"x\n</TMPL_IF>", "t.tmpl:2: </TMPL_IF> has no matching "
	                      "<TMPL_IF>"},
	    {"</TMPL_LOOP >", "t.tmpl:1: </TMPL_LOOP > has no matching "
	                      "<TMPL_LOOP>"},
	    {"<TMPL_IF a>\n<TMPL_LOOP b>\n</TMPL_IF>",
	     "t.tmpl:3: </TMPL_IF> found while <TMPL_LOOP b> (line 2) is "
	     "still open"},
	    {"<TMPL_ELSE>", "t.tmpl:1: <TMPL_ELSE> has no matching "
	                    "<TMPL_IF>"},
	    {"<TMPL_IF a>1<TMPL_ELSE>2<TMPL_ELSIF b>3</TMPL_IF>",
	     "t.tmpl:1: <TMPL_ELSIF b> comes after the <TMPL_ELSE> of this "
	     "<TMPL_IF>"},
	    {"<TMPL_IF a>1<TMPL_ELSE>2<TMPL_ELSE>3</TMPL_IF>",
	     "t.tmpl:1: <TMPL_ELSE> comes after the <TMPL_ELSE> of this "
	     "<TMPL_IF>"},
	    {"<TMPL_LOOP a><TMPL_ELSE></TMPL_LOOP>",
	     "t.tmpl:1: <TMPL_ELSE> found while <TMPL_LOOP a> (line 1) is "
	     "still open"},
	    {"a\nb <TMPL_FOO name=\"x\"> c",
	     "t.tmpl:2: <TMPL_FOO name=\"x\"> is not a known tag"},
	    {"</TMPL_VAR>", "t.tmpl:1: </TMPL_VAR> is not a known tag"},
	    {"<TMPL_VARS x>", "t.tmpl:1: <TMPL_VARS x> is not a known tag"},
	    {"<TMPL_VAR fmt=\"raw\">",
	     "t.tmpl:1: <TMPL_VAR fmt=\"raw\"> has no name= attribute"},
	    {"<TMPL_LOOP name=\"\">",
	     "t.tmpl:1: <TMPL_LOOP name=\"\"> has no name= attribute"},
	    {"<TMPL_INCLUDE>", "t.tmpl:1: <TMPL_INCLUDE> has no name= "
	                       "attribute"},
	    {"<TMPL_VAR name=\"x\"", "t.tmpl:1: <TMPL_VAR name=\"x\" is not "
	                             "terminated (expected \">\")"},
	    {"<p>\n<TMPL_VAR name=\"x\"\n</p>",
	     "t.tmpl:2: <TMPL_VAR name=\"x\" is not terminated (expected "
	     "\">\")"},
	    {"<!-- TMPL_VAR x >", "t.tmpl:1: <!-- TMPL_VAR x is not "
	                          "terminated (expected \"-->\")"},
	    {"<TMPL_VAR name=\"x>", "t.tmpl:1: <TMPL_VAR name=\"x> has an "
	                            "unterminated quoted value"},
	    {"<TMPL_VAR name=\"x\" escape=\"html\">",
	     "t.tmpl:1: <TMPL_VAR name=\"x\" escape=\"html\"> does not take "
	     "the escape= attribute"},
	    {"<TMPL_VAR name=\"x\" value=\"1\">",
	     "t.tmpl:1: <TMPL_VAR name=\"x\" value=\"1\"> does not take the "
	     "value= attribute"},
	    {"<TMPL_VAR name=\"x\" name=\"y\">",
	     "t.tmpl:1: <TMPL_VAR name=\"x\" name=\"y\"> has name= twice"},
	    {"<TMPL_VAR x y>", "t.tmpl:1: <TMPL_VAR x y> has name= twice"},
	    {"<TMPL_ELSE x>", "t.tmpl:1: <TMPL_ELSE x> has a stray \"x\""},
	    {"<TMPL_VAR name=>", "t.tmpl:1: <TMPL_VAR name=> has no value "
	                         "after name="},
	    {"<TMPL_VAR\"x\">", "t.tmpl:1: <TMPL_VAR\"x\"> needs a space "
	                        "after the tag name"},
	    {"x\n<TMPL_BREAK>", "t.tmpl:2: <TMPL_BREAK> is not inside a "
	                        "<TMPL_LOOP> of this file"},
	    {"<TMPL_LOOP a><TMPL_CONTINUE level=2></TMPL_LOOP>",
	     "t.tmpl:1: <TMPL_CONTINUE level=2> level must be between 1 "
	     "and 1 here"},
	    {"<TMPL_LOOP a><TMPL_BREAK level=\"x\"></TMPL_LOOP>",
	     "t.tmpl:1: <TMPL_BREAK level=\"x\"> level must be between 1 "
	     "and 1 here"},
	    {"<TMPL_IF a/>", "t.tmpl:1: <TMPL_IF a/> cannot be "
	                     "self-closing"},
	    {"a\n<* never\nclosed", "t.tmpl:2: <* comment is never closed "
	                            "(no \"*>\")"},
	    {"<TMPL_COMMENT>\n<TMPL_VAR x>",
	     "t.tmpl:1: <TMPL_COMMENT> is never closed"},
	    {"</TMPL_COMMENT>", "t.tmpl:1: </TMPL_COMMENT> has no matching "
	                        "<TMPL_COMMENT>"},
	    {"<TMPL_VAR name=\"a-very-long-variable-name-that-goes-on\" "
	     "default=\"and on and on\" fmt=\"nope\">",
	     "t.tmpl:1: <TMPL_VAR name=\"a-very-long-variable-name-that-"
	     "goes-on\" defa... uses unknown fmt \"nope\""},
	};
	TMPL_varlist *v = TMPL_add_var(NULL, "a", "1", (char *)NULL);
	char want[512];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		CHECK_INT(run("t.tmpl", cases[i].tmpl, NULL, v), -1);
		CHECK_STR(out_, "");
		snprintf(want, sizeof want, "%s\n", cases[i].err);
		CHECK_STR(err_, want);
	}
	/* without a filename the string is called "(string)" */
	CHECK_INT(run(NULL, "\n<TMPL_ELSE>", NULL, v), -1);
	CHECK_STR(err_, "(string):2: <TMPL_ELSE> has no matching <TMPL_IF>\n");
	TMPL_free_varlist(v);
}

static void test_render_buffer_api(void)
{
	TMPL_varlist *v = TMPL_add_var(NULL, "x", "<1>", (char *)NULL);
	char err[64] = "junk", *buf = (char *)"junk";
	size_t len = 99;

	CHECK_INT(TMPL_render(NULL, "[<TMPL_VAR x>]", NULL, v, NULL, &buf, &len,
	                      err, sizeof err),
	          0);
	CHECK_STR(buf, "[&lt;1&gt;]");
	CHECK_INT(len, 11);
	free(buf);
	/* a long message is cut to fit err */
	CHECK_INT(TMPL_render("a-rather-long-file-name.tmpl", "</TMPL_IF>",
	                      NULL, v, NULL, &buf, &len, err, 20),
	          -1);
	CHECK(buf == NULL);
	CHECK_INT(len, 0);
	CHECK_STR(err, "a-rather-long-file-");
	/* no err buffer at all is allowed */
	CHECK_INT(
	    TMPL_render(NULL, "</TMPL_IF>", NULL, v, NULL, &buf, &len, NULL, 0),
	    -1);
	/* NULL out and errout just drop the page or the message */
	CHECK_INT(TMPL_write(NULL, "x", NULL, v, NULL, NULL), 0);
	CHECK_INT(TMPL_write(NULL, "</TMPL_IF>", NULL, v, NULL, NULL), -1);
	TMPL_free_varlist(v);
}

static void test_varlist_api(void)
{
	TMPL_varlist *v = TMPL_add_var(NULL, (char *)NULL), *r1, *r2, *big;
	TMPL_loop *l, *l2;
	char name[16], val[16];

	CHECK(v == NULL);
	/* the values are copied */
	snprintf(val, sizeof val, "first");
	v = TMPL_add_var(NULL, "a", val, "b", "2", (char *)NULL);
	snprintf(val, sizeof val, "changed");
	CHECK_STR(page("<TMPL_VAR a><TMPL_VAR b>", v), "first2");
	/* a NULL value ends the list (use "" for empty) */
	v = TMPL_add_var(v, "c", "3", "d", (char *)NULL, "e", "5",
	                 (char *)NULL);
	CHECK_STR(page("<TMPL_VAR c>|<TMPL_VAR d>|<TMPL_VAR e>", v), "3||");
	/* the last value added wins, in short and in indexed lists */
	v = TMPL_add_var(v, "a", "again", (char *)NULL);
	CHECK_STR(page("<TMPL_VAR a>", v), "again");
	big = NULL;
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof name, "v%d", i % 40);
		snprintf(val, sizeof val, "%d", i);
		big = TMPL_add_var(big, name, val, (char *)NULL);
	}
	CHECK_STR(page("<TMPL_VAR v0> <TMPL_VAR v39> <TMPL_VAR v19> "
	               "<TMPL_VAR v40>.",
	               big),
	          "80 79 99 .");

	/* rows and loops have one owner; a second attach is refused */
	r1 = row("1", "x");
	r2 = row("2", "y");
	l = TMPL_add_varlist(NULL, r1);
	CHECK(TMPL_add_varlist(l, r1) == l);
	l = TMPL_add_varlist(l, r2);
	l2 = TMPL_add_varlist(NULL, r1); /* r1 already belongs to l */
	CHECK(l2 == NULL);
	v = TMPL_add_loop(v, "l", l);
	CHECK(TMPL_add_loop(big, "l", l) == big);
	CHECK_STR(page("<TMPL_LOOP l><TMPL_VAR a></TMPL_LOOP>", v), "12");
	CHECK_STR(page("<TMPL_LOOP l>x</TMPL_LOOP>", big), "");
	/* a loop cannot be hung below one of its own rows */
	l2 = TMPL_add_varlist(NULL, row("3", "z"));
	r1 = TMPL_add_loop(r1, "inner", l2);
	CHECK(TMPL_add_loop(TMPL_add_var(NULL, (char *)NULL), "x", l2) == NULL);
	CHECK(TMPL_add_varlist(l2, v) == l2); /* v holds l2 */
	CHECK_STR(page("<TMPL_LOOP l><TMPL_LOOP inner><TMPL_VAR a>"
	               "</TMPL_LOOP></TMPL_LOOP>",
	               v),
	          "3");
	/* freeing a row is ignored: its loop owns it */
	TMPL_free_varlist(r1);
	TMPL_free_varlist(NULL);
	CHECK_STR(page("<TMPL_LOOP l><TMPL_VAR b></TMPL_LOOP>", v), "xy");
	TMPL_free_varlist(v);
	TMPL_free_varlist(big);
	TMPL_free_fmtlist(NULL);
	CHECK(TMPL_add_fmt(NULL, NULL, fmt_kwh) == NULL);
	CHECK(TMPL_add_fmt(NULL, "x", NULL) == NULL);
}

static int write_file(const char *path, const char *text, time_t mtime)
{
	struct timeval tv[2] = {{mtime, 0}, {mtime, 0}};
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		return -1;
	return utimes(path, tv);
}

static void test_cache_reparse(void)
{
	char dir[] = "/tmp/test_tmpl.XXXXXX", top[64], inc[64];
	TMPL_varlist *v = TMPL_add_var(NULL, "x", "X", (char *)NULL);
	time_t t0 = 1700000000;
	int rc = 0;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(top, sizeof top, "%s/top.tmpl", dir);
	snprintf(inc, sizeof inc, "%s/inc.tmpl", dir);
	CHECK_INT(write_file(top, "A<TMPL_VAR x><TMPL_INCLUDE inc.tmpl>", t0),
	          0);
	CHECK_INT(write_file(inc, "[one]", t0), 0);
	rc |= run(top, NULL, NULL, v);
	CHECK_STR(out_, "AX[one]");

	/* same size and mtime: the cached parse is used, file not re-read */
	CHECK_INT(write_file(top, "B<TMPL_VAR x><TMPL_INCLUDE inc.tmpl>", t0),
	          0);
	rc |= run(top, NULL, NULL, v);
	CHECK_STR(out_, "AX[one]");
	/* a new mtime re-parses */
	CHECK_INT(
	    write_file(top, "B<TMPL_VAR x><TMPL_INCLUDE inc.tmpl>", t0 + 1), 0);
	rc |= run(top, NULL, NULL, v);
	CHECK_STR(out_, "BX[one]");
	/* an included file is checked too, and a size change is enough */
	CHECK_INT(write_file(inc, "[two!]", t0), 0);
	rc |= run(top, NULL, NULL, v);
	CHECK_STR(out_, "BX[two!]");
	CHECK_INT(rc, 0);
	/* breaking a cached template is noticed, and so is the repair */
	CHECK_INT(write_file(inc, "<TMPL_IF x>", t0 + 2), 0);
	CHECK_INT(run(top, NULL, NULL, v), -1);
	CHECK(strstr(err_, "inc.tmpl:1: <TMPL_IF x> is never closed") != NULL);
	CHECK_INT(write_file(inc, "[three]", t0 + 3), 0);
	CHECK_INT(run(top, NULL, NULL, v), 0);
	CHECK_STR(out_, "BX[three]");
	/* after clearing, the file is read again even if it looks the same */
	CHECK_INT(write_file(inc, "[THREE]", t0 + 3), 0);
	CHECK_INT(run(top, NULL, NULL, v), 0);
	CHECK_STR(out_, "BX[three]");
	TMPL_clear_cache();
	CHECK_INT(run(top, NULL, NULL, v), 0);
	CHECK_STR(out_, "BX[THREE]");
	/* a deleted file is an error, not a stale page */
	CHECK_INT(unlink(inc), 0);
	CHECK_INT(run(top, NULL, NULL, v), -1);
	CHECK(strstr(err_, "No such file or directory") != NULL);
	CHECK_INT(unlink(top), 0);
	CHECK_INT(rmdir(dir), 0);
	TMPL_free_varlist(v);
}

/* A template rendering (as a fmt) another: refused, not a crash. */
static void fmt_nested(const char *value, FILE *out)
{
	if (TMPL_write(NULL, value, NULL, NULL, out, out) == -1)
		fputs("refused", out);
}

static void test_reentry_refused(void)
{
	TMPL_fmtlist *f = TMPL_add_fmt(NULL, "nested", fmt_nested);
	TMPL_varlist *v = TMPL_add_var(NULL, "x", "inner", (char *)NULL);

	CHECK_INT(run(NULL, "<TMPL_VAR x fmt=nested>", f, v), 0);
	CHECK_STR(out_, "TMPL_render: called from inside a format function\n"
	                "refused");
	TMPL_free_fmtlist(f);
	TMPL_free_varlist(v);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The overview page's shape: 1,000 charge points x 15 variables.  Timing
 * goes to stderr; only the output is asserted. */
static void test_thousand_rows(void)
{
	static const char *const names[15] = {
	    "id",     "vendor", "model", "fw",  "status", "conn", "err", "seen",
	    "energy", "power",  "tx",    "tag", "since",  "url",  "note"};
	const char *t = "<h1><TMPL_VAR site></h1><table>\n"
	                "<TMPL_LOOP cps><tr><td><TMPL_VAR id></td>"
	                "<td><TMPL_VAR vendor> <TMPL_VAR model> "
	                "<TMPL_VAR fw></td><TMPL_IF status value=\"Charging\">"
	                "<td class=c><TMPL_ELSE><td></TMPL_IF>"
	                "<TMPL_VAR status></td><td><TMPL_VAR conn>"
	                "<TMPL_VAR err><TMPL_VAR seen><TMPL_VAR energy "
	                "fmt=\"raw\"><TMPL_VAR power><TMPL_VAR tx>"
	                "<TMPL_VAR tag><TMPL_VAR since><TMPL_VAR url "
	                "fmt=url><TMPL_VAR note><TMPL_VAR site></td></tr>\n"
	                "</TMPL_LOOP></table>";
	double t0 = now_ms(), t1, t2;
	TMPL_varlist *top =
	    TMPL_add_var(NULL, "site", "Depot & Co", (char *)NULL);
	TMPL_loop *cps = NULL;
	char val[32], *buf, err[256];
	size_t len;
	int rc;

	for (int i = 0; i < 1000; i++) {
		TMPL_varlist *r = NULL;

		for (int k = 0; k < 15; k++) {
			snprintf(val, sizeof val, "%s-%d", names[k], i);
			if (k == 4)
				snprintf(val, sizeof val, "%s",
				         i % 2 ? "Charging" : "Available");
			r = TMPL_add_var(r, names[k], val, (char *)NULL);
		}
		cps = TMPL_add_varlist(cps, r);
	}
	top = TMPL_add_loop(top, "cps", cps);
	t1 = now_ms();
	rc = TMPL_render("overview.tmpl", t, NULL, top, NULL, &buf, &len, err,
	                 sizeof err);
	t2 = now_ms();
	fprintf(stderr,
	        "test_tmpl: 1000 rows x 15 vars: build %.2f ms, "
	        "render %.2f ms, %zu bytes\n",
	        t1 - t0, t2 - t1, len);
	CHECK_INT(rc, 0);
	CHECK(strstr(buf, "<tr><td>id-0</td><td>vendor-0 model-0 fw-0</td>"
	                  "<td>Available</td>") != NULL);
	CHECK(strstr(buf, "<td class=c>Charging</td><td>conn-999err-999"
	                  "seen-999energy-999power-999tx-999tag-999since-999"
	                  "url-999note-999Depot &amp; Co</td></tr>\n"
	                  "</table>") != NULL);
	free(buf);
	TMPL_free_varlist(top);
}

int main(void)
{
	RUN(test_var_spellings);
	RUN(test_missing_and_default);
	RUN(test_escaping_is_the_default);
	RUN(test_builtin_formats);
	RUN(test_custom_formats);
	RUN(test_if_truth);
	RUN(test_elsif_chain);
	RUN(test_loops_and_scopes);
	RUN(test_break_continue);
	RUN(test_includes);
	RUN(test_include_recursion);
	RUN(test_include_errors);
	RUN(test_comments_and_continuation);
	RUN(test_syntax_errors);
	RUN(test_render_buffer_api);
	RUN(test_varlist_api);
	RUN(test_cache_reparse);
	RUN(test_reentry_refused);
	RUN(test_thousand_rows);
	TMPL_clear_cache();
	CHECK_EXIT();
}
