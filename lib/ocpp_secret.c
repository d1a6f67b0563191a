/*
 * ocpp_secret.c — masking secret configuration values; see ocpp_secret.h.
 *
 * The rule is structural, not per action: any object with a string "key"
 * that names a secret gets its "value" masked.  That one rule covers
 * ChangeConfiguration.req ({"key","value"}), each configurationKey entry of
 * GetConfiguration.conf and whatever nests them (a CALL or CALLRESULT
 * array), so no new action can forget it.  OCPP 2.0.1 names a variable
 * instead: an object whose "variable" is {"name": a secret} has its
 * "attributeValue" (SetVariables, GetVariables' results) and the "value"
 * of each of its "variableAttribute" entries (NotifyReport) masked.  A
 * 2.0.1 network connection profile (SetNetworkProfile's "connectionData")
 * has its VPN password and shared key and its APN password masked.
 */
#include "ocpp_secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* 1.6's AuthorizationKey; 2.0.1's SecurityCtrlr.BasicAuthPassword, the
 * same password as a device model variable. */
static const char *const secret_keys[] = {"AuthorizationKey",
                                          "BasicAuthPassword"};

/* Words that make a payload worth parsing for secrets beside the keys:
 * the network profile that carries passwords of its own. */
static const char *const secret_hints[] = {"connectionData"};

int ocpp_secret_key(const char *key)
{
	if (!key)
		return 0;
	for (size_t i = 0; i < sizeof secret_keys / sizeof secret_keys[0]; i++)
		if (!strcasecmp(key, secret_keys[i]))
			return 1;
	return 0;
}

/* Replaces obj's member name, when present, by the mask; 1 if it did. */
static int mask_member(cJSON *obj, const char *name)
{
	if (!cJSON_GetObjectItemCaseSensitive(obj, name))
		return 0;
	/* By name: the replacement must keep the key. */
	cJSON *m = cJSON_CreateString(OCPP_SECRET_MASK);
	if (m && cJSON_ReplaceItemInObjectCaseSensitive(obj, name, m))
		return 1;
	cJSON_Delete(m);
	return 0;
}

/* The 2.0.1 shapes: a secret variable's values in obj. */
static int mask_variable(cJSON *obj)
{
	const cJSON *var = cJSON_GetObjectItemCaseSensitive(obj, "variable");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(var, "name");
	if (!cJSON_IsString(name) || !ocpp_secret_key(name->valuestring))
		return 0;
	int n = mask_member(obj, "attributeValue");
	cJSON *attr;
	cJSON_ArrayForEach(
	    attr, cJSON_GetObjectItemCaseSensitive(obj, "variableAttribute"))
	{
		if (cJSON_IsObject(attr))
			n += mask_member(attr, "value");
	}
	return n;
}

/* SetNetworkProfile's connectionData: vpn.password, vpn.key and
 * apn.apnPassword. */
static int mask_connection_data(cJSON *obj)
{
	cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "connectionData");
	if (!cJSON_IsObject(p))
		return 0;
	int n = 0;
	cJSON *vpn = cJSON_GetObjectItemCaseSensitive(p, "vpn");
	cJSON *apn = cJSON_GetObjectItemCaseSensitive(p, "apn");
	if (cJSON_IsObject(vpn))
		n += mask_member(vpn, "password") + mask_member(vpn, "key");
	if (cJSON_IsObject(apn))
		n += mask_member(apn, "apnPassword");
	return n;
}

int ocpp_secret_mask(cJSON *node)
{
	int n = 0;
	if (!node)
		return 0;
	if (cJSON_IsObject(node)) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(node, "key");
		cJSON *v = cJSON_GetObjectItemCaseSensitive(node, "value");
		if (cJSON_IsString(k) && ocpp_secret_key(k->valuestring) && v)
			n += mask_member(node, "value");
		n += mask_variable(node);
		n += mask_connection_data(node);
	}
	cJSON *c;
	cJSON_ArrayForEach(c, node)
	{
		if (cJSON_IsObject(c) || cJSON_IsArray(c))
			n += ocpp_secret_mask(c);
	}
	return n;
}

/* Case-insensitive: does the text mention a secret key at all?  Most
 * payloads do not, and then nothing is copied. */
static int mentions_secret(const char *text, size_t len)
{
	for (size_t i = 0; i < sizeof secret_keys / sizeof secret_keys[0];
	     i++) {
		size_t kl = strlen(secret_keys[i]);
		for (size_t j = 0; j + kl <= len; j++)
			if (!strncasecmp(text + j, secret_keys[i], kl))
				return 1;
	}
	for (size_t i = 0; i < sizeof secret_hints / sizeof secret_hints[0];
	     i++) {
		size_t kl = strlen(secret_hints[i]);
		for (size_t j = 0; j + kl <= len; j++)
			if (!strncasecmp(text + j, secret_hints[i], kl))
				return 1;
	}
	return 0;
}

int ocpp_secret_may_mention(const char *text)
{
	for (size_t i = 0; i < sizeof secret_keys / sizeof secret_keys[0]; i++)
		if (strcasestr(text, secret_keys[i]))
			return 1;
	for (size_t i = 0; i < sizeof secret_hints / sizeof secret_hints[0];
	     i++)
		if (strcasestr(text, secret_hints[i]))
			return 1;
	return 0;
}

char *ocpp_secret_print(const cJSON *j)
{
	char *text = cJSON_PrintUnformatted(j);
	if (!text || !mentions_secret(text, strlen(text)))
		return text;
	free(text);
	cJSON *copy = cJSON_Duplicate(j, 1);
	if (!copy)
		return NULL;
	ocpp_secret_mask(copy);
	text = cJSON_PrintUnformatted(copy);
	cJSON_Delete(copy);
	return text;
}

int ocpp_secret_mask_text(const char *text, size_t len, char **out,
                          size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if (!mentions_secret(text, len))
		return 0;
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (root) {
		ocpp_secret_mask(root);
		*out = cJSON_PrintUnformatted(root);
		cJSON_Delete(root);
	} else {
		/* Unparseable text that names a secret: not worth the risk. */
		char buf[96];
		int n = snprintf(buf, sizeof buf,
		                 "(%zu bytes naming a secret key, not logged)",
		                 len);
		*out = malloc((size_t)n + 1);
		if (*out)
			memcpy(*out, buf, (size_t)n + 1);
	}
	if (*out)
		*outlen = strlen(*out);
	return 1;
}
