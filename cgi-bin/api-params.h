/*
 * api-params.h — query parameters of the REST API, checked strictly.
 *
 * The api_parse_* functions are pure (the unit tests call them).  The
 * param_*_or_400 functions read one parameter of the request and, when it
 * is malformed, answer 400 naming it and return -1: callers just return.
 * An empty value ("status=", as an HTML form sends for an empty field)
 * counts as absent.
 */
#ifndef CSMS_API_PARAMS_H
#define CSMS_API_PARAMS_H

#include <stdint.h>

#include "api.h"

/* A whole decimal number in min..max: 0, -1 not a whole number (empty,
 * "1.5", "abc", "1e3", " 1"), -2 outside the range. */
int api_parse_int(const char *s, long long min, long long max, long long *out);

/*
 * A point in time from a query parameter: "YYYY-MM-DD" or an ISO 8601
 * date-time (see time_parse_iso8601).  A '+' offset that arrived as a
 * space (an unencoded '+' in a query string) is read as '+'.  As the end
 * of a range (end = 1) the result is exclusive: a date means the end of
 * that day, a date-time includes its own millisecond.  0 or -1.
 */
int api_parse_time(const char *s, int end, int64_t *ms);

/* The value, or def when absent.  0, or -1 after answering 400. */
int param_int_or_400(struct api_req *r, const char *name, long long def,
                     long long min, long long max, long long *out);

/* *present says whether the parameter was given. */
int param_time_or_400(struct api_req *r, const char *name, int end, int64_t *ms,
                      int *present);

/* The index of the value in choices (NULL terminated), -1 when absent;
 * -2 after answering 400. */
int param_choice_or_400(struct api_req *r, const char *name,
                        const char *const *choices);

/* The value (NULL when absent); -1 after answering 400 when it is longer
 * than maxlen characters. */
int param_str_or_400(struct api_req *r, const char *name, size_t maxlen,
                     const char **out);

#endif
