/*
 * cpconfig.c — the configuration key table.  One table, one place that
 * says which keys exist, their type and whether they can be written.
 */
#include "cpconfig.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *key;
	enum cpconfig_type type;
	int readonly;
	int hidden;
	const char *dflt; /* NULL: filled in by cpconfig_init */
} defaults[] = {
    {"AllowOfflineTxForUnknownId", CK_BOOL, 0, 0, "false"},
    {"AuthorizationCacheEnabled", CK_BOOL, 0, 0, "true"},
    {"AuthorizationKey", CK_STR, 0, 1, ""},
    {"AuthorizeRemoteTxRequests", CK_BOOL, 0, 0, "false"},
    {"ChargeProfileMaxStackLevel", CK_INT, 1, 0, "8"},
    {"ChargingScheduleAllowedChargingRateUnit", CK_CSL, 1, 0, "Current,Power"},
    {"ChargingScheduleMaxPeriods", CK_INT, 1, 0, "24"},
    {"ClockAlignedDataInterval", CK_INT, 0, 0, "0"},
    {"ConnectionTimeOut", CK_INT, 0, 0, "60"},
    {"ConnectorPhaseRotation", CK_CSL, 0, 0, NULL},
    {"GetConfigurationMaxKeys", CK_INT, 1, 0, "50"},
    {"HeartbeatInterval", CK_INT, 0, 0, NULL},
    {"LocalAuthListEnabled", CK_BOOL, 0, 0, "true"},
    {"LocalAuthListMaxLength", CK_INT, 1, 0, "1000"},
    {"LocalAuthorizeOffline", CK_BOOL, 0, 0, "true"},
    {"LocalPreAuthorize", CK_BOOL, 0, 0, "false"},
    {"MaxChargingProfilesInstalled", CK_INT, 1, 0, "16"},
    {"MeterValuesAlignedData", CK_CSL, 0, 0, "Energy.Active.Import.Register"},
    {"MeterValuesSampledData", CK_CSL, 0, 0,
     "Energy.Active.Import.Register,Power.Active.Import"},
    {"MeterValueSampleInterval", CK_INT, 0, 0, NULL},
    {"NumberOfConnectors", CK_INT, 1, 0, NULL},
    {"ReserveConnectorZeroSupported", CK_BOOL, 1, 0, "true"},
    {"ResetRetries", CK_INT, 0, 0, "3"},
    {"SendLocalListMaxLength", CK_INT, 1, 0, "1000"},
    {"StopTransactionOnEVSideDisconnect", CK_BOOL, 0, 0, "true"},
    {"StopTransactionOnInvalidId", CK_BOOL, 0, 0, "true"},
    {"StopTxnAlignedData", CK_CSL, 0, 0, ""},
    {"StopTxnSampledData", CK_CSL, 0, 0, "Energy.Active.Import.Register"},
    {"SupportedFeatureProfiles", CK_CSL, 1, 0,
     "Core,FirmwareManagement,LocalAuthListManagement,Reservation,"
     "SmartCharging,RemoteTrigger"},
    {"TransactionMessageAttempts", CK_INT, 0, 0, "3"},
    {"TransactionMessageRetryInterval", CK_INT, 0, 0, "60"},
    {"UnlockConnectorOnEVSideDisconnect", CK_BOOL, 0, 0, "true"},
    {"WebSocketPingInterval", CK_INT, 0, 0, "0"},
};

static struct cpconfig_key *find(const struct cpconfig *c, const char *key)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcasecmp(c->keys[i].key, key))
			return (struct cpconfig_key *)&c->keys[i];
	return NULL;
}

