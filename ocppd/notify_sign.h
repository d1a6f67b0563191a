/*
 * notify_sign.h — what a webhook receiver checks, as pure functions:
 * the signature of a body, the wait before the next attempt, and which
 * URLs and addresses a delivery may go to (docs/notifications.md,
 * docs/security.md).  No I/O; unit-tested (tests/unit/test_notify_sign.c).
 */
#ifndef OCPPD_NOTIFY_SIGN_H
#define OCPPD_NOTIFY_SIGN_H

#include <stddef.h>
#include <stdint.h>

struct sockaddr;

/* "sha256=" and 64 hex digits and a NUL. */
#define NOTIFY_SIG_LEN (7 + 64 + 1)

/*
 * The X-CSMS-Signature header's value: "sha256=" and the lowercase hex
 * HMAC-SHA256, under secret, of "<timestamp>.<body>" (the timestamp as
 * X-CSMS-Timestamp sends it, Unix seconds).  Signing the timestamp with
 * the body lets a receiver refuse an old body replayed.  0 or -1.
 */
int notify_sign(const char *secret, long long timestamp, const char *body,
                size_t body_len, char out[NOTIFY_SIG_LEN]);

/*
 * Seconds to wait after attempt number attempts (1, 2, ...) failed: base,
 * then doubling, at most max.
 */
long long notify_backoff_s(int attempts, int base, int max);

/*
 * wait plus up to a quarter more, fixed by the delivery and the attempt:
 * the deliveries that failed together (a receiver that was down) come back
 * spread out instead of all in the same second.
 */
long long notify_backoff_spread(long long wait, long long delivery,
                                int attempts);

/*
 * Whether an address may not receive webhooks unless
 * webhook_allow_private is on: loopback, private, shared (CGNAT),
 * link-local, multicast, reserved, unspecified, IPv6 unique-local, and
 * IPv4 in IPv6 (mapped) of those.  1 refused, 0 public.
 */
int notify_addr_private(const struct sockaddr *sa);

/*
 * A subscription URL's form: http:// or https:// (any case), a host, no
 * user:password part, no spaces or control characters, at most 2000
 * bytes.  0 ok, -1 with why.
 */
int notify_url_check(const char *url, char *why, size_t whylen);

#endif
