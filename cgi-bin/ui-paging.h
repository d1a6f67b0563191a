/*
 * ui-paging.h — page arithmetic for long newest-first lists, pure and
 * unit-tested (tests/unit/test_ui_paging.c).
 *
 * MariaDB skips OFFSET rows one by one, so a deep page is found another
 * way: from the far end (ui_page_reverse) or, when per-day counts are
 * known, by jumping to the day that holds the page (ui_page_locate).
 */
#ifndef CSMS_UI_PAGING_H
#define CSMS_UI_PAGING_H

#include <stddef.h>

/*
 * Rows [offset, offset + limit) of a newest-first list of `total` rows,
 * read oldest-first: the ascending offset and row count (0 rows when
 * offset >= total).  The caller reverses what it reads.
 */
void ui_page_reverse(long long total, long long offset, long limit,
                     long long *asc_offset, long *asc_limit);

/*
 * counts[i] rows in bucket i, newest bucket first: the bucket holding row
 * `offset` and the offset of that row inside its bucket.  0, or -1 when
 * offset is past the last row.
 */
int ui_page_locate(const long long *counts, size_t n, long long offset,
                   size_t *bucket, long long *inner);

#endif
