/*
 * send_smart_charging.c — the Smart Charging profile: SetChargingProfile,
 * ClearChargingProfile and GetCompositeSchedule (the charge point's
 * resulting schedule for a connector and duration).
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"
#include "send_profile_check.h"

/* The profile keeps the 1.6 rules its schema cannot say. */
static int build_set(const cJSON *params, cJSON **payload, char *why,
                     size_t whylen)
{
	if (send_profile_check(
	        cJSON_GetObjectItemCaseSensitive(params, "csChargingProfiles"),
	        json_int(params, "connectorId", 0), 0, why, whylen))
		return -1;
	*payload = cJSON_Duplicate(params, 1);
	return *payload ? 0 : -1;
}

static void audit_set(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	const cJSON *p =
	    cJSON_GetObjectItemCaseSensitive(req, "csChargingProfiles");
	snprintf(out, len, "connector=%lld profile=%lld purpose=%s status=%s",
	         json_int(req, "connectorId", 0),
	         json_int(p, "chargingProfileId", 0),
	         json_str(p, "chargingProfilePurpose", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_clear(const cJSON *req, const cJSON *conf, char *out,
                        size_t len)
{
	snprintf(out, len, "profile=%lld connector=%lld status=%s",
	         json_int(req, "id", -1), json_int(req, "connectorId", -1),
	         json_str(conf, "status", "-"));
}

static void audit_composite(const cJSON *req, const cJSON *conf, char *out,
                            size_t len)
{
	snprintf(out, len, "connector=%lld duration=%lld status=%s",
	         json_int(req, "connectorId", 0), json_int(req, "duration", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send_set_charging_profile = {"SetChargingProfile", 0,
                                                  build_set, audit_set};
const struct send_op send_clear_charging_profile = {"ClearChargingProfile", 0,
                                                    NULL, audit_clear};
const struct send_op send_get_composite_schedule = {"GetCompositeSchedule", 0,
                                                    NULL, audit_composite};
