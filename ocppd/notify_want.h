/*
 * notify_want.h — which webhook event types some enabled subscription
 * takes, so the OCPP handlers write outbox rows only for those.
 *
 * An event no subscription takes would be fanned out to nobody and
 * deleted unread; writing it anyway cost an INSERT in the transaction of
 * every StartTransaction, StopTransaction and connect.  Until the first
 * read of the webhooks table every type is wanted (nothing is skipped on
 * a guess).  The set is read again every NOTIFY_WANT_MS by each node, and
 * at once on the node whose control socket changed a webhook: on a
 * cluster, another node starts writing a newly subscribed type within
 * that period (docs/notifications.md).
 */
#ifndef OCPPD_NOTIFY_WANT_H
#define OCPPD_NOTIFY_WANT_H

#include <stdint.h>

#include "db.h"

#define NOTIFY_WANT_MS 5000

/* 1 when some enabled subscription takes events of this type.  Any
 * thread. */
int notify_wanted(const char *type);

/* Reads the enabled subscriptions' filters into a set; 0 with *set, -1
 * on a database error.  Publish it with notify_want_set once the
 * transaction it was read in has committed. */
int notify_want_read(struct db *db, unsigned *set);
void notify_want_set(unsigned set);

/* Event loop: every NOTIFY_WANT_MS, queues a read of the set. */
void notify_want_tick(int64_t now_ms);

#endif
