/*
 * test_cgi_query.c — the query-string parser every API and dashboard
 * request goes through.
 */
#include "../../cgi-bin/cgi.h"
#include "check.h"

#include <stdlib.h>

static void decodes_pairs(void)
{
	struct cgi_param p[8];
	char *buf;
	int trunc;
	int n = cgi_parse_query("page=2&q=CP%5F1&name=a+b&flag&x=%zz", p, 8,
	                        &buf, &trunc);
	int ok = n == 5 && !strcmp(p[0].name, "page") &&
	         !strcmp(p[0].value, "2") && !strcmp(p[1].value, "CP_1") &&
	         !strcmp(p[2].value, "a b") && !strcmp(p[3].name, "flag") &&
	         !strcmp(p[3].value, "") && !strcmp(p[4].value, "%zz") &&
	         !trunc;
	free(buf);
	CHECK(ok);
}

static void empty_and_separators(void)
{
	struct cgi_param p[4];
	char *buf;
	int trunc;
	CHECK_INT(cgi_parse_query("", p, 4, &buf, &trunc), 0);
	free(buf);
	CHECK_INT(cgi_parse_query("&&;a=1;;", p, 4, &buf, &trunc), 1);
	free(buf);
	CHECK_INT(cgi_parse_query(NULL, p, 4, &buf, &trunc), 0);
	free(buf);
}

static void too_many_params_are_flagged(void)
{
	struct cgi_param p[2];
	char *buf;
	int trunc;
	int n = cgi_parse_query("a=1&b=2&c=3", p, 2, &buf, &trunc);
	free(buf);
	CHECK_INT(n, 2);
	CHECK_INT(trunc, 1);
}

static void percent_decoding(void)
{
	char s[] = "%41%42%4 %%+x%2b";
	CHECK_INT(cgi_url_decode(s, 0), 0);
	CHECK_STR(s, "AB%4 %%+x+");
}

/* "DEMO%00XYZ" must never read as DEMO: the NUL stays encoded and the
 * request is refused. */
static void nul_is_refused_not_cut(void)
{
	char s[] = "DEMO%00XYZ";
	CHECK_INT(cgi_url_decode(s, 1), -1);
	CHECK_STR(s, "DEMO%00XYZ");
	struct cgi_param p[4];
	char *buf;
	int refused;
	int n =
	    cgi_parse_query("id_tag=DEMO%00XYZ&op=add", p, 4, &buf, &refused);
	CHECK_INT(n, 2);
	CHECK_INT(refused, CGI_QUERY_NUL);
	CHECK_STR(p[0].value, "DEMO%00XYZ");
	free(buf);
	n = cgi_parse_query("a%00=1", p, 4, &buf, &refused);
	free(buf);
	CHECK_INT(refused, CGI_QUERY_NUL);
	n = cgi_parse_query("a=%01", p, 4, &buf, &refused);
	free(buf);
	CHECK_INT(refused, CGI_QUERY_OK);
}

int main(void)
{
	RUN(decodes_pairs);
	RUN(nul_is_refused_not_cut);
	RUN(empty_and_separators);
	RUN(too_many_params_are_flagged);
	RUN(percent_decoding);
	CHECK_EXIT();
}
