/*
 * security_events.h — the security event log (sql/025): which event
 * types the OCPP 1.6 Security Whitepaper marks critical, and the expiry
 * of old events (run by the upkeep thread, keeper.h).
 */
#ifndef OCPPD_SECURITY_EVENTS_H
#define OCPPD_SECURITY_EVENTS_H

#include "config.h"
#include "db.h"

/* 1 for a type the whitepaper's list marks critical; 0 for the others,
 * and for types it does not list (vendors add their own). */
int security_event_critical(const char *type);

/* Deletes events received more than security_event_retention_days ago,
 * a slice at a time so no statement holds many locks. */
void security_events_expire(struct db *db, const struct csms_config *cfg);

#endif
