/*
 * test_ocpp_secret.c — AuthorizationKey values masked wherever they sit:
 * a ChangeConfiguration payload, GetConfiguration answers, whole frames,
 * any letter case; everything else untouched.
 */
#include "check.h"
#include "ocpp_secret.h"

#include <stdlib.h>

static void masks_change_and_get(void)
{
	cJSON *j =
	    cJSON_Parse("{\"key\":\"AuthorizationKey\",\"value\":\"x1\"}");
	CHECK_INT(ocpp_secret_mask(j), 1);
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	int ok = s && !strcmp(s, "{\"key\":\"AuthorizationKey\",\"value\":"
	                         "\"********\"}");
	free(s);
	CHECK(ok);

	j = cJSON_Parse("{\"configurationKey\":[{\"key\":\"HeartbeatInterval\","
	                "\"value\":\"300\"},{\"value\":\"x2\",\"readonly\":"
	                "false,\"key\":\"authorizationkey\"}],\"unknownKey\":"
	                "[\"AuthorizationKey\"]}");
	s = ocpp_secret_print(j);
	cJSON_Delete(j);
	ok = s && !strstr(s, "x2") && strstr(s, "\"300\"") &&
	     strstr(s, "\"value\":\"********\"");
	free(s);
	CHECK(ok);
}

static void leaves_the_rest_alone(void)
{
	cJSON *j = cJSON_Parse("{\"key\":\"MeterValueSampleInterval\","
	                       "\"value\":\"60\"}");
	CHECK_INT(ocpp_secret_mask(j), 0);
	char *s = ocpp_secret_print(j);
	cJSON_Delete(j);
	int ok = s && strstr(s, "\"60\"");
	free(s);
	CHECK(ok);
	char *out = (char *)1;
	size_t n = 1;
	const char f[] = "[2,\"1\",\"Heartbeat\",{}]";
	CHECK_INT(ocpp_secret_mask_text(f, sizeof f - 1, &out, &n), 0);
	CHECK(out == NULL);
}

static void masks_frames(void)
{
	const char f[] = "[2,\"9\",\"ChangeConfiguration\",{\"key\":"
	                 "\"AuthorizationKey\",\"value\":\"topsecret\"}]";
	char *out = NULL;
	size_t n = 0;
	CHECK_INT(ocpp_secret_mask_text(f, sizeof f - 1, &out, &n), 1);
	int ok = out && n == strlen(out) && !strstr(out, "topsecret") &&
	         strstr(out, "ChangeConfiguration");
	free(out);
	CHECK(ok);
	/* Broken JSON naming the key: nothing of it is logged. */
	const char bad[] = "[3,\"9\",{\"key\":\"AuthorizationKey\",\"value\":"
	                   "\"topsecret\"";
	CHECK_INT(ocpp_secret_mask_text(bad, sizeof bad - 1, &out, &n), 1);
	ok = out && !strstr(out, "topsecret") && strstr(out, "not logged");
	free(out);
	CHECK(ok);
}

/* OCPP 2.0.1 names the password as a device model variable: masked in
 * SetVariables, GetVariables' results and NotifyReport, any case; another
 * variable's value untouched. */
static void masks_201_variables(void)
{
	const char f[] =
	    "[2,\"9\",\"SetVariables\",{\"setVariableData\":["
	    "{\"attributeValue\":\"pw-set\",\"component\":{\"name\":"
	    "\"SecurityCtrlr\"},\"variable\":{\"name\":"
	    "\"basicauthpassword\"}},{\"attributeValue\":\"300\","
	    "\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":"
	    "{\"name\":\"HeartbeatInterval\"}}]}]";
	char *out = NULL;
	size_t n = 0;
	CHECK_INT(ocpp_secret_mask_text(f, sizeof f - 1, &out, &n), 1);
	int ok = out && !strstr(out, "pw-set") && strstr(out, "\"300\"") &&
	         strstr(out, "\"attributeValue\":\"********\"");
	free(out);
	CHECK(ok);
	cJSON *j = cJSON_Parse(
	    "{\"reportData\":[{\"component\":{\"name\":\"SecurityCtrlr\"},"
	    "\"variable\":{\"name\":\"BasicAuthPassword\"},"
	    "\"variableAttribute\":[{\"type\":\"Actual\",\"value\":"
	    "\"pw-rep\"},{\"type\":\"Target\",\"value\":\"pw-tgt\"}]}]}");
	CHECK_INT(ocpp_secret_mask(j), 2);
	char *s = cJSON_PrintUnformatted(j);
	cJSON_Delete(j);
	ok = s && !strstr(s, "pw-rep") && !strstr(s, "pw-tgt");
	free(s);
	CHECK(ok);
}

/* SetNetworkProfile: the profile's VPN and APN passwords, in a frame as
 * logged; the URL and the rest stay readable. */
static void masks_network_profile(void)
{
	const char f[] =
	    "[2,\"7\",\"SetNetworkProfile\",{\"configurationSlot\":1,"
	    "\"connectionData\":{\"ocppVersion\":\"OCPP20\","
	    "\"ocppTransport\":\"JSON\",\"ocppCsmsUrl\":\"wss://c/\","
	    "\"messageTimeout\":30,\"securityProfile\":1,"
	    "\"ocppInterface\":\"Wired0\",\"vpn\":{\"server\":\"v\","
	    "\"user\":\"u\",\"password\":\"vpn-pw\",\"key\":\"vpn-key\","
	    "\"type\":\"IPSec\"},\"apn\":{\"apn\":\"a\","
	    "\"apnPassword\":\"apn-pw\",\"apnAuthentication\":\"AUTO\"}}}]";
	char *out = NULL;
	size_t n = 0;
	CHECK_INT(ocpp_secret_mask_text(f, sizeof f - 1, &out, &n), 1);
	int ok = out && !strstr(out, "vpn-pw") && !strstr(out, "vpn-key") &&
	         !strstr(out, "apn-pw") && strstr(out, "wss://c/") &&
	         strstr(out, "\"user\":\"u\"");
	free(out);
	CHECK(ok);
}

int main(void)
{
	RUN(masks_change_and_get);
	RUN(leaves_the_rest_alone);
	RUN(masks_frames);
	RUN(masks_201_variables);
	RUN(masks_network_profile);
	CHECK_EXIT();
}
