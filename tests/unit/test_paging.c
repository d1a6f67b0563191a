/*
 * test_paging.c — the page arithmetic of the transaction history
 * (cgi-bin/paging.c, shared by the API and the dashboard), checked against
 * a brute-force model.
 */
#include "../../cgi-bin/paging.h"
#include "check.h"

static void reverse_reads_the_same_rows(void)
{
	/* Newest-first position p is oldest-first position total-1-p: the
	 * rows read from the far end must be exactly the page. */
	for (long long total = 0; total <= 23; total++)
		for (long limit = 1; limit <= 7; limit++)
			for (long long off = 0; off <= total + 2; off++) {
				long long ao;
				long al;
				page_reverse(total, off, limit, &ao, &al);
				long long end =
				    off + limit < total ? off + limit : total;
				long want = off < total ? (long)(end - off) : 0;
				CHECK_INT(al, want);
				if (!al)
					continue;
				/* newest row of the page = last row read */
				CHECK_INT(total - 1 - (ao + al - 1), off);
				CHECK(ao >= 0);
			}
}

static void last_page_of_a_million(void)
{
	long long ao;
	long al;
	page_reverse(1000400, 1000350, 50, &ao, &al);
	CHECK_INT(ao, 0);
	CHECK_INT(al, 50);
	page_reverse(1000400, 500000, 50, &ao, &al);
	CHECK_INT(ao, 500350);
	CHECK_INT(al, 50);
}

static void locate_matches_a_walk(void)
{
	const long long counts[] = {3, 0, 5, 1, 0, 0, 4};
	size_t n = sizeof counts / sizeof counts[0];
	long long row = 0;
	for (size_t b = 0; b < n; b++)
		for (long long i = 0; i < counts[b]; i++, row++) {
			size_t got;
			long long inner;
			CHECK_INT(page_locate(counts, n, row, &got, &inner), 0);
			CHECK_INT(got, b);
			CHECK_INT(inner, i);
		}
	size_t got;
	long long inner;
	CHECK_INT(page_locate(counts, n, row, &got, &inner), -1);
	CHECK_INT(page_locate(counts, n, -1, &got, &inner), -1);
	CHECK_INT(page_locate(counts, 0, 0, &got, &inner), -1);
}

static void locate_ignores_negative_counts(void)
{
	/* A summary row can go below zero only through a bug elsewhere; it
	 * must not move pages backwards. */
	const long long counts[] = {2, -3, 2};
	size_t got;
	long long inner;
	CHECK_INT(page_locate(counts, 3, 2, &got, &inner), 0);
	CHECK_INT(got, 2);
	CHECK_INT(inner, 0);
}

/* Brute force: the bucket of every row of the page, the oldest of them. */
static void last_bucket_holds_the_last_row(void)
{
	const long long counts[] = {3, 0, 5, 1, 0, 0, 4, 2};
	size_t n = sizeof counts / sizeof counts[0];
	long long total = 15;
	size_t bucket_of[15];
	for (size_t b = 0, row = 0; b < n; b++)
		for (long long i = 0; i < counts[b]; i++)
			bucket_of[row++] = b;
	for (long limit = 1; limit <= 6; limit++)
		for (long long off = 0; off < total; off++) {
			size_t first;
			long long inner;
			CHECK_INT(page_locate(counts, n, off, &first, &inner),
			          0);
			long long end =
			    off + limit < total ? off + limit : total;
			size_t want = bucket_of[end - 1];
			if (off + limit > total)
				want =
				    n - 1; /* past the end: read to the end */
			CHECK_INT(
			    page_last_bucket(counts, n, first, inner, limit),
			    want);
		}
	CHECK_INT(page_last_bucket(counts, 0, 0, 0, 5), 0);
}

int main(void)
{
	RUN(reverse_reads_the_same_rows);
	RUN(last_page_of_a_million);
	RUN(locate_matches_a_walk);
	RUN(locate_ignores_negative_counts);
	RUN(last_bucket_holds_the_last_row);
	CHECK_EXIT();
}
