/*
 * notify_send.h — the webhook sender: one thread beside the event loop,
 * with its own database connection, that turns outbox events into
 * deliveries and POSTs them (docs/notifications.md).
 *
 * Each pass it (1) fans new events out: one webhook_deliveries row per
 * enabled subscription whose filter takes the event, and the event marked
 * fanned out, in one transaction; (2) claims due deliveries with one
 * UPDATE that sets claimed_by/claimed_until (a lease), so among several
 * nodes' senders each row is sent by one at a time; (3) POSTs each with
 * libcurl, signed (notify_sign.h), and records the outcome: delivered on
 * a 2xx, else a retry after notify_backoff_s, failed after
 * webhook_max_attempts.  A row whose outcome was never recorded (a kill,
 * a lost database) is claimed again once its lease ends: delivery is at
 * least once, and receivers dedupe by X-CSMS-Event-Id.
 */
#ifndef OCPPD_NOTIFY_SEND_H
#define OCPPD_NOTIFY_SEND_H

#include <stddef.h>

#include "config.h"

/* Starts the thread (nothing when webhook_sender is off); -1 with why. */
int notify_send_start(const struct csms_config *cfg, char *err, size_t errlen);
/* Stops and joins it: an attempt in flight ends within its timeout. */
void notify_send_stop(void);

#endif
