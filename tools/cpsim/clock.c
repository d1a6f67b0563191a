/*
 * clock.c — wall and monotonic clocks, and the one timestamp format cpsim
 * writes.  Kept here rather than in lib/ so the simulator builds on its own.
 */
#include "clock.h"

#include "timeutil.h"

#include <stdio.h>
#include <time.h>

int64_t clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void)
{
	return clock_mono_us() / 1000;
}

int64_t clock_mono_us(void)
{
	return time_mono_us();
}

void clock_iso8601(int64_t wall_ms, char out[32])
{
	time_t secs;
	struct tm tm;
	int ms;

	if (wall_ms < 0)
		wall_ms = 0;
	secs = (time_t)(wall_ms / 1000);
	ms = (int)(wall_ms % 1000);
	gmtime_r(&secs, &tm);
	/* The modulos tell the compiler the fields' ranges: no truncation. */
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
	         (unsigned)(tm.tm_year + 1900) % 10000u,
	         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u,
	         (unsigned)tm.tm_hour % 100u, (unsigned)tm.tm_min % 100u,
	         (unsigned)tm.tm_sec % 100u, (unsigned)ms % 1000u);
}