void cpconfig_init(struct cpconfig *c, int connectors, int heartbeat_s,
                   int meter_interval_s)
{
	size_t i;
	int j, o;

	memset(c, 0, sizeof *c);
	for (i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		struct cpconfig_key *k = &c->keys[c->n++];

		k->key = defaults[i].key;
		k->type = defaults[i].type;
		k->readonly = defaults[i].readonly;
		k->hidden = defaults[i].hidden;
		if (defaults[i].dflt)
			snprintf(k->value, sizeof k->value, "%s",
			         defaults[i].dflt);
	}
	snprintf(find(c, "HeartbeatInterval")->value, 128, "%d", heartbeat_s);
	snprintf(find(c, "MeterValueSampleInterval")->value, 128, "%d",
	         meter_interval_s);
	snprintf(find(c, "NumberOfConnectors")->value, 128, "%d", connectors);
	/* "0.RST,1.RST,..." until the buffer is full. */
	{
		char *v = find(c, "ConnectorPhaseRotation")->value;

		o = 0;
		for (j = 0; j <= connectors && o < 120; j++)
			o += snprintf(v + o, (size_t)(128 - o), "%s%d.RST",
			              j ? "," : "", j);
	}
}

int cpconfig_force(struct cpconfig *c, const char *key, const char *value)
{
	struct cpconfig_key *k = find(c, key);

	if (!k || strlen(value) >= sizeof k->value)
		return -1;
	snprintf(k->value, sizeof k->value, "%s", value);
	return 0;
}

const char *cpconfig_get(const struct cpconfig *c, const char *key)
{
	const struct cpconfig_key *k = find(c, key);

	return k && !k->hidden ? k->value : NULL;
}

int cpconfig_get_int(const struct cpconfig *c, const char *key, int dflt)
{
	const char *v = cpconfig_get(c, key);

	return v && *v ? atoi(v) : dflt;
}

static int valid(enum cpconfig_type type, const char *v)
{
	const char *p;

	switch (type) {
	case CK_INT:
		if (!*v || strlen(v) > 9)
			return 0;
		for (p = v; *p; p++)
			if (*p < '0' || *p > '9')
				return 0;
		return 1;
	case CK_BOOL:
		return !strcasecmp(v, "true") || !strcasecmp(v, "false");
	default:
		return 1;
	}
}

const char *cpconfig_change(struct cpconfig *c, const char *key,
                            const char *value)
{
	struct cpconfig_key *k = find(c, key);

	if (!k)
		return "NotSupported";
	if (k->readonly || !valid(k->type, value) ||
	    strlen(value) >= sizeof k->value)
		return "Rejected";
	if (k->type == CK_BOOL)
		snprintf(k->value, sizeof k->value, "%s",
		         !strcasecmp(value, "true") ? "true" : "false");
	else
		snprintf(k->value, sizeof k->value, "%s", value);
	return "Accepted";
}

static void add_key(cJSON *arr, const struct cpconfig_key *k)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "key", k->key);
	cJSON_AddBoolToObject(o, "readonly", k->readonly);
	cJSON_AddStringToObject(o, "value", k->value);
	cJSON_AddItemToArray(arr, o);
}

int cpconfig_reply(const struct cpconfig *c, const cJSON *keys, char *out,
                   size_t outlen)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *known = cJSON_AddArrayToObject(root, "configurationKey");
	cJSON *unknown = cJSON_CreateArray();
	const cJSON *it;
	int i, ok;

	if (!keys || !cJSON_IsArray(keys) || !cJSON_GetArraySize(keys)) {
		for (i = 0; i < c->n; i++)
			if (!c->keys[i].hidden)
				add_key(known, &c->keys[i]);
	} else {
		cJSON_ArrayForEach(it, keys)
		{
			const struct cpconfig_key *k;

			if (!cJSON_IsString(it))
				continue;
			k = find(c, it->valuestring);
			if (k && !k->hidden)
				add_key(known, k);
			else
				cJSON_AddItemToArray(
				    unknown,
				    cJSON_CreateString(it->valuestring));
		}
	}
	/* The schema allows unknownKey to be absent; omit it when empty. */
	if (cJSON_GetArraySize(unknown))
		cJSON_AddItemToObject(root, "unknownKey", unknown);
	else
		cJSON_Delete(unknown);
	ok = cJSON_PrintPreallocated(root, out, (int)outlen, 0);
	cJSON_Delete(root);
	return ok ? (int)strlen(out) : -1;
}
