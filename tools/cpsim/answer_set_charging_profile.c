/*
 * answer_set_charging_profile.c — SetChargingProfile (OCPP 1.6 §5.16):
 * install a profile on a connector, by the rules of §3.13 a charge point
 * checks before it answers Accepted:
 *
 * - a ChargePointMaxProfile only on connector 0;
 * - a TxProfile only on a connector with a running transaction (and, when
 *   the profile names one, that transaction);
 * - the stack level, the number of periods and the rate unit within what
 *   the charge point announces (ChargeProfileMaxStackLevel,
 *   ChargingScheduleMaxPeriods, ChargingScheduleAllowedChargingRateUnit);
 * - periods ascending from startPeriod 0; a Recurring profile with its
 *   recurrencyKind.
 *
 * Anything else is Rejected.  An installed profile replaces one with the
 * same id or the same stack level and purpose on the connector
 * (profiles.h).
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "answer_int.h"

/* The rate unit is among ChargingScheduleAllowedChargingRateUnit. */
static int unit_allowed(const struct cpstate *st, int unit_w)
{
	const char *v =
	    cpconfig_get(&st->cfg, "ChargingScheduleAllowedChargingRateUnit");

	return v && strstr(v, unit_w ? "Power" : "Current");
}

/* The chargingSchedule into p; -1 with a CALLERROR, 1 when the charge
 * point must refuse it, 0 when fine. */
static int schedule(const struct cpstate *st, const cJSON *s, struct profile *p,
                    struct answer *a)
{
	const cJSON *periods, *e;
	const char *unit;
	int64_t ms = 0;
	int r, maxp;

	p->duration_s = -1;
	if ((r = answer_int_field(s, "duration", 0, &p->duration_s, a)) < 0)
		return -1;
	if ((r = answer_time_field(s, "startSchedule", 0, &ms, a)) < 0)
		return -1;
	p->start = r ? ms / 1000 : 0;
	if (!(unit = answer_str_field(s, "chargingRateUnit", 1, 0, a)))
		return -1;
	if (strcmp(unit, "A") && strcmp(unit, "W")) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "chargingRateUnit");
		return -1;
	}
	p->unit_w = !strcmp(unit, "W");
	e = cJSON_GetObjectItemCaseSensitive(s, "minChargingRate");
	if (cJSON_IsNumber(e))
		p->min_rate = e->valuedouble;
	periods = cJSON_GetObjectItemCaseSensitive(s, "chargingSchedulePeriod");
	if (!cJSON_IsArray(periods)) {
		answer_set_error(
		    a, periods ? "TypeConstraintViolation" : "ProtocolError",
		    "chargingSchedulePeriod");
		return -1;
	}
	maxp = cpconfig_get_int(&st->cfg, "ChargingScheduleMaxPeriods",
	                        PROFILE_PERIODS);
	if (maxp > PROFILE_PERIODS)
		maxp = PROFILE_PERIODS;
	cJSON_ArrayForEach(e, periods)
	{
		struct profile_period *pp;
		const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "limit");

		if (p->nperiods >= maxp)
			return 1;
		pp = &p->p[p->nperiods];
		if (answer_int_field(e, "startPeriod", 1, &pp->start_s, a) <
		        0 ||
		    answer_int_field(e, "numberPhases", 0, &pp->phases, a) < 0)
			return -1;
		if (!cJSON_IsNumber(l)) {
			answer_set_error(
			    a, l ? "TypeConstraintViolation" : "ProtocolError",
			    "limit");
			return -1;
		}
		pp->limit = l->valuedouble;
		if (pp->limit < 0 || pp->phases < 0 || pp->phases > 3 ||
		    (p->nperiods == 0 && pp->start_s != 0) ||
		    (p->nperiods > 0 &&
		     pp->start_s <= p->p[p->nperiods - 1].start_s))
			return 1;
		p->nperiods++;
	}
	return p->nperiods ? 0 : 1;
}

