/*
 * send_profile_check.c — see send_profile_check.h.  The rules (OCPP 1.6
 * §3.13 and §5.16/§5.11):
 *  - a ChargePointMaxProfile is for connector 0, a TxProfile for a
 *    connector > 0, a TxDefaultProfile for either;
 *  - only a TxProfile names a transactionId, and the one of a remote start
 *    names none (its session does not exist yet) and must be a TxProfile;
 *  - a Recurring profile has a recurrencyKind, and only it has one;
 *  - validFrom comes before validTo;
 *  - the periods start at 0, in increasing startPeriod, with limits >= 0.
 */
#include "send_profile_check.h"

#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "timeutil.h"

#define FAIL(...)                                                              \
	do {                                                                   \
		snprintf(why, whylen, __VA_ARGS__);                            \
		return -1;                                                     \
	} while (0)

static int check_periods(const cJSON *sched, const char *at, char *why,
                         size_t whylen)
{
	const cJSON *periods = NULL;
	if (json_get_array(sched, "chargingSchedulePeriod", &periods, 1) !=
	        JSON_OK ||
	    !periods)
		return 0;
	int n = cJSON_GetArraySize(periods);
	if (n == 0)
		FAIL("%s.chargingSchedule.chargingSchedulePeriod: at least one "
		     "period",
		     at);
	long long prev = -1;
	int i = 0;
	const cJSON *per;
	cJSON_ArrayForEach(per, periods)
	{
		long long start;
		const cJSON *limit =
		    cJSON_GetObjectItemCaseSensitive(per, "limit");
		if (json_get_int(per, "startPeriod", &start, 0) != JSON_OK)
			return 0;
		if (i == 0 && start != 0)
			FAIL("%s.chargingSchedule.chargingSchedulePeriod[0]."
			     "startPeriod: the first period starts at 0",
			     at);
		if (i > 0 && start <= prev)
			FAIL("%s.chargingSchedule.chargingSchedulePeriod[%d]."
			     "startPeriod: periods go in increasing "
			     "startPeriod",
			     at, i);
		if (cJSON_IsNumber(limit) && limit->valuedouble < 0)
			FAIL("%s.chargingSchedule.chargingSchedulePeriod[%d]."
			     "limit: not below 0",
			     at, i);
		prev = start;
		i++;
	}
	return 0;
}

int send_profile_check(const cJSON *prof, long long connector, int remote_start,
                       char *why, size_t whylen)
{
	const char *at =
	    remote_start ? "chargingProfile" : "csChargingProfiles";
	if (!cJSON_IsObject(prof))
		return 0;
	const char *purpose = NULL, *kind = NULL, *recur = NULL;
	json_get_string(prof, "chargingProfilePurpose", &purpose, 1);
	json_get_string(prof, "chargingProfileKind", &kind, 1);
	json_get_string(prof, "recurrencyKind", &recur, 1);
	int tx_profile = purpose && !strcmp(purpose, "TxProfile");
	if (!remote_start && connector < 0)
		FAIL("connectorId: not below 0");
	if (remote_start && purpose && !tx_profile)
		FAIL("%s.chargingProfilePurpose: a remote start takes a "
		     "TxProfile",
		     at);
	if (!remote_start && purpose && connector > 0 &&
	    !strcmp(purpose, "ChargePointMaxProfile"))
		FAIL("connectorId: a ChargePointMaxProfile is for connector 0");
	if (!remote_start && tx_profile && connector == 0)
		FAIL("connectorId: a TxProfile is for a connector > 0");
	if (cJSON_HasObjectItem(prof, "transactionId") &&
	    (remote_start || (purpose && !tx_profile)))
		FAIL("%s.transactionId: %s", at,
		     remote_start ? "a remote start's session has no id yet"
		                  : "only a TxProfile names a transaction");
	if (kind && !strcmp(kind, "Recurring") && !recur)
		FAIL("%s.recurrencyKind: a Recurring profile needs one", at);
	if (kind && strcmp(kind, "Recurring") && recur)
		FAIL("%s.recurrencyKind: only for a Recurring profile", at);
	int64_t from, to;
	const char *f = json_str(prof, "validFrom", NULL);
	const char *t = json_str(prof, "validTo", NULL);
	if (f && t && !time_parse_iso8601(f, &from) &&
	    !time_parse_iso8601(t, &to) && to <= from)
		FAIL("%s.validTo: after validFrom", at);
	return check_periods(
	    cJSON_GetObjectItemCaseSensitive(prof, "chargingSchedule"), at, why,
	    whylen);
}
