/*
 * boot_shape.c — the Pending interval of a reconnect wave; see
 * boot_shape.h.
 *
 * A fixed interval makes the charge points told Pending the wave's tail:
 * with a queue that drains in a fraction of a second they would still
 * wait the whole interval.  Asking them back when the queue is expected
 * to be empty again keeps the queue bounded (each retry is one more
 * Pending while it is not) without that tail.
 */
#include "boot_shape.h"

#include <math.h>

/* A sample shorter than this is noise; an older one says nothing of the
 * wave now. */
#define SAMPLE_MIN_MS 250
#define SAMPLE_MAX_MS 2000

static void sample(struct boot_shape *s, int64_t now_ms,
                   unsigned long long done_total)
{
	int64_t dt = now_ms - s->t0_ms;
	if (!s->t0_ms || dt > SAMPLE_MAX_MS || dt < 0 || done_total < s->n0) {
		s->t0_ms = now_ms;
		s->n0 = done_total;
		s->rate = 0;
		return;
	}
	if (dt < SAMPLE_MIN_MS)
		return;
	double r = (double)(done_total - s->n0) * 1000.0 / (double)dt;
	s->rate = s->rate > 0 ? (s->rate + r) / 2 : r;
	s->t0_ms = now_ms;
	s->n0 = done_total;
}

int boot_shape_interval(struct boot_shape *s, int64_t now_ms,
                        unsigned long long done_total, int backlog, int max_s,
                        unsigned hash)
{
	if (max_s < 1)
		max_s = 1;
	sample(s, now_ms, done_total);
	int base = max_s;
	if (s->rate > 0) {
		double wait = ceil((backlog > 0 ? backlog : 0) / s->rate);
		base = wait < 1 ? 1 : wait > max_s ? max_s : (int)wait;
	}
	return base + (int)(hash % (unsigned)(base + 1));
}
