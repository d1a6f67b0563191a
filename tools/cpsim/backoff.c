/*
 * backoff.c — jittered exponential reconnect delays; see backoff.h.
 */
#include "backoff.h"

#include <time.h>
#include <unistd.h>

uint32_t backoff_seed(const char *name)
{
	struct timespec ts;
	uint32_t h = 2166136261u; /* FNV-1a */

	while (*name)
		h = (h ^ (unsigned char)*name++) * 16777619u;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	h ^= (uint32_t)getpid() * 2654435761u;
	h ^= (uint32_t)ts.tv_nsec;
	return h ? h : 1;
}

uint32_t backoff_rand(uint32_t *seed)
{
	uint32_t x = *seed ? *seed : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*seed = x;
	return x;
}

int backoff_delay_ms(int failures, uint32_t *seed)
{
	int64_t d = BACKOFF_BASE_MS;
	int i;

	for (i = 0; i < failures && d < BACKOFF_MAX_MS; i++)
		d *= 2;
	if (d > BACKOFF_MAX_MS)
		d = BACKOFF_MAX_MS;
	/* factor 0.5 .. 1.5 in 1/1024 steps */
	return (int)(d * (512 + (int64_t)(backoff_rand(seed) % 1024)) / 1024);
}
