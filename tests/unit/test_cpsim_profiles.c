/*
 * test_cpsim_profiles.c — cpsim's charge point side of the Reservation,
 * Local Auth List and Smart Charging profiles: the local list's version
 * rules, the composite schedule, and the answers to ReserveNow,
 * CancelReservation, SendLocalList, GetLocalListVersion,
 * SetChargingProfile, ClearChargingProfile and GetCompositeSchedule (every
 * CALLRESULT checked against the official .conf schema).
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

#include "ocpp_schema.h"

#include "cpsim_answer_all.h"

/* 2026-12-03T10:00:00Z */
#define T0 1796292000LL

static ocpp_schemas *schemas;
static struct cpstate st;
static struct answer a;

static const char *ask(const char *action, const char *payload)
{
	cJSON *p = cJSON_Parse(payload);
	static char msg[512];

	answer_call(&st, action, p, &a);
	cJSON_Delete(p);
	if (a.error)
		return a.error;
	{
		const ocpp_schema *s = ocpp_schema_find(schemas, action, 1);
		cJSON *r = cJSON_Parse(a.payload);

		if (!s || !r || ocpp_validate(s, r, 0, msg, sizeof msg)) {
			cJSON_Delete(r);
			snprintf(msg, sizeof msg, "schema violation: %.400s",
			         a.payload);
			return msg;
		}
		cJSON_Delete(r);
	}
	return a.payload;
}

static void fresh(int connectors)
{
	cpstate_init(&st, connectors, 60, 10, 0);
	st.now_ms = T0 * 1000;
}

/* ---- local list --------------------------------------------------------- */

static void test_list_versions(void)
{
	static struct local_auth_list l;
	struct local_auth_update u[3] = {
	    {"A", 1, "Accepted", NULL},
	    {"B", 1, "Blocked", "P"},
	    {"C", 1, "Accepted", "P"},
	};
	struct local_auth_update del = {"B", 0, NULL, NULL};

	local_auth_list_init(&l, 3);
	CHECK_INT(l.version, 0);
	CHECK_INT(local_auth_list_apply(&l, 5, 1, u, 2), LL_ACCEPTED);
	CHECK_INT(l.version, 5);
	CHECK_INT(l.n, 2);
	CHECK_STR(local_auth_list_find(&l, "b")->status, "Blocked");
	/* A differential not newer than the list: VersionMismatch. */
	CHECK_INT(local_auth_list_apply(&l, 5, 0, &u[2], 1),
	          LL_VERSION_MISMATCH);
	CHECK_INT(local_auth_list_apply(&l, 4, 0, &u[2], 1),
	          LL_VERSION_MISMATCH);
	CHECK_INT(l.n, 2);
	CHECK_INT(local_auth_list_apply(&l, 6, 0, &u[2], 1), LL_ACCEPTED);
	CHECK_INT(l.n, 3);
	CHECK_STR(local_auth_list_find(&l, "C")->parent, "P");
	/* Removal by an entry without idTagInfo. */
	CHECK_INT(local_auth_list_apply(&l, 7, 0, &del, 1), LL_ACCEPTED);
	CHECK(local_auth_list_find(&l, "B") == NULL);
	CHECK_INT(l.n, 2);
	/* Over the maximum: Failed, and nothing changes. */
	{
		struct local_auth_update more[2] = {{"D", 1, "Accepted", NULL},
		                                    {"E", 1, "Accepted", NULL}};

		CHECK_INT(local_auth_list_apply(&l, 8, 0, more, 2), LL_FAILED);
		CHECK_INT(l.version, 7);
		CHECK_INT(l.n, 2);
		CHECK(local_auth_list_find(&l, "D") == NULL);
	}
	/* A Full update replaces, whatever its version. */
	CHECK_INT(local_auth_list_apply(&l, 2, 1, &u[1], 1), LL_ACCEPTED);
	CHECK_INT(l.version, 2);
	CHECK_INT(l.n, 1);
	CHECK(local_auth_list_find(&l, "A") == NULL);
	/* A Full list longer than the maximum: Failed. */
	CHECK_INT(local_auth_list_apply(&l, 9, 1, u, 3), LL_ACCEPTED);
	local_auth_list_init(&l, 2);
	CHECK_INT(local_auth_list_apply(&l, 9, 1, u, 3), LL_FAILED);
	CHECK_INT(l.version, 0);
}

