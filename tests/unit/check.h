/*
 * check.h — the smallest test harness that does the job.
 *
 * Every test binary prints one line per test, "PASS name" or
 * "FAIL name: file:line: what", which scripts/test.sh counts.  A test stops
 * at its first failed CHECK so later checks never run on bad state.
 */
#ifndef CSMS_CHECK_H
#define CSMS_CHECK_H

#include <stdio.h>
#include <string.h>

static char check_msg_[1024];
static int check_failed_;
static int check_total_failed_;

#define CHECK_FAIL_(...)                                                       \
	do {                                                                   \
		snprintf(check_msg_, sizeof check_msg_, __VA_ARGS__);          \
		check_failed_ = 1;                                             \
		return;                                                        \
	} while (0)

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			CHECK_FAIL_("%s:%d: %s", __FILE__, __LINE__, #cond);   \
	} while (0)

#define CHECK_STR(a, b)                                                        \
	do {                                                                   \
		const char *check_a_ = (a), *check_b_ = (b);                   \
		if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_))      \
			CHECK_FAIL_("%s:%d: \"%.400s\" != \"%.400s\"",         \
			            __FILE__, __LINE__,                        \
			            check_a_ ? check_a_ : "(null)",            \
			            check_b_ ? check_b_ : "(null)");           \
	} while (0)

#define CHECK_INT(a, b)                                                        \
	do {                                                                   \
		long long check_a_ = (long long)(a);                           \
		long long check_b_ = (long long)(b);                           \
		if (check_a_ != check_b_)                                      \
			CHECK_FAIL_("%s:%d: %s == %lld, expected %lld",        \
			            __FILE__, __LINE__, #a, check_a_,          \
			            check_b_);                                 \
	} while (0)

#define RUN(fn)                                                                \
	do {                                                                   \
		check_failed_ = 0;                                             \
		fn();                                                          \
		if (check_failed_) {                                           \
			printf("FAIL %s: %s\n", #fn, check_msg_);              \
			check_total_failed_++;                                 \
		} else {                                                       \
			printf("PASS %s\n", #fn);                              \
		}                                                              \
		fflush(stdout);                                                \
	} while (0)

#define CHECK_EXIT() return check_total_failed_ ? 1 : 0

#endif
