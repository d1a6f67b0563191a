/*
 * auth_throttle.h — slows down password guessing at the WebSocket
 * handshake: failed authentications are counted per remote address, and
 * from the limit on an address is refused (HTTP 429, Retry-After) for a
 * time that doubles with every further failure, up to a maximum.
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

/* Seconds addr must still wait (> 0), or 0 when it may try now. */
int throttle_wait_s(const char *addr, int64_t now_ms);
/* Records a failure; limit: failures before the first block, max_s: the
 * longest block.  Returns the block it starts in seconds (0: none). */
int throttle_fail(const char *addr, int64_t now_ms, int limit, int max_s);
void throttle_ok(const char *addr);

#endif
