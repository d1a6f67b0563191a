/*
 * test_logquery.c — the message log's cursor and the pairing of CALLs
 * with their answers (cgi-bin/logquery.c, shared by the API and the
 * dashboard).
 */
#include "../../cgi-bin/logquery.h"
#include "check.h"

static void cursor_round_trip(void)
{
	const int64_t ts[] = {0, 1, 1764759600123LL, 253402300799999LL};
	const unsigned long long id[] = {1, 42, 999999999999ULL,
	                                 18446744073709551615ULL};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
		for (size_t j = 0; j < sizeof id / sizeof id[0]; j++) {
			char c[LOGQ_CURSOR_MAX];
			logq_cursor_encode(ts[i], id[j], c);
			CHECK(strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk"
			                "lmnopqrstuvwxyz0123456789-_") ==
			      strlen(c));
			int64_t t = -1;
			unsigned long long k = 0;
			CHECK_INT(logq_cursor_decode(c, &t, &k), 0);
			CHECK_INT(t, ts[i]);
			CHECK(k == id[j]);
		}
}

static void cursor_refuses_what_it_did_not_make(void)
{
	int64_t t = 7;
	unsigned long long k = 7;
	char c[LOGQ_CURSOR_MAX], bad[LOGQ_CURSOR_MAX];
	const char *junk[] = {
	    "",
	    "abc",
	    "!!!!",
	    "MS4xLjA",  /* 1.1.0 */
	    "MS4tMS4x", /* 1.-1.1 */
	    "Mi4xLjE",  /* 2.1.1 */
	    "MS4xLjF4", /* 1.1.1x */
	    "MS4xLjE=",
	    "MS4xLjE\n",
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};
	for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
		CHECK_INT(logq_cursor_decode(junk[i], &t, &k), -1);
		CHECK_INT(t, 7);
	}
	/* The good one, and every one-character change of it. */
	logq_cursor_encode(1764759600123LL, 77, c);
	CHECK_INT(logq_cursor_decode(c, &t, &k), 0);
	for (size_t i = 0; c[i]; i++) {
		memcpy(bad, c, sizeof c);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		int64_t t2;
		unsigned long long k2;
		if (!logq_cursor_decode(bad, &t2, &k2))
			CHECK(t2 != 1764759600123LL || k2 != 77);
	}
}

#define IN(type, id, ts)                                                       \
	{                                                                      \
		0, type, id, ts                                                \
	}
#define OUT(type, id, ts)                                                      \
	{                                                                      \
		1, type, id, ts                                                \
	}

static void pairs_calls_with_answers(void)
{
	/* Newest first, as a page is read. */
	const struct logq_pair_in rows[] = {
	    OUT(3, "b", 130), /* 0: answer to the CP's CALL b */
	    IN(2, "b", 120),  /* 1 */
	    IN(4, "x", 110),  /* 2: the CP's CALLERROR to our CALL x */
	    OUT(2, "x", 100), /* 3 */
	    IN(3, "a", 90),   /* 4: an answer whose CALL is off the page */
	    OUT(3, "c", 80),  /* 5: same id, same side as a CALL c: no */
	    OUT(2, "c", 70),  /* 6: answered by nothing here */
	    {0, 0, NULL, 60}, /* 7: a connect */
	};
	long pair[8];
	logq_pair(rows, 8, pair);
	CHECK_INT(pair[0], 1);
	CHECK_INT(pair[1], 0);
	CHECK_INT(pair[2], 3);
	CHECK_INT(pair[3], 2);
	CHECK_INT(pair[4], -1);
	CHECK_INT(pair[5], -1);
	CHECK_INT(pair[6], -1);
	CHECK_INT(pair[7], -1);
}

static void pairs_a_reused_id_with_the_next_answer(void)
{
	/* A charge point that reuses its ids: each CALL gets the first
	 * answer after it, never one from before. */
	const struct logq_pair_in rows[] = {
	    IN(2, "1", 10),  /* 0 */
	    OUT(3, "1", 11), /* 1 */
	    IN(2, "1", 20),  /* 2 */
	    OUT(4, "1", 25), /* 3 */
	    OUT(3, "1", 5),  /* 4: before both CALLs */
	};
	long pair[5];
	logq_pair(rows, 5, pair);
	CHECK_INT(pair[0], 1);
	CHECK_INT(pair[2], 3);
	CHECK_INT(pair[4], -1);
}

int main(void)
{
	RUN(cursor_round_trip);
	RUN(cursor_refuses_what_it_did_not_make);
	RUN(pairs_calls_with_answers);
	RUN(pairs_a_reused_id_with_the_next_answer);
	CHECK_EXIT();
}
