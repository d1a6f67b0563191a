/*
 * test_send_profile_check.c — the 1.6 rules a charging profile is held to
 * before ocppd sends it (ocppd/send_profile_check.c): each broken rule is
 * refused with the member named, a good profile passes, and a member of
 * the wrong JSON type is left to the schema check (0 here).
 */
#include "../../ocppd/send_profile_check.c"
#include "check.h"

#include <stdlib.h>

/* The check of the profile in JSON text; why gets the reason. */
static int run(const char *json, long long connector, int remote, char *why,
               size_t n)
{
	cJSON *p = cJSON_Parse(json);
	why[0] = '\0';
	int rc = p ? send_profile_check(p, connector, remote, why, n) : -2;
	cJSON_Delete(p);
	return rc;
}

#define SCHED(periods)                                                         \
	"\"chargingSchedule\":{\"chargingRateUnit\":\"A\","                    \
	"\"chargingSchedulePeriod\":" periods "}"
#define PROF(purpose, extra)                                                   \
	"{\"chargingProfileId\":1,\"stackLevel\":0,"                           \
	"\"chargingProfilePurpose\":\"" purpose "\","                          \
	"\"chargingProfileKind\":\"Absolute\"," extra SCHED(                   \
	    "[{\"startPeriod\":0,\"limit\":16},{\"startPeriod\":60,\"limit\":" \
	    "8}]") "}"

static void good_profiles_pass(void)
{
	char why[256];
	CHECK_INT(run(PROF("TxProfile", ""), 1, 0, why, sizeof why), 0);
	CHECK_INT(run(PROF("TxProfile", "\"transactionId\":5,"), 2, 0, why,
	              sizeof why),
	          0);
	CHECK_INT(run(PROF("ChargePointMaxProfile", ""), 0, 0, why, sizeof why),
	          0);
	CHECK_INT(run(PROF("TxDefaultProfile", ""), 0, 0, why, sizeof why), 0);
	CHECK_INT(run(PROF("TxProfile", ""), 0, 1, why, sizeof why), 0);
	CHECK_INT(run("{\"chargingProfileId\":1,\"stackLevel\":0,"
	              "\"chargingProfilePurpose\":\"TxDefaultProfile\","
	              "\"chargingProfileKind\":\"Recurring\","
	              "\"recurrencyKind\":\"Daily\"," SCHED(
	                  "[{\"startPeriod\":0,\"limit\":16}]") "}",
	              1, 0, why, sizeof why),
	          0);
}

static void connector_rules(void)
{
	char why[256];
	CHECK_INT(run(PROF("TxProfile", ""), 0, 0, why, sizeof why), -1);
	CHECK_STR(why, "connectorId: a TxProfile is for a connector > 0");
	CHECK_INT(run(PROF("ChargePointMaxProfile", ""), 1, 0, why, sizeof why),
	          -1);
	CHECK_INT(run(PROF("TxDefaultProfile", ""), -1, 0, why, sizeof why),
	          -1);
}

static void transaction_and_remote_start_rules(void)
{
	char why[256];
	CHECK_INT(run(PROF("TxDefaultProfile", "\"transactionId\":5,"), 1, 0,
	              why, sizeof why),
	          -1);
	CHECK_STR(why, "csChargingProfiles.transactionId: only a TxProfile "
	               "names a transaction");
	CHECK_INT(run(PROF("TxProfile", "\"transactionId\":5,"), 0, 1, why,
	              sizeof why),
	          -1);
	CHECK_INT(run(PROF("TxDefaultProfile", ""), 0, 1, why, sizeof why), -1);
	CHECK_STR(why, "chargingProfile.chargingProfilePurpose: a remote start "
	               "takes a TxProfile");
}

static void kind_validity_and_periods(void)
{
	char why[256];
	CHECK_INT(run("{\"chargingProfilePurpose\":\"TxDefaultProfile\","
	              "\"chargingProfileKind\":\"Recurring\"}",
	              1, 0, why, sizeof why),
	          -1);
	CHECK_INT(run("{\"chargingProfileKind\":\"Absolute\","
	              "\"recurrencyKind\":\"Daily\"}",
	              1, 0, why, sizeof why),
	          -1);
	CHECK_INT(run("{\"validFrom\":\"2030-01-02T00:00:00Z\","
	              "\"validTo\":\"2030-01-01T00:00:00Z\"}",
	              1, 0, why, sizeof why),
	          -1);
	CHECK_INT(run("{" SCHED("[]") "}", 1, 0, why, sizeof why), -1);
	CHECK_INT(run("{" SCHED("[{\"startPeriod\":5,\"limit\":1}]") "}", 1, 0,
	              why, sizeof why),
	          -1);
	CHECK_INT(run("{" SCHED("[{\"startPeriod\":0,\"limit\":1},"
	                        "{\"startPeriod\":0,\"limit\":2}]") "}",
	              1, 0, why, sizeof why),
	          -1);
	CHECK_STR(why, "csChargingProfiles.chargingSchedule."
	               "chargingSchedulePeriod[1].startPeriod: periods go in "
	               "increasing startPeriod");
	CHECK_INT(run("{" SCHED("[{\"startPeriod\":0,\"limit\":-1}]") "}", 1, 0,
	              why, sizeof why),
	          -1);
}

static void wrong_types_left_to_the_schema(void)
{
	char why[256];
	CHECK_INT(run("{\"chargingProfilePurpose\":7}", 0, 0, why, sizeof why),
	          0);
	CHECK_INT(run("{" SCHED("\"x\"") "}", 1, 0, why, sizeof why), 0);
	CHECK_INT(run("{" SCHED("[{\"startPeriod\":\"0\",\"limit\":1}]") "}", 1,
	              0, why, sizeof why),
	          0);
	CHECK_INT(run("[]", 1, 0, why, sizeof why), 0);
}

int main(void)
{
	RUN(good_profiles_pass);
	RUN(connector_rules);
	RUN(transaction_and_remote_start_rules);
	RUN(kind_validity_and_periods);
	RUN(wrong_types_left_to_the_schema);
	CHECK_EXIT();
}
