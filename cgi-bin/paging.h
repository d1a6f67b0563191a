/*
 * paging.h — page arithmetic for long newest-first lists, pure and
 * unit-tested (tests/unit/test_paging.c); txquery.c pages through the
 * transaction history with it.
 *
 * MariaDB skips OFFSET rows one by one, so a deep page is found another
 * way: from the far end (page_reverse) or, when per-day counts are known,
 * by jumping to the day that holds the page (page_locate) and reading no
 * further back than the day where it ends (page_last_bucket).
 */
#ifndef CSMS_PAGING_H
#define CSMS_PAGING_H

#include <stddef.h>

/*
 * Rows [offset, offset + limit) of a newest-first list of `total` rows,
 * read oldest-first: the ascending offset and row count (0 rows when
 * offset >= total).  The caller reverses what it reads.
 */
void page_reverse(long long total, long long offset, long limit,
                  long long *asc_offset, long *asc_limit);

/*
 * counts[i] rows in bucket i, newest bucket first: the bucket holding row
 * `offset` and the offset of that row inside its bucket.  0, or -1 when
 * offset is past the last row.  Counts below zero count as zero.
 */
int page_locate(const long long *counts, size_t n, long long offset,
                size_t *bucket, long long *inner);

/*
 * The oldest bucket that rows [inner, inner + limit) of bucket `first`
 * onwards reach into: a page that starts there needs buckets first ..
 * that one and nothing older.  n - 1 when the rows run past the end.
 */
size_t page_last_bucket(const long long *counts, size_t n, size_t first,
                        long long inner, long long limit);

#endif
