/*
 * handle201_report_charging_profiles.c — 2.0.1 ReportChargingProfiles:
 * the profiles a station holds, sent after a GetChargingProfiles (one
 * message per EVSE and limit source, tbc while more follow).  They are
 * not merged into charging_profiles (which records what csms-c sent and
 * how it ended): each report is acknowledged and its profiles kept in the
 * OCPP message log and the audit line (docs/ocpp201.md).
 */
#include <stdio.h>

#include "handlers201.h"
#include "jsonutil.h"

enum hres handle201_report_charging_profiles(struct hctx *c, const cJSON *req,
                                             cJSON *conf)
{
	(void)conf;
	const cJSON *profs =
	    cJSON_GetObjectItemCaseSensitive(req, "chargingProfile");
	char ids[160] = "";
	size_t used = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, profs)
	{
		if (used + 24 >= sizeof ids)
			break;
		used +=
		    (size_t)snprintf(ids + used, sizeof ids - used, "%s%lld",
		                     used ? "," : "", json_int(p, "id", 0));
	}
	hctx_audit(c,
	           "requestId=%lld evse=%lld source=%s profiles=%d ids=%s "
	           "tbc=%s",
	           json_int(req, "requestId", 0), json_int(req, "evseId", 0),
	           json_str(req, "chargingLimitSource", "-"),
	           cJSON_GetArraySize(profs), used ? ids : "-",
	           cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(req, "tbc"))
	               ? "true"
	               : "false");
	return H_OK;
}
