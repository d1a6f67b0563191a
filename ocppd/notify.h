/*
 * notify.h — webhook events written to the outbox (webhook_events) in the
 * transaction of the state change that caused them
 * (docs/notifications.md).
 *
 * Each function here is called by a job's run on a database worker,
 * inside the batch's transaction: the event row commits with the session,
 * the status or the connection state, or not at all.  A sender thread
 * (notify_send.h) delivers the rows later, so nothing here waits on the
 * network.  Only the outbox row is written; which subscriptions get it is
 * decided when the sender fans it out.
 */
#ifndef OCPPD_NOTIFY_H
#define OCPPD_NOTIFY_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "db.h"
#include "handlers.h"
#include "notify_types.h"

/*
 * Writes one event: data (taken, always freed) becomes its JSON object.
 * dedupe_key (NULL: none) makes a second write of the same event a no-op.
 * 0 or -1 (a database error: the caller's transaction fails).
 */
int notify_event(struct db *db, const char *type, const char *cp_id,
                 int64_t now_ms, cJSON *data, const char *dedupe_key);

/* The events of the OCPP handlers, from what they have at hand. */
int notify_session_started(struct hctx *c, long long tx, long long connector,
                           const char *id_tag, const char *tag_status,
                           long long meter_start, int64_t ts);

struct notify_stop {
	long long tx, connector, meter_start, meter_stop;
	const char *id_tag, *stop_id_tag, *reason, *anomaly;
	int64_t start_ms, stop_ms;
	/* The stored cost (txcost.h) when the stop priced it; otherwise
	 * price_per_kwh as before. */
	int cost_priced, cost_digits;
	long long cost_minor;
	const char *cost_currency;
};
int notify_session_finished(struct hctx *c, const struct notify_stop *s);

int notify_connector_faulted(struct hctx *c, long long connector,
                             const char *error_code, const char *info,
                             const char *vendor_id,
                             const char *vendor_error_code, int64_t ts);

/* A critical SecurityEventNotification (the whitepaper's list). */
int notify_security_event(struct hctx *c, const char *type, int64_t ts,
                          const char *tech_info);

/* type: NOTIFY_FIRMWARE_STATUS or NOTIFY_DIAGNOSTICS_STATUS. */
int notify_status_event(struct hctx *c, const char *type, const char *status);

#endif