/* The csChargingProfiles into p; as schedule(). */
static int parse(const struct cpstate *st, const cJSON *cp, struct profile *p,
                 struct answer *a)
{
	const char *purpose, *kind, *rec;
	const cJSON *s;
	int64_t ms = 0;
	int r;

	if (!cJSON_IsObject(cp)) {
		answer_set_error(
		    a, cp ? "TypeConstraintViolation" : "ProtocolError",
		    "csChargingProfiles");
		return -1;
	}
	p->tx_id = -1;
	if (answer_int_field(cp, "chargingProfileId", 1, &p->id, a) < 0 ||
	    answer_int_field(cp, "stackLevel", 1, &p->stack, a) < 0 ||
	    answer_int_field(cp, "transactionId", 0, &p->tx_id, a) < 0 ||
	    !(purpose =
	          answer_str_field(cp, "chargingProfilePurpose", 1, 0, a)) ||
	    !(kind = answer_str_field(cp, "chargingProfileKind", 1, 0, a)))
		return -1;
	rec = answer_str_field(cp, "recurrencyKind", 0, 0, a);
	if (a->error)
		return -1;
	if ((r = profile_purpose_parse(purpose)) < 0) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "chargingProfilePurpose");
		return -1;
	}
	p->purpose = (enum profile_purpose)r;
	if ((r = profile_kind_parse(kind)) < 0) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "chargingProfileKind");
		return -1;
	}
	p->kind = (enum profile_kind)r;
	if (rec && strcmp(rec, "Daily") && strcmp(rec, "Weekly")) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "recurrencyKind");
		return -1;
	}
	p->recurrency_s = !rec ? 0 : !strcmp(rec, "Daily") ? 86400 : 604800;
	if ((r = answer_time_field(cp, "validFrom", 0, &ms, a)) < 0)
		return -1;
	p->valid_from = r ? ms / 1000 : 0;
	if ((r = answer_time_field(cp, "validTo", 0, &ms, a)) < 0)
		return -1;
	p->valid_to = r ? ms / 1000 : 0;
	s = cJSON_GetObjectItemCaseSensitive(cp, "chargingSchedule");
	if (!cJSON_IsObject(s)) {
		answer_set_error(
		    a, s ? "TypeConstraintViolation" : "ProtocolError",
		    "chargingSchedule");
		return -1;
	}
	if ((r = schedule(st, s, p, a)) != 0)
		return r;
	if (p->kind == PK_RECURRING && !p->recurrency_s)
		return 1;
	if (p->stack < 0 ||
	    p->stack > cpconfig_get_int(&st->cfg, "ChargeProfileMaxStackLevel",
	                                PROFILE_STACK) ||
	    !unit_allowed(st, p->unit_w))
		return 1;
	return 0;
}

void answer_set_charging_profile(struct cpstate *st, const cJSON *p,
                                 struct answer *a)
{
	struct profile pr;
	const struct connector *c;
	int cid = 0, r;

	memset(&pr, 0, sizeof pr);
	if (answer_int_field(p, "connectorId", 1, &cid, a) < 0)
		return;
	r = parse(st, cJSON_GetObjectItemCaseSensitive(p, "csChargingProfiles"),
	          &pr, a);
	if (r < 0)
		return;
	answer_set_status(a, "Rejected");
	if (r > 0 || cid < 0 || cid > st->nconn)
		return;
	pr.connector = cid;
	pr.received = st->now_ms / 1000;
	c = &st->conn[cid];
	if (pr.purpose == PP_CP_MAX && cid != 0)
		return;
	if (pr.purpose == PP_TX && (cid == 0 || c->tx != TX_RUNNING ||
	                            (pr.tx_id >= 0 && pr.tx_id != c->tx_id)))
		return;
	if (pr.purpose == PP_TX)
		pr.tx_id = c->tx_id;
	if (profiles_set(&st->prof, &pr) < 0)
		return;
	answer_set_status(a, "Accepted");
}
