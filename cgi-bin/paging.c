/*
 * paging.c — page arithmetic (see paging.h).
 */
#include "paging.h"

void page_reverse(long long total, long long offset, long limit,
                  long long *asc_offset, long *asc_limit)
{
	long long end = offset + limit; /* exclusive, newest-first */
	if (offset < 0)
		offset = 0;
	if (end > total)
		end = total;
	if (offset >= end) {
		*asc_offset = 0;
		*asc_limit = 0;
		return;
	}
	/* Row p newest-first is row total - 1 - p oldest-first. */
	*asc_offset = total - end;
	*asc_limit = (long)(end - offset);
}

int page_locate(const long long *counts, size_t n, long long offset,
                size_t *bucket, long long *inner)
{
	long long before = 0;
	if (offset < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		long long c = counts[i] > 0 ? counts[i] : 0;
		if (offset < before + c) {
			*bucket = i;
			*inner = offset - before;
			return 0;
		}
		before += c;
	}
	return -1;
}

size_t page_last_bucket(const long long *counts, size_t n, size_t first,
                        long long inner, long long limit)
{
	long long need = inner + limit, seen = 0;
	if (!n)
		return 0;
	for (size_t i = first; i < n; i++) {
		seen += counts[i] > 0 ? counts[i] : 0;
		if (seen >= need)
			return i;
	}
	return n - 1;
}
