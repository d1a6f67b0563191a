/*
 * api-charging-profiles.h — the charging profiles ocppd records
 * (sql/019_charging_profiles.sql, docs/smart-charging.md):
 * GET /charging-profiles (filters cp_id, status, purpose; newest first,
 * paged), GET /cps/{cp_id}/charging-profiles (one charge point's, same
 * filters but cp_id) and GET /cps/{cp_id}/composite-schedule (the latest
 * composite schedule stored per connector; filter connector_id).  Sending,
 * clearing and asking are the commands SetChargingProfile,
 * ClearChargingProfile and GetCompositeSchedule
 * (POST /cps/{cp_id}/commands/...).
 */
#ifndef CSMS_API_CHARGING_PROFILES_H
#define CSMS_API_CHARGING_PROFILES_H

#include "api-req.h"

void api_charging_profiles_list(struct api_req *r);
void api_cp_charging_profiles(struct api_req *r);
void api_cp_composite_schedule(struct api_req *r);

#endif
