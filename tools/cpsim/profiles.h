/*
 * profiles.h — the charging profiles a charge point holds (OCPP 1.6 Smart
 * Charging), per connector and stack level, and the rules SetChargingProfile
 * and ClearChargingProfile follow on them.
 *
 * Times are Unix seconds.  A profile is parsed from its JSON once
 * (answer_set_charging_profile.c) into this plain form, which the
 * composite schedule (composite.h) and --obey-profiles read.
 */
#ifndef CPSIM_PROFILES_H
#define CPSIM_PROFILES_H

#include <stdint.h>

#define PROFILES_MAX    16 /* MaxChargingProfilesInstalled */
#define PROFILE_PERIODS 24 /* ChargingScheduleMaxPeriods */
#define PROFILE_STACK   8  /* ChargeProfileMaxStackLevel */

enum profile_purpose { PP_CP_MAX, PP_TX_DEFAULT, PP_TX };
enum profile_kind { PK_ABSOLUTE, PK_RECURRING, PK_RELATIVE };

struct profile_period {
	int start_s; /* startPeriod */
	double limit;
	int phases; /* numberPhases, 0: not given (3) */
};

struct profile {
	int id;
	int connector;
	int stack;
	enum profile_purpose purpose;
	enum profile_kind kind;
	int recurrency_s; /* Recurring: 86400 or 604800 */
	int tx_id;        /* TxProfile's transactionId, -1 if none */
	int64_t valid_from, valid_to; /* 0: not given */
	int64_t start;                /* startSchedule, 0: not given */
	int64_t received;             /* when it was set */
	int duration_s;               /* -1: not given */
	int unit_w;                   /* chargingRateUnit W (else A) */
	double min_rate;
	int nperiods;
	struct profile_period p[PROFILE_PERIODS];
};

struct profiles {
	int n;
	struct profile p[PROFILES_MAX];
};

/* Installs p: it replaces a profile with the same id, and one with the same
 * stack level and purpose on the same connector.  -1 when the store is
 * full. */
int profiles_set(struct profiles *ps, const struct profile *p);

/* ClearChargingProfile: with id >= 0 only that profile; otherwise every
 * profile matching the criteria given (connector, purpose, stack < 0 or
 * purpose < 0: any).  The number removed. */
int profiles_clear(struct profiles *ps, int id, int connector, int purpose,
                   int stack);

/* A transaction ended: its TxProfiles go with it. */
void profiles_tx_ended(struct profiles *ps, int connector);

int profile_purpose_parse(const char *s);
int profile_kind_parse(const char *s);

#endif
