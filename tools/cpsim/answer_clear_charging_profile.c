/*
 * answer_clear_charging_profile.c — ClearChargingProfile (OCPP 1.6 §5.5):
 * remove the profile with the given id, or every profile matching the
 * criteria given (connectorId, chargingProfilePurpose, stackLevel; none
 * given: all); Unknown when nothing matched.
 */
#include <cjson/cJSON.h>

#include "answer_int.h"

void answer_clear_charging_profile(struct cpstate *st, const cJSON *p,
                                   struct answer *a)
{
	const char *purpose;
	int id = -1, cid = -1, stack = -1, pur = -1;

	if (answer_int_field(p, "id", 0, &id, a) < 0 ||
	    answer_int_field(p, "connectorId", 0, &cid, a) < 0 ||
	    answer_int_field(p, "stackLevel", 0, &stack, a) < 0)
		return;
	purpose = answer_str_field(p, "chargingProfilePurpose", 0, 0, a);
	if (a->error)
		return;
	if (purpose && (pur = profile_purpose_parse(purpose)) < 0) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "chargingProfilePurpose");
		return;
	}
	answer_set_status(a, profiles_clear(&st->prof, id, cid, pur, stack)
	                         ? "Accepted"
	                         : "Unknown");
}