static void test_list_answers(void)
{
	fresh(1);
	CHECK_STR(ask("GetLocalListVersion", "{}"), "{\"listVersion\":0}");
	CHECK_STR(ask("SendLocalList",
	              "{\"listVersion\":3,\"updateType\":\"Full\","
	              "\"localAuthorizationList\":[{\"idTag\":\"T1\","
	              "\"idTagInfo\":{\"status\":\"Accepted\"}}]}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_STR(ask("GetLocalListVersion", "{}"), "{\"listVersion\":3}");
	CHECK_STR(ask("SendLocalList",
	              "{\"listVersion\":3,\"updateType\":\"Differential\","
	              "\"localAuthorizationList\":[{\"idTag\":\"T2\"}]}"),
	          "{\"status\":\"VersionMismatch\"}");
	CHECK_STR(ask("SendLocalList",
	              "{\"listVersion\":4,\"updateType\":\"Differential\","
	              "\"localAuthorizationList\":[{\"idTag\":\"T1\"}]}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(st.list.n, 0);
	CHECK_STR(ask("SendLocalList", "{\"listVersion\":4,"
	                               "\"updateType\":\"Sideways\"}"),
	          "PropertyConstraintViolation");
	CHECK_STR(ask("SendLocalList", "{\"updateType\":\"Full\"}"),
	          "ProtocolError");
	/* A list longer than the charge point holds fails. */
	cpconfig_force(&st.cfg, "SendLocalListMaxLength", "1");
	CHECK_STR(ask("SendLocalList",
	              "{\"listVersion\":5,\"updateType\":\"Full\","
	              "\"localAuthorizationList\":[{\"idTag\":\"T1\","
	              "\"idTagInfo\":{\"status\":\"Accepted\"}},"
	              "{\"idTag\":\"T2\",\"idTagInfo\":{\"status\":"
	              "\"Accepted\"}}]}"),
	          "{\"status\":\"Failed\"}");
	CHECK_STR(ask("GetLocalListVersion", "{}"), "{\"listVersion\":4}");
	CHECK_STR(ask("ChangeConfiguration",
	              "{\"key\":\"LocalAuthListEnabled\","
	              "\"value\":\"false\"}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_STR(ask("GetLocalListVersion", "{}"), "{\"listVersion\":-1}");
	CHECK_STR(
	    ask("SendLocalList", "{\"listVersion\":6,\"updateType\":\"Full\"}"),
	    "{\"status\":\"NotSupported\"}");
}

/* ---- reservations ------------------------------------------------------- */

static void test_reservations(void)
{
	struct connector *c;
	int res, chk;

	fresh(2);
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":1,\"expiryDate\":"
	                            "\"2026-12-03T10:10:00Z\",\"idTag\":\"R1\","
	                            "\"reservationId\":7}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_STATUS);
	CHECK_INT(st.conn[1].status, ST_RESERVED);
	/* Another reservation there: Occupied; the same id replaces. */
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":1,\"expiryDate\":"
	                            "\"2026-12-03T10:10:00Z\",\"idTag\":\"R2\","
	                            "\"reservationId\":8}"),
	          "{\"status\":\"Occupied\"}");
	/* Only the reserved tag starts there. */
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"OTHER\",\"connectorId\":1}"),
	          "{\"status\":\"Rejected\"}");
	c = cpstate_start_connector(&st, 0, "OTHER", &res, &chk);
	CHECK(c && c->id == 2 && res == -1);
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"r1\",\"connectorId\":1}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.reservation, 1);
	CHECK(st.conn[1].has_reservation && st.conn[1].reservation_id == 7);
	/* Occupied while a transaction runs. */
	st.conn[1].tx = TX_RUNNING;
	cpstate_reservation_end(&st, 1);
	st.conn[1].status = ST_CHARGING;
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":1,\"expiryDate\":"
	                            "\"2026-12-03T10:10:00Z\",\"idTag\":\"R2\","
	                            "\"reservationId\":9}"),
	          "{\"status\":\"Occupied\"}");
	st.conn[2].status = ST_FAULTED;
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":2,\"expiryDate\":"
	                            "\"2026-12-03T10:10:00Z\",\"idTag\":\"R2\","
	                            "\"reservationId\":9}"),
	          "{\"status\":\"Faulted\"}");
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":3,\"expiryDate\":"
	                            "\"2026-12-03T10:10:00Z\",\"idTag\":\"R2\","
	                            "\"reservationId\":9}"),
	          "{\"status\":\"Rejected\"}");
	st.conn[2].status = ST_AVAILABLE;
	st.conn[2].inoperative = 1;
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":2,\"expiryDate\":"
	                            "\"2026-12-03T10:10:00Z\",\"idTag\":\"R2\","
	                            "\"reservationId\":9}"),
	          "{\"status\":\"Unavailable\"}");
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":2,\"expiryDate\":"
	                            "\"tomorrow\",\"idTag\":\"R2\","
	                            "\"reservationId\":9}"),
	          "TypeConstraintViolation");
}

