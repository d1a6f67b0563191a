/*
 * send_configuration.c — GetConfiguration and ChangeConfiguration, the
 * charge point's configuration keys.
 *
 * Operators type one key more often than a list, and a number more often
 * than the string OCPP wants: a single key string becomes the one-element
 * array, a numeric or boolean value its text.  Anything else goes to the
 * schema as given.  Values are never logged (AuthorizationKey is one).
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"

static int build_get(const cJSON *params, cJSON **payload, char *why,
                     size_t whylen)
{
	(void)why;
	(void)whylen;
	cJSON *p = cJSON_Duplicate(params, 1);
	if (!p)
		return -1;
	cJSON *key = cJSON_GetObjectItemCaseSensitive(p, "key");
	if (cJSON_IsString(key)) {
		cJSON *arr = cJSON_CreateArray();
		if (!arr) {
			cJSON_Delete(p);
			return -1;
		}
		cJSON_AddItemToArray(arr, cJSON_Duplicate(key, 0));
		cJSON_ReplaceItemInObjectCaseSensitive(p, "key", arr);
	}
	*payload = p;
	return 0;
}

static void audit_get(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	const cJSON *keys = cJSON_GetObjectItemCaseSensitive(req, "key");
	const cJSON *got =
	    cJSON_GetObjectItemCaseSensitive(conf, "configurationKey");
	const cJSON *unknown =
	    cJSON_GetObjectItemCaseSensitive(conf, "unknownKey");
	snprintf(out, len, "asked=%s keys=%d unknown=%d",
	         cJSON_IsArray(keys) ? "some" : "all", cJSON_GetArraySize(got),
	         cJSON_GetArraySize(unknown));
}

static int build_change(const cJSON *params, cJSON **payload, char *why,
                        size_t whylen)
{
	(void)why;
	(void)whylen;
	cJSON *p = cJSON_Duplicate(params, 1);
	if (!p)
		return -1;
	cJSON *v = cJSON_GetObjectItemCaseSensitive(p, "value");
	char text[64] = "";
	if (cJSON_IsNumber(v))
		snprintf(text, sizeof text, "%.17g", v->valuedouble);
	else if (cJSON_IsBool(v))
		snprintf(text, sizeof text, "%s",
		         cJSON_IsTrue(v) ? "true" : "false");
	if (text[0])
		cJSON_ReplaceItemInObjectCaseSensitive(
		    p, "value", cJSON_CreateString(text));
	*payload = p;
	return 0;
}

static void audit_change(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "key=%s status=%s", json_str(req, "key", "-"),
	         json_str(conf, "status", "-"));
}

const struct send_op send_get_configuration = {"GetConfiguration", 0, build_get,
                                               audit_get};
const struct send_op send_change_configuration = {"ChangeConfiguration", 0,
                                                  build_change, audit_change};
