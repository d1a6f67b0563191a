/*
 * test_param.c — the query parameter library the API and the dashboard
 * share (cgi-bin/param.c): the strict parsers, the one LIKE escaper and
 * the param_*_or_400 family with a callback that records the 400.
 */
#include "../../cgi-bin/param.h"

#include "check.h"

static void whole_numbers(void)
{
	long long v = 0;
	CHECK_INT(param_parse_int("1", 1, 10, &v), 0);
	CHECK_INT(v, 1);
	CHECK_INT(param_parse_int("10", 1, 10, &v), 0);
	CHECK_INT(v, 10);
	CHECK_INT(param_parse_int("0", 0, 10, &v), 0);
	CHECK_INT(v, 0);
	CHECK_INT(param_parse_int("-5", -10, 10, &v), 0);
	CHECK_INT(v, -5);
	CHECK_INT(param_parse_int("0", 1, 10, &v), -2);
	CHECK_INT(param_parse_int("-1", 1, 10, &v), -2);
	CHECK_INT(param_parse_int("11", 1, 10, &v), -2);
	CHECK_INT(param_parse_int("99999999999999999999", 1, 10, &v), -2);
	CHECK_INT(param_parse_int("-99999999999999999999", 1, 10, &v), -2);
	v = 7;
	/* One spelling per number: the API read "007" as 7 where the
	 * dashboard refused "01"; both refuse leading zeros now. */
	const char *bad[] = {"",   "-",   "1.5", "abc",  "1e3",
	                     " 1", "1 ",  "+1",  "0x10", "1a",
	                     "01", "007", "00",  "-0",   "-01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (param_parse_int(bad[i], -10, 10, &v) != -1)
			CHECK_FAIL_("\"%s\" is not -1", bad[i]);
	CHECK_INT(param_parse_int(NULL, 1, 10, &v), -1);
	CHECK_INT(v, 7); /* untouched by failures */
}

static void dates_and_times(void)
{
	int64_t ms = 0;
	CHECK_INT(param_parse_date("2024-02-29", &ms), 0);
	CHECK_INT(ms, 1709164800000LL);
	CHECK_INT(param_parse_date("1970-01-01", &ms), 0);
	CHECK_INT(ms, 0);
	const char *bad[] = {"2023-02-29", "2024-13-01", "2024-00-10",
	                     "2024-04-31", "2024-1-01",  "2024-01-01T00:00",
	                     "1969-12-31", "abcd-ef-gh", "",
	                     "2024/01/01"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (param_parse_date(bad[i], &ms) == 0)
			CHECK_FAIL_("accepted \"%s\"", bad[i]);

	CHECK_INT(param_parse_time("2024-03-01", 0, &ms), 0);
	CHECK_INT(ms, 1709251200000LL);
	/* As an end, a date is the whole day: exclusive next midnight. */
	CHECK_INT(param_parse_time("2024-03-01", 1, &ms), 0);
	CHECK_INT(ms, 1709251200000LL + 86400000);
	/* A date-time end includes its own millisecond. */
	CHECK_INT(param_parse_time("2024-03-01T00:00:00.123Z", 1, &ms), 0);
	CHECK_INT(ms, 1709251200124LL);
	CHECK_INT(param_parse_time("2024-03-01T01:00:00+01:00", 0, &ms), 0);
	CHECK_INT(ms, 1709251200000LL);
	/* An unencoded '+' arrives as a space. */
	CHECK_INT(param_parse_time("2024-03-01T01:00:00 01:00", 0, &ms), 0);
	CHECK_INT(ms, 1709251200000LL);
	CHECK_INT(param_parse_time("2024-03-01 00:00:00", 0, &ms), 0);
	CHECK_INT(ms, 1709251200000LL);
	const char *badt[] = {
	    "",          "2024",        "2024-3-1",    "2024-02-30",
	    "yesterday", "2024-03-01T", "2024-03-01x", "1969-12-31"};
	for (size_t i = 0; i < sizeof badt / sizeof badt[0]; i++)
		if (param_parse_time(badt[i], 0, &ms) != -1)
			CHECK_FAIL_("accepted \"%s\"", badt[i]);
}

static void text(void)
{
	CHECK(param_text_ok("CP_1 Ünïcödé ⚡\tx"));
	CHECK(param_text_ok(""));
	CHECK(!param_text_ok("a\nb"));
	CHECK(!param_text_ok("\x7f"));
	CHECK(!param_text_ok("\xc3"));         /* truncated sequence */
	CHECK(!param_text_ok("\xc0\xaf"));     /* overlong "/" */
	CHECK(!param_text_ok("\xed\xa0\x80")); /* surrogate */
	CHECK(!param_text_ok("\xf4\x90\x80\x80"));
	CHECK_INT(param_chars("Ünï ⚡"), 5);
	CHECK_INT(param_chars(""), 0);
}

/* One escaper for both kinds of pattern, always with '!' (the SQL says
 * ESCAPE '!'): a backslash is an ordinary character, so the pattern
 * means the same under NO_BACKSLASH_ESCAPES. */
static void like_patterns(void)
{
	char out[16];
	CHECK_INT(param_like("CP_1", PARAM_LIKE_PREFIX, out, sizeof out), 0);
	CHECK_STR(out, "CP!_1%");
	CHECK_INT(param_like("a%b!c", PARAM_LIKE_PREFIX, out, sizeof out), 0);
	CHECK_STR(out, "a!%b!!c%");
	CHECK_INT(param_like("", PARAM_LIKE_PREFIX, out, sizeof out), 0);
	CHECK_STR(out, "%");
	CHECK_INT(
	    param_like("0123456789abcde", PARAM_LIKE_PREFIX, out, sizeof out),
	    -1);
	CHECK_INT(param_like("__________", PARAM_LIKE_PREFIX, out, sizeof out),
	          -1);

	CHECK_INT(param_like("a%b_c\\", PARAM_LIKE_CONTAINS, out, sizeof out),
	          0);
	CHECK_STR(out, "%a!%b!_c\\%");
	CHECK_INT(param_like("", PARAM_LIKE_CONTAINS, out, sizeof out), 0);
	CHECK_STR(out, "%%");
	CHECK_INT(
	    param_like("0123456789abcd", PARAM_LIKE_CONTAINS, out, sizeof out),
	    -1);
	CHECK_INT(param_like("x", PARAM_LIKE_CONTAINS, out, 0), -1);
	CHECK_STR(PARAM_LIKE_ESCAPE, "ESCAPE '!'");
}

/* A request with one parameter and a callback that records the 400. */
struct fake {
	struct cgi_req cgi;
	struct param_src src;
	int bad;
	char name[32], why[128];
};

static void record(void *ctx, const char *name, const char *why)
{
	struct fake *f = ctx;
	f->bad++;
	snprintf(f->name, sizeof f->name, "%s", name);
	snprintf(f->why, sizeof f->why, "%s", why);
}

static void fake(struct fake *f, const char *name, const char *value)
{
	memset(f, 0, sizeof *f);
	f->cgi.params[0] = (struct cgi_param){(char *)name, (char *)value};
	f->cgi.nparams = 1;
	f->src = (struct param_src){&f->cgi, record, f};
}

static void readers_answer_400_once(void)
{
	struct fake f;
	long long v = 0;
	const char *s = NULL;
	int64_t ms;
	int present;

	fake(&f, "page", "3");
	CHECK_INT(param_int_or_400(&f.src, "page", 1, 1, 9, &v), 0);
	CHECK_INT(v, 3);
	CHECK_INT(param_int_or_400(&f.src, "per_page", 20, 1, 500, &v), 0);
	CHECK_INT(v, 20);
	CHECK_INT(f.bad, 0);
	fake(&f, "page", ""); /* empty is absent */
	CHECK_INT(param_int_or_400(&f.src, "page", 1, 1, 9, &v), 0);
	CHECK_INT(v, 1);
	fake(&f, "page", "01");
	CHECK_INT(param_int_or_400(&f.src, "page", 1, 1, 9, &v), -1);
	CHECK_INT(f.bad, 1);
	CHECK_STR(f.name, "page");
	CHECK_STR(f.why, "must be a whole number");
	fake(&f, "page", "10");
	CHECK_INT(param_int_or_400(&f.src, "page", 1, 1, 9, &v), -1);
	CHECK_STR(f.why, "must be between 1 and 9");

	static const char *const st[] = {"active", "completed", NULL};
	fake(&f, "status", "completed");
	CHECK_INT(param_choice_or_400(&f.src, "status", st), 1);
	CHECK_INT(param_choice_or_400(&f.src, "other", st), -1);
	fake(&f, "status", "done");
	CHECK_INT(param_choice_or_400(&f.src, "status", st), -2);
	CHECK_STR(f.why, "must be one of: active, completed");

	fake(&f, "from", "2024-03-01");
	CHECK_INT(param_time_or_400(&f.src, "from", 0, &ms, &present), 0);
	CHECK_INT(present, 1);
	CHECK_INT(ms, 1709251200000LL);
	CHECK_INT(param_date_or_400(&f.src, "from", &ms, &present), 0);
	CHECK_INT(param_date_or_400(&f.src, "to", &ms, &present), 0);
	CHECK_INT(present, 0);
	fake(&f, "from", "2024-03-01T00:00:00Z");
	CHECK_INT(param_date_or_400(&f.src, "from", &ms, &present), -1);
	CHECK_INT(f.bad, 1);

	/* Text: characters, not bytes; the default when absent. */
	fake(&f, "q", "ÜÜÜ");
	CHECK_INT(param_text_or_400(&f.src, "q", 3, NULL, &s), 0);
	CHECK_STR(s, "ÜÜÜ");
	CHECK_INT(param_text_or_400(&f.src, "x", 3, "", &s), 0);
	CHECK_STR(s, "");
	CHECK_INT(param_text_or_400(&f.src, "x", 3, NULL, &s), 0);
	CHECK(s == NULL);
	CHECK_INT(param_text_or_400(&f.src, "q", 2, NULL, &s), -1);
	CHECK_STR(f.why, "is longer than 2 characters");
	fake(&f, "q", "a\x01");
	CHECK_INT(param_text_or_400(&f.src, "q", 10, NULL, &s), -1);
	CHECK_STR(f.why, "is not valid text");
}

int main(void)
{
	RUN(whole_numbers);
	RUN(dates_and_times);
	RUN(text);
	RUN(like_patterns);
	RUN(readers_answer_400_once);
	CHECK_EXIT();
}
