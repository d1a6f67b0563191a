/*
 * send_ocpp201_smart_charging.c — 2.0.1's basic smart charging (functional
 * block K): SetChargingProfile, ClearChargingProfile, GetChargingProfiles
 * (the profiles come back in ReportChargingProfiles) and
 * GetCompositeSchedule, with 2.0.1's payloads.  The profiles and composite
 * schedules go into the same tables as 1.6's (charging_profiles.c reads
 * either shape).
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"

/* ChargingStationExternalConstraints is the station's own (an EMS's
 * limit): a CSMS may not set it (2.0.1 K01.FR.22). */
static int build_set(const cJSON *params, cJSON **payload, char *why,
                     size_t whylen)
{
	const cJSON *prof =
	    cJSON_GetObjectItemCaseSensitive(params, "chargingProfile");
	if (!strcmp(json_str(prof, "chargingProfilePurpose", ""),
	            "ChargingStationExternalConstraints")) {
		snprintf(why, whylen,
		         "chargingProfile.chargingProfilePurpose: "
		         "ChargingStationExternalConstraints is set by the "
		         "station, not sent to it");
		return -1;
	}
	*payload = cJSON_Duplicate(params, 1);
	return *payload ? 0 : -1;
}

static void audit_set(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	const cJSON *p =
	    cJSON_GetObjectItemCaseSensitive(req, "chargingProfile");
	snprintf(out, len, "evse=%lld profile=%lld purpose=%s status=%s",
	         json_int(req, "evseId", 0), json_int(p, "id", 0),
	         json_str(p, "chargingProfilePurpose", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_clear(const cJSON *req, const cJSON *conf, char *out,
                        size_t len)
{
	const cJSON *c =
	    cJSON_GetObjectItemCaseSensitive(req, "chargingProfileCriteria");
	snprintf(out, len, "profile=%lld evse=%lld purpose=%s status=%s",
	         json_int(req, "chargingProfileId", -1),
	         json_int(c, "evseId", -1),
	         json_str(c, "chargingProfilePurpose", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_get(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	snprintf(out, len, "requestId=%lld evse=%lld status=%s",
	         json_int(req, "requestId", 0), json_int(req, "evseId", -1),
	         json_str(conf, "status", "-"));
}

static void audit_composite(const cJSON *req, const cJSON *conf, char *out,
                            size_t len)
{
	snprintf(out, len, "evse=%lld duration=%lld status=%s",
	         json_int(req, "evseId", 0), json_int(req, "duration", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send201_set_charging_profile = {"SetChargingProfile", 0,
                                                     build_set, audit_set};
const struct send_op send201_clear_charging_profile = {"ClearChargingProfile",
                                                       0, NULL, audit_clear};
const struct send_op send201_get_charging_profiles = {"GetChargingProfiles", 0,
                                                      NULL, audit_get};
const struct send_op send201_get_composite_schedule = {
    "GetCompositeSchedule", 0, NULL, audit_composite};
