/*
 * txcache.h — which transaction ids belong to which charge point, as far
 * as one database worker has seen.
 *
 * Every message of a charge point goes to the same worker, so the worker
 * that answered a StartTransaction sees all the MeterValues that name its
 * transactionId; remembering the pair saves a SELECT per MeterValues (half
 * of all traffic).  Ownership never changes and InnoDB never reuses an id,
 * so an entry cannot go wrong; a miss just means asking the database.
 */
#ifndef OCPPD_TXCACHE_H
#define OCPPD_TXCACHE_H

#include <stdint.h>

#define TXCACHE_SLOTS 16384 /* power of two */

struct txcache {
	struct {
		long long tx;
		uint64_t cp; /* hash of the charge point id */
	} slot[TXCACHE_SLOTS];
};

void txcache_put(struct txcache *t, const char *cp_id, long long tx);
int txcache_owned(const struct txcache *t, const char *cp_id, long long tx);

#endif
