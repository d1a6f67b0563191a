/*
 * auth_throttle.h — slows down password guessing at the WebSocket
 * handshake: failed authentications are counted per client address and
 * charge point identity, and from the limit that pair is refused (HTTP
 * 429, Retry-After) for a time that doubles with every further failure,
 * up to a maximum.  Per pair, not per address: behind a proxy every
 * charge point arrives from the proxy's address (ws_upgrade.c takes the client
 * address from a trusted proxy's header), and a guesser must not lock
 * out the real charge points there; nor, guessing one identity, the same
 * identity from its real address.
 *
 * Memory is bounded: a fixed table of THROTTLE_SLOTS addresses; when it
 * is full the least recently failed address in the probe window is
 * forgotten (an attacker rotating addresses gets a fresh counter, but no
 * address can push another out of a block faster than it fails itself).
 * A success from an address clears its counter.  Event loop thread only.
 */
#ifndef OCPPD_AUTH_THROTTLE_H
#define OCPPD_AUTH_THROTTLE_H

#include <stdint.h>

#define THROTTLE_SLOTS 4096
#define THROTTLE_ADDR  64
#define THROTTLE_ID    201 /* CP_ID_BYTES + 1 */

/* Seconds (addr, id) must still wait (> 0), or 0 when it may try now. */
int throttle_wait_s(const char *addr, const char *id, int64_t now_ms);
/* Records a failure; limit: failures before the first block, max_s: the
 * longest block.  Returns the block it starts in seconds (0: none). */
int throttle_fail(const char *addr, const char *id, int64_t now_ms, int limit,
                  int max_s);
void throttle_ok(const char *addr, const char *id);

#endif
