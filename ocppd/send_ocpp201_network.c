/*
 * send_ocpp201_network.c — 2.0.1 SetNetworkProfile (functional block B):
 * a connection profile stored in a slot of the station's (it is used once
 * NetworkConfigurationPriority names the slot, set by SetVariables).  The
 * profile's VPN and APN passwords are masked wherever the payload is kept
 * or logged (lib/ocpp_secret.c), like BasicAuthPassword.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_network(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	const cJSON *p =
	    cJSON_GetObjectItemCaseSensitive(req, "connectionData");
	snprintf(
	    out, len,
	    "slot=%lld url=%.200s securityProfile=%lld interface=%s "
	    "status=%s",
	    json_int(req, "configurationSlot", 0),
	    json_str(p, "ocppCsmsUrl", "-"), json_int(p, "securityProfile", 0),
	    json_str(p, "ocppInterface", "-"), json_str(conf, "status", "-"));
}

const struct send_op send201_set_network_profile = {"SetNetworkProfile", 0,
                                                    NULL, audit_network};
