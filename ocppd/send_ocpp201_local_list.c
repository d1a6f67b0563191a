/*
 * send_ocpp201_local_list.c — 2.0.1's SendLocalList and
 * GetLocalListVersion (functional block D).  The list comes from the same
 * store as 1.6's (local_list.c builds it in 1.6's shape: listVersion,
 * idTag, idTagInfo); a 2.0.1 station gets it in 2.0.1's: versionNumber,
 * idToken {idToken, type ISO14443}, idTokenInfo {status,
 * cacheExpiryDateTime, groupIdToken}.  A payload already in 2.0.1's shape
 * (an operator's) is sent as it is.
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"

static cJSON *token(const char *id, const char *type)
{
	cJSON *t = cJSON_CreateObject();
	if (t && (!cJSON_AddStringToObject(t, "idToken", id) ||
	          !cJSON_AddStringToObject(t, "type", type))) {
		cJSON_Delete(t);
		t = NULL;
	}
	return t;
}

/* A 1.6 AuthorizationData entry as 2.0.1's; NULL when out of memory. */
static cJSON *entry201(const cJSON *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *tok = token(json_str(e, "idTag", ""), "ISO14443");
	if (!o || !tok || !cJSON_AddItemToObject(o, "idToken", tok)) {
		cJSON_Delete(tok);
		cJSON_Delete(o);
		return NULL;
	}
	const cJSON *info = cJSON_GetObjectItemCaseSensitive(e, "idTagInfo");
	if (!cJSON_IsObject(info))
		return o; /* no info: the entry removes the token */
	cJSON *i = cJSON_AddObjectToObject(o, "idTokenInfo");
	const char *exp = json_str(info, "expiryDate", NULL);
	const char *parent = json_str(info, "parentIdTag", NULL);
	cJSON *grp = parent ? token(parent, "Central") : NULL;
	if (!i ||
	    !cJSON_AddStringToObject(i, "status",
	                             json_str(info, "status", "Invalid")) ||
	    (exp && !cJSON_AddStringToObject(i, "cacheExpiryDateTime", exp)) ||
	    (parent &&
	     (!grp || !cJSON_AddItemToObject(i, "groupIdToken", grp)))) {
		if (grp && !cJSON_GetObjectItemCaseSensitive(i, "groupIdToken"))
			cJSON_Delete(grp);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int build_send(const cJSON *params, cJSON **payload, char *why,
                      size_t whylen)
{
	(void)why;
	(void)whylen;
	if (!cJSON_HasObjectItem(params, "listVersion")) {
		*payload = cJSON_Duplicate(params, 1);
		return *payload ? 0 : -1;
	}
	cJSON *p = cJSON_CreateObject();
	if (!p)
		return -1;
	const cJSON *f;
	cJSON_ArrayForEach(f, params)
	{
		cJSON *v = NULL;
		const char *key = f->string;
		if (!strcmp(key, "listVersion")) {
			key = "versionNumber";
		} else if (!strcmp(key, "localAuthorizationList") &&
		           cJSON_IsArray(f)) {
			/* 2.0.1 wants at least one entry or none at all. */
			if (!cJSON_GetArraySize(f))
				continue;
			v = cJSON_CreateArray();
			const cJSON *e;
			cJSON_ArrayForEach(e, f)
			{
				cJSON *x = v ? entry201(e) : NULL;
				if (!x || !cJSON_AddItemToArray(v, x)) {
					cJSON_Delete(x);
					cJSON_Delete(v);
					v = NULL;
					break;
				}
			}
			if (!v)
				goto oom;
		}
		if (!v)
			v = cJSON_Duplicate(f, 1);
		if (!v || !cJSON_AddItemToObject(p, key, v)) {
			cJSON_Delete(v);
			goto oom;
		}
	}
	*payload = p;
	return 0;
oom:
	cJSON_Delete(p);
	return -1;
}

static void audit_send(const cJSON *req, const cJSON *conf, char *out,
                       size_t len)
{
	snprintf(
	    out, len, "versionNumber=%lld updateType=%s entries=%d status=%s",
	    json_int(req, "versionNumber", 0), json_str(req, "updateType", "-"),
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	        req, "localAuthorizationList")),
	    json_str(conf, "status", "-"));
}

static void audit_version(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	(void)req;
	snprintf(out, len, "versionNumber=%lld",
	         json_int(conf, "versionNumber", -1));
}

const struct send_op send201_send_local_list = {"SendLocalList", 0, build_send,
                                                audit_send};
const struct send_op send201_get_local_list_version = {"GetLocalListVersion", 0,
                                                       NULL, audit_version};
