/*
 * charging_profiles.h — the charging_profiles and composite_schedules
 * tables (sql/019_charging_profiles.sql, docs/smart-charging.md): ocppd
 * records each charging profile it sends (SetChargingProfile, or the
 * chargingProfile of a RemoteStartTransaction), the charge point's answer,
 * and how the profile ends; and the latest composite schedule a charge
 * point reported for each connector.
 *
 * Like reservations.h, every writer runs on a database worker inside a
 * batch transaction: the command history's job (cmdlog.c) records the
 * commands with their command row, StopTransaction ends the session's
 * TxProfiles with the session, and a periodic job ends the TxProfiles
 * whose session stopped where the StopTransaction did not see them (it
 * looks only while some TxProfile may be live).  Nothing here runs on the
 * event loop but the tick.
 */
#ifndef OCPPD_CHARGING_PROFILES_H
#define OCPPD_CHARGING_PROFILES_H

#include <stdint.h>

#include "cmd_record.h"
#include "db.h"

#define CHARGING_PROFILES_TICK_MS 10000

/* For a SetChargingProfile, ClearChargingProfile, GetCompositeSchedule or
 * RemoteStartTransaction (with a chargingProfile) command row, pending or
 * its outcome: the profile it sends, replaces or clears, or the schedule
 * the charge point reported.  Other commands: nothing.  0, or -1 on a
 * database error. */
int charging_profiles_command(struct db *db, const struct cmd_record *r);

/* A StopTransaction that finished session tx on connector: the charge
 * point's accepted TxProfiles for it (named by transactionId, or sent
 * without one for this connector) are ended.  No statement at all while
 * no TxProfile may be live.  0 or -1. */
int charging_profiles_tx_ended(struct db *db, const char *cp_id, int connector,
                               long long tx, int64_t now_ms);

/* Event loop: every CHARGING_PROFILES_TICK_MS, queues the sweep of
 * TxProfiles whose session has stopped and the count of live ones. */
void charging_profiles_tick(int64_t now_ms);

#endif
