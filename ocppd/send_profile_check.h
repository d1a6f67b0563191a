/*
 * send_profile_check.h — the rules of OCPP 1.6 Smart Charging a charging
 * profile must keep beyond its JSON schema, checked before ocppd sends one
 * (SetChargingProfile, RemoteStartTransaction's chargingProfile), so an
 * operator's mistake is an invalid_params answer instead of a charge point
 * that rejects the profile or, worse, applies something else.
 */
#ifndef OCPPD_SEND_PROFILE_CHECK_H
#define OCPPD_SEND_PROFILE_CHECK_H

#include <stddef.h>

#include <cjson/cJSON.h>

/*
 * prof is a csChargingProfiles (remote_start 0, for connectorId connector)
 * or a RemoteStartTransaction's chargingProfile (remote_start 1).  0 when
 * it keeps the rules, or when a member has the wrong JSON type (the schema
 * check that follows names it); -1 with why ("field: reason") otherwise.
 */
int send_profile_check(const cJSON *prof, long long connector, int remote_start,
                       char *why, size_t whylen);

#endif
