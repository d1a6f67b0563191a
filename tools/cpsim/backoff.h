/*
 * backoff.h — when to try the next reconnect: exponential backoff with
 * jitter, so thousands of charge points that lost their node at the same
 * moment do not all come back in the same millisecond (a reconnect storm
 * is what takes the surviving nodes down).
 */
#ifndef CPSIM_BACKOFF_H
#define CPSIM_BACKOFF_H

#include <stdint.h>

#define BACKOFF_BASE_MS 500
#define BACKOFF_MAX_MS  8000

/*
 * The delay before attempt number `failures` (0: the first try after the
 * link dropped): BACKOFF_BASE_MS doubled per failure up to BACKOFF_MAX_MS,
 * then scaled by a factor in [0.5, 1.5) drawn from *seed.  Pure: the
 * caller owns the seed (one per charge point keeps runs reproducible).
 */
int backoff_delay_ms(int failures, uint32_t *seed);

/* Gives up after this many failed tries in a row (about 3.5 minutes at
 * the 8 s ceiling) when the caller has an end to reach. */
#define BACKOFF_GIVE_UP 30

/* A seed from a name (the charge point's identity), the process id and
 * the clock: charge points of one run, and of runs started together,
 * draw different delays. */
uint32_t backoff_seed(const char *name);

/* A small xorshift generator; never returns the same state twice in a row
 * and turns a zero seed into a non-zero one. */
uint32_t backoff_rand(uint32_t *seed);

#endif
