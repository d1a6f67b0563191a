/*
 * cp_events.h — the 2.0.1 event log (sql/038, NotifyEvent): its expiry,
 * run by the upkeep thread (keeper.h) beside the security events'.
 */
#ifndef OCPPD_CP_EVENTS_H
#define OCPPD_CP_EVENTS_H

#include "config.h"
#include "db.h"

/* Deletes events received more than security_event_retention_days ago
 * (the same retention as the security events), a slice at a time so no
 * statement holds many locks. */
void cp_events_expire(struct db *db, const struct csms_config *cfg);

#endif
