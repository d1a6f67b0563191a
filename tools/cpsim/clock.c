/*
 * clock.c — wall and monotonic clocks, and the one timestamp format cpsim
 * writes.  Kept here rather than in lib/ so the simulator builds on its own.
 */
#include "clock.h"

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
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
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
	snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, ms);
}
