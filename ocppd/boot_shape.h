/*
 * boot_shape.h — how long a charge point told Pending waits before it
 * boots again, from how fast the database queue drains.
 */
#ifndef OCPPD_BOOT_SHAPE_H
#define OCPPD_BOOT_SHAPE_H

#include <stdint.h>

/* The drain rate, sampled from the loop's count of finished jobs.  Zero
 * it to start. */
struct boot_shape {
	int64_t t0_ms;
	unsigned long long n0;
	double rate; /* jobs per second; 0 while unknown */
};

/* The interval (seconds) for a BootNotification answered Pending at
 * now_ms while backlog jobs wait and done_total jobs have finished since
 * start: the time the queue takes to drain at the rate seen, at least
 * 1 s and at most max_s, then spread over [t, 2t] by hash (the identity)
 * so the retries do not come back as one wave.  max_s while the rate is
 * not known yet. */
int boot_shape_interval(struct boot_shape *s, int64_t now_ms,
                        unsigned long long done_total, int backlog, int max_s,
                        unsigned hash);

#endif
