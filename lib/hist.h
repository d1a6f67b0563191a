/*
 * hist.h — a latency histogram of fixed size, however many samples.
 *
 * Log-linear buckets: exact below 32, then 32 buckets per power of two, so
 * a reported percentile is within about 3% of the true sample.  Values are
 * unsigned integers (cpsim and ocppd record microseconds).
 */
#ifndef CSMS_HIST_H
#define CSMS_HIST_H

#include <stdint.h>

#define HIST_SUB_BITS 5
#define HIST_SUB      (1u << HIST_SUB_BITS)
#define HIST_MAX_EXP  40
#define HIST_BUCKETS  (HIST_SUB + (HIST_MAX_EXP - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t bucket[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* p in 0..100; the value at or below which p percent of samples lie (the
 * middle of its bucket, clamped to the exact min and max).  0 if empty. */
uint64_t hist_percentile(const struct hist *h, double p);
uint64_t hist_mean(const struct hist *h);

/* Exposed for tests. */
unsigned hist_index(uint64_t v);
uint64_t hist_bucket_low(unsigned idx);

#endif
