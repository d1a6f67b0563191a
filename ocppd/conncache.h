/*
 * conncache.h — which connectors one database worker knows to exist.
 *
 * Every message of a charge point goes to the same worker, so after the
 * first StartTransaction or MeterValues that made a connector row, the
 * worker can skip the INSERT IGNORE for the connector's later messages
 * (MeterValues are half of all traffic).  Entries are only added after
 * the COMMIT that made the row, and they age out after CONNCACHE_TTL_MS,
 * so a row removed behind the worker's back (a deleted charge point)
 * comes back at the next message after that at the latest.  A miss only
 * costs one row in the batch's multi-row INSERT IGNORE.
 */
#ifndef OCPPD_CONNCACHE_H
#define OCPPD_CONNCACHE_H

#include <stdint.h>

#define CONNCACHE_SLOTS  8192 /* power of two */
#define CONNCACHE_TTL_MS (10 * 60 * 1000)

struct conncache {
	struct {
		uint64_t key; /* 0: empty */
		int64_t at_ms;
	} slot[CONNCACHE_SLOTS];
};

void conncache_put(struct conncache *cc, const char *cp_id, int connector,
                   int64_t now_ms);
int conncache_known(const struct conncache *cc, const char *cp_id,
                    int connector, int64_t now_ms);

#endif
