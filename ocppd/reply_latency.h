/*
 * reply_latency.h — how long ocppd takes to answer a charge point's call:
 * from the frame read off the link to the reply written to it, the
 * database batch and its COMMIT included.  Calls answered by their
 * handlers (a result, or a CALLERROR of the handler or the database);
 * frames refused before (not valid, unknown action, BootNotification
 * Pending under load) are not counted.  The load generator's figure
 * (cpsim) adds the network and its own waits; this one is the server's
 * alone.  Loop thread only.
 */
#ifndef OCPPD_REPLY_LATENCY_H
#define OCPPD_REPLY_LATENCY_H

#include <stdint.h>

#include <cjson/cJSON.h>

/* A reply written now to a call whose frame was read at rx_us
 * (time_mono_us). */
void reply_latency_add(int64_t rx_us);

/* "reply_us" in o: since the start or the last reset (an ISO time),
 * count, p50, p90, p99 and max in microseconds; then starts over when
 * reset.  -1: out of memory. */
int reply_latency_status_add(cJSON *o, int reset);

#endif
