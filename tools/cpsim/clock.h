/*
 * clock.h — the two clocks cpsim needs: wall time for OCPP timestamps and a
 * monotonic clock for deadlines and latency.
 */
#ifndef CPSIM_CLOCK_H
#define CPSIM_CLOCK_H

#include <stdint.h>

/* CLOCK_REALTIME in milliseconds. */
int64_t clock_wall_ms(void);

/* CLOCK_MONOTONIC in milliseconds and in microseconds. */
int64_t clock_mono_ms(void);
int64_t clock_mono_us(void);

/* "YYYY-MM-DDTHH:MM:SS.sssZ", the form the OCPP 1.6 schemas expect. */
void clock_iso8601(int64_t wall_ms, char out[32]);

#endif
