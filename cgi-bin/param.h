/*
 * param.h — query parameters for the API and the dashboard, checked
 * strictly and the same way in both: a value that is not exactly what the
 * documentation says is a 400 naming the parameter, never a silent
 * default ("page=1.5" must not quietly become page 1).
 *
 * The param_parse_* and param_like_* functions are pure (the unit tests
 * call them).  The param_*_or_400 functions read one parameter of a
 * request and, when it is malformed, have the program answer 400 through
 * the source's bad() callback (a JSON error for the API, an error page for
 * the dashboard) and return -1: callers just return.  An empty value
 * ("status=", as an HTML form sends for an empty field) counts as absent.
 *
 * Integers: an optional '-' and decimal digits, without leading zeros
 * ("0" itself is fine): one spelling per number, so links, caches and logs
 * that compare parameters agree, and "010" is never read as eight by a
 * client and as ten by us.  No '+', spaces, fractions, exponents or hex.
 */
#ifndef CSMS_PARAM_H
#define CSMS_PARAM_H

#include <stddef.h>
#include <stdint.h>

#include "cgi.h"

/* Where parameters come from and how a bad one is answered. */
struct param_src {
	struct cgi_req *cgi;
	/* Answers 400 for parameter name; why completes the sentence that
	 * starts with the name ("must be between 1 and 10"). */
	void (*bad)(void *ctx, const char *name, const char *why);
	void *ctx;
};

/* A whole decimal number in min..max: 0; -1 not a whole number (empty,
 * "1.5", "abc", "1e3", " 1", "01"); -2 outside the range.  *out is
 * untouched on failure. */
int param_parse_int(const char *s, long long min, long long max,
                    long long *out);

/* A calendar date "YYYY-MM-DD" (1970..9999) to UTC ms at 00:00.  0 or -1. */
int param_parse_date(const char *s, int64_t *ms);

/*
 * A point in time: "YYYY-MM-DD" or an ISO 8601 date-time (see
 * time_parse_iso8601).  A '+' offset that arrived as a space (an
 * unencoded '+' in a query string) is read as '+'.  As the end of a range
 * (end = 1) the result is exclusive: a date means the end of that day, a
 * date-time includes its own millisecond.  0 or -1.
 */
int param_parse_time(const char *s, int end, int64_t *ms);

/* 1 when s is well-formed UTF-8 without control characters (other than
 * tab): text fit to search for and to show. */
int param_text_ok(const char *s);

/* Characters (not bytes) of UTF-8 text. */
size_t param_chars(const char *s);

/*
 * The LIKE escape character of every pattern below.  Always write
 * "LIKE ? " PARAM_LIKE_ESCAPE: without an explicit ESCAPE, MariaDB's
 * default '\' stops being one under NO_BACKSLASH_ESCAPES.
 */
#define PARAM_LIKE_ESCAPE "ESCAPE '!'"

enum param_like { PARAM_LIKE_PREFIX, PARAM_LIKE_CONTAINS };

/* A LIKE pattern matching every string that starts with (PREFIX) or
 * contains (CONTAINS) the text in, its % _ and ! escaped with '!'.  -1
 * when it does not fit in out (n bytes). */
int param_like(const char *in, enum param_like how, char *out, size_t n);

/* The value, or def when absent.  0, or -1 after answering 400. */
int param_int_or_400(const struct param_src *p, const char *name, long long def,
                     long long min, long long max, long long *out);

/* A date or date-time (param_parse_time); *present says whether the
 * parameter was given.  0, or -1 after answering 400. */
int param_time_or_400(const struct param_src *p, const char *name, int end,
                      int64_t *ms, int *present);

/* A date "YYYY-MM-DD" (param_parse_date); *present says whether it was
 * given.  0, or -1 after answering 400. */
int param_date_or_400(const struct param_src *p, const char *name, int64_t *ms,
                      int *present);

/* The index of the value in choices (NULL terminated), -1 when absent;
 * -2 after answering 400. */
int param_choice_or_400(const struct param_src *p, const char *name,
                        const char *const *choices);

/* The text (def when absent); -1 after answering 400 when it is longer
 * than maxchars characters or not text (param_text_ok). */
int param_text_or_400(const struct param_src *p, const char *name,
                      size_t maxchars, const char *def, const char **out);

#endif