static void test_reservation_cancel_expiry(void)
{
	int res, chk;

	fresh(2);
	CHECK_STR(ask("CancelReservation", "{\"reservationId\":3}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":2,\"expiryDate\":"
	                            "\"2026-12-03T10:01:00Z\",\"idTag\":\"R1\","
	                            "\"reservationId\":3}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_STR(ask("CancelReservation", "{\"reservationId\":3}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.fu, FU_STATUS);
	CHECK_INT(a.connector, 2);
	CHECK_INT(st.conn[2].status, ST_AVAILABLE);
	/* Expiry ends it at the date, not before. */
	CHECK_STR(ask("ReserveNow", "{\"connectorId\":2,\"expiryDate\":"
	                            "\"2026-12-03T10:01:00Z\",\"idTag\":\"R1\","
	                            "\"reservationId\":4}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(cpstate_reservations_expire(&st, (T0 + 59) * 1000), 0);
	CHECK_INT(st.conn[2].status, ST_RESERVED);
	CHECK_INT(cpstate_reservations_expire(&st, (T0 + 60) * 1000), 1);
	CHECK_INT(st.conn[2].status, ST_AVAILABLE);
	CHECK_STR(ask("CancelReservation", "{\"reservationId\":4}"),
	          "{\"status\":\"Rejected\"}");
	/* Connector 0: the last free connector is kept for the holder; a
	 * tag whose parent (local list) is the reservation's parent fits. */
	CHECK_STR(ask("SendLocalList",
	              "{\"listVersion\":1,\"updateType\":\"Full\","
	              "\"localAuthorizationList\":[{\"idTag\":\"KID\","
	              "\"idTagInfo\":{\"status\":\"Accepted\","
	              "\"parentIdTag\":\"FAMILY\"}}]}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_STR(ask("ReserveNow",
	              "{\"connectorId\":0,\"expiryDate\":"
	              "\"2026-12-03T10:01:00Z\",\"idTag\":\"MUM\","
	              "\"parentIdTag\":\"FAMILY\","
	              "\"reservationId\":5}"),
	          "{\"status\":\"Accepted\"}");
	CHECK(cpstate_start_connector(&st, 1, "X", &res, &chk) != NULL);
	st.conn[1].tx = TX_RUNNING;
	CHECK(cpstate_start_connector(&st, 2, "X", &res, &chk) == NULL);
	CHECK(cpstate_start_connector(&st, 2, "KID", &res, &chk) != NULL);
	CHECK_INT(res, 0);
	CHECK_INT(chk, 0);
	/* A tag the local list does not know: on a connector reserved with
	 * a parent, only through Authorize.conf's parentIdTag. */
	st.conn[1].tx = TX_NONE;
	cpstate_reservation_end(&st, 0);
	CHECK_STR(ask("ReserveNow",
	              "{\"connectorId\":1,\"expiryDate\":"
	              "\"2026-12-03T10:01:00Z\",\"idTag\":\"MUM\","
	              "\"parentIdTag\":\"FAMILY\","
	              "\"reservationId\":6}"),
	          "{\"status\":\"Accepted\"}");
	CHECK(cpstate_start_connector(&st, 0, "STRANGER", &res, &chk) ==
	      &st.conn[2]);
	CHECK_STR(ask("RemoteStartTransaction",
	              "{\"idTag\":\"STRANGER\",\"connectorId\":1}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_INT(a.check_parent, 1);
	CHECK_INT(a.reservation, 1);
}

/* ---- charging profiles -------------------------------------------------- */

static const char *set_profile(int connector, int id, int stack,
                               const char *purpose, const char *extra,
                               const char *unit, const char *periods)
{
	char p[1024];

	snprintf(p, sizeof p,
	         "{\"connectorId\":%d,\"csChargingProfiles\":{"
	         "\"chargingProfileId\":%d,\"stackLevel\":%d,"
	         "\"chargingProfilePurpose\":\"%s\","
	         "\"chargingProfileKind\":\"Absolute\"%s,"
	         "\"chargingSchedule\":{\"startSchedule\":"
	         "\"2026-12-03T10:00:00Z\",\"chargingRateUnit\":\"%s\","
	         "\"chargingSchedulePeriod\":[%s]}}}",
	         connector, id, stack, purpose, extra, unit, periods);
	return ask("SetChargingProfile", p);
}

static void test_set_clear_profiles(void)
{
	const char *ok = "{\"status\":\"Accepted\"}",
	           *no = "{\"status\":\"Rejected\"}";

	fresh(2);
	/* ChargePointMaxProfile only on connector 0. */
	CHECK_STR(set_profile(1, 1, 0, "ChargePointMaxProfile", "", "A",
	                      "{\"startPeriod\":0,\"limit\":32}"),
	          no);
	CHECK_STR(set_profile(0, 1, 0, "ChargePointMaxProfile", "", "A",
	                      "{\"startPeriod\":0,\"limit\":32}"),
	          ok);
	/* TxProfile only with a running transaction (and that one). */
	CHECK_STR(set_profile(1, 2, 0, "TxProfile", "", "A",
	                      "{\"startPeriod\":0,\"limit\":16}"),
	          no);
	st.conn[1].tx = TX_RUNNING;
	st.conn[1].tx_id = 42;
	CHECK_STR(set_profile(1, 2, 0, "TxProfile", ",\"transactionId\":41",
	                      "A", "{\"startPeriod\":0,\"limit\":16}"),
	          no);
	CHECK_STR(set_profile(1, 2, 0, "TxProfile", ",\"transactionId\":42",
	                      "A", "{\"startPeriod\":0,\"limit\":16}"),
	          ok);
	CHECK_STR(set_profile(0, 3, 1, "TxDefaultProfile", "", "W",
	                      "{\"startPeriod\":0,\"limit\":7000}"),
	          ok);
	CHECK_INT(st.prof.n, 3);
	/* Same stack level and purpose on a connector: replaced. */
	CHECK_STR(set_profile(0, 4, 1, "TxDefaultProfile", "", "W",
	                      "{\"startPeriod\":0,\"limit\":6000}"),
	          ok);
	CHECK_INT(st.prof.n, 3);
	/* Beyond the announced limits: Rejected. */
	CHECK_STR(set_profile(0, 5, 9, "TxDefaultProfile", "", "W",
	                      "{\"startPeriod\":0,\"limit\":6000}"),
	          no);
	CHECK_STR(set_profile(0, 5, 2, "TxDefaultProfile", "", "W",
	                      "{\"startPeriod\":10,\"limit\":6000}"),
	          no);
	CHECK_STR(set_profile(3, 5, 2, "TxDefaultProfile", "", "W",
	                      "{\"startPeriod\":0,\"limit\":6000}"),
	          no);
	CHECK_STR(set_profile(0, 5, 2, "Whatever", "", "W",
	                      "{\"startPeriod\":0,\"limit\":6000}"),
	          "PropertyConstraintViolation");
	/* The transaction ends: its TxProfile goes. */
	profiles_tx_ended(&st.prof, 1);
	CHECK_INT(st.prof.n, 2);
	CHECK_STR(ask("ClearChargingProfile", "{\"id\":99}"),
	          "{\"status\":\"Unknown\"}");
	CHECK_STR(ask("ClearChargingProfile",
	              "{\"chargingProfilePurpose\":\"TxProfile\"}"),
	          "{\"status\":\"Unknown\"}");
	CHECK_STR(ask("ClearChargingProfile", "{\"connectorId\":0,"
	                                      "\"stackLevel\":1}"),
	          ok);
	CHECK_INT(st.prof.n, 1);
	CHECK_STR(ask("ClearChargingProfile", "{\"id\":1}"), ok);
	CHECK_INT(st.prof.n, 0);
	CHECK_STR(ask("ClearChargingProfile", "{}"),
	          "{\"status\":\"Unknown\"}");
}

static struct profile mk(int id, int conn, int stack,
                         enum profile_purpose purpose, int unit_w,
                         int64_t start, int duration, int n, const int *at,
                         const double *lim)
{
	struct profile p;
	int i;

	memset(&p, 0, sizeof p);
	p.id = id;
	p.connector = conn;
	p.stack = stack;
	p.purpose = purpose;
	p.kind = PK_ABSOLUTE;
	p.tx_id = -1;
	p.start = start;
	p.received = T0;
	p.duration_s = duration;
	p.unit_w = unit_w;
	p.nperiods = n;
	for (i = 0; i < n; i++) {
		p.p[i].start_s = at[i];
		p.p[i].limit = lim[i];
	}
	return p;
}

static void test_composite(void)
{
	struct profiles ps;
	struct composite_in in;
	struct composite_out out;
	struct profile p;
	static const int at0[] = {0}, at2[] = {0, 600};
	static const double l32[] = {32}, l_tx[] = {10, 20}, l_def[] = {16};

	memset(&ps, 0, sizeof ps);
	memset(&in, 0, sizeof in);
	in.connector = 1;
	in.start = T0;
	in.duration_s = 3600;
	in.hw_max_w = 22080; /* 32 A × 3 × 230 V */
	in.cp_share = 1;
	/* Nothing installed: the hardware's limit. */
	CHECK_INT(composite_compute(&ps, &in, &out), 0);
	CHECK_INT(out.n, 1);
	CHECK(out.p[0].limit == 32.0);
	/* TxDefault 16 A for 30 min on connector 0, a stack-1 TxDefault on
	 * the connector for the first 10 minutes at 20 A: the connector's
	 * wins while active, then connector 0's, then nothing. */
	p = mk(1, 0, 0, PP_TX_DEFAULT, 0, T0, 1800, 1, at0, l_def);
	profiles_set(&ps, &p);
	p = mk(2, 1, 1, PP_TX_DEFAULT, 0, T0, 600, 1, at0, l32);
	p.p[0].limit = 20;
	profiles_set(&ps, &p);
	CHECK_INT(composite_compute(&ps, &in, &out), 0);
	CHECK_INT(out.n, 3);
	CHECK(out.p[0].start_s == 0 && out.p[0].limit == 20.0);
	CHECK(out.p[1].start_s == 600 && out.p[1].limit == 16.0);
	CHECK(out.p[2].start_s == 1800 && out.p[2].limit == 32.0);
	/* A TxProfile overrides the TxDefault while the transaction runs;
	 * a ChargePointMaxProfile of 12 A caps everything. */
	in.tx_running = 1;
	in.tx_id = 5;
	in.tx_start = T0 - 60;
	p = mk(3, 1, 0, PP_TX, 0, T0, -1, 2, at2, l_tx);
	profiles_set(&ps, &p);
	p = mk(4, 0, 0, PP_CP_MAX, 0, T0 + 1200, -1, 1, at0, l32);
	p.p[0].limit = 12;
	profiles_set(&ps, &p);
	CHECK_INT(composite_compute(&ps, &in, &out), 0);
	CHECK_INT(out.n, 3);
	CHECK(out.p[0].start_s == 0 && out.p[0].limit == 10.0);
	CHECK(out.p[1].start_s == 600 && out.p[1].limit == 20.0);
	CHECK(out.p[2].start_s == 1200 && out.p[2].limit == 12.0);
	/* In W: 10 A × 3 × 230 V. */
	in.unit_w = 1;
	CHECK_INT(composite_compute(&ps, &in, &out), 0);
	CHECK(out.p[0].limit == 6900.0);
	CHECK(composite_limit_now(&ps, &in) == 6900.0);
	/* The CP max is shared by the connectors drawing at once. */
	in.start = T0 + 1300;
	in.cp_share = 2;
	CHECK(composite_limit_now(&ps, &in) == 4140.0);
	/* Another transaction's TxProfile does not apply. */
	in.unit_w = 0;
	in.start = T0;
	in.cp_share = 1;
	ps.p[2].tx_id = 6;
	CHECK_INT(composite_compute(&ps, &in, &out), 0);
	CHECK(out.p[0].limit == 20.0);
	/* Recurring daily from 18:00 for 2 h at 6 A, seen over a day. */
	memset(&ps, 0, sizeof ps);
	p = mk(5, 0, 0, PP_CP_MAX, 0, T0 - 86400 + 8 * 3600, 7200, 1, at0,
	       l_def);
	p.kind = PK_RECURRING;
	p.recurrency_s = 86400;
	p.p[0].limit = 6;
	profiles_set(&ps, &p);
	in.tx_running = 0;
	in.duration_s = 86400;
	CHECK_INT(composite_compute(&ps, &in, &out), 0);
	CHECK_INT(out.n, 3);
	CHECK(out.p[0].start_s == 0 && out.p[0].limit == 32.0);
	CHECK(out.p[1].start_s == 8 * 3600 && out.p[1].limit == 6.0);
	CHECK(out.p[2].start_s == 10 * 3600 && out.p[2].limit == 32.0);
}

static void test_composite_answer(void)
{
	fresh(2);
	st.hw_max_w = 22080;
	CHECK_STR(set_profile(0, 1, 0, "TxDefaultProfile", "", "A",
	                      "{\"startPeriod\":0,\"limit\":16},"
	                      "{\"startPeriod\":300,\"limit\":8}"),
	          "{\"status\":\"Accepted\"}");
	CHECK_STR(ask("GetCompositeSchedule",
	              "{\"connectorId\":1,\"duration\":600,"
	              "\"chargingRateUnit\":\"A\"}"),
	          "{\"status\":\"Accepted\",\"connectorId\":1,"
	          "\"scheduleStart\":\"2026-12-03T10:00:00.000Z\","
	          "\"chargingSchedule\":{\"duration\":600,\"startSchedule\":"
	          "\"2026-12-03T10:00:00.000Z\",\"chargingRateUnit\":\"A\","
	          "\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":"
	          "16.0},{\"startPeriod\":300,\"limit\":8.0}]}}");
	CHECK_STR(ask("GetCompositeSchedule",
	              "{\"connectorId\":1,\"duration\":100,"
	              "\"chargingRateUnit\":\"W\"}"),
	          "{\"status\":\"Accepted\",\"connectorId\":1,"
	          "\"scheduleStart\":\"2026-12-03T10:00:00.000Z\","
	          "\"chargingSchedule\":{\"duration\":100,\"startSchedule\":"
	          "\"2026-12-03T10:00:00.000Z\",\"chargingRateUnit\":\"W\","
	          "\"chargingSchedulePeriod\":[{\"startPeriod\":0,\"limit\":"
	          "11040.0}]}}");
	CHECK_STR(ask("GetCompositeSchedule", "{\"connectorId\":3,"
	                                      "\"duration\":100}"),
	          "{\"status\":\"Rejected\"}");
	/* A unit the charge point does not schedule in: Rejected. */
	cpconfig_force(&st.cfg, "ChargingScheduleAllowedChargingRateUnit",
	               "Current");
	CHECK_STR(ask("GetCompositeSchedule",
	              "{\"connectorId\":1,\"duration\":100,"
	              "\"chargingRateUnit\":\"W\"}"),
	          "{\"status\":\"Rejected\"}");
	CHECK_STR(ask("GetCompositeSchedule", "{\"connectorId\":1}"),
	          "ProtocolError");
}

int main(void)
{
	char err[256];

	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL schemas: %s\n", err);
		return 1;
	}
	RUN(test_list_versions);
	RUN(test_list_answers);
	RUN(test_reservations);
	RUN(test_reservation_cancel_expiry);
	RUN(test_set_clear_profiles);
	RUN(test_composite);
	RUN(test_composite_answer);
	ocpp_schemas_free(schemas);
	CHECK_EXIT();
}
