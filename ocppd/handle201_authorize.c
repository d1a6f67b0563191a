/*
 * handle201_authorize.c — 2.0.1 Authorize, and the idTokenInfo every
 * 2.0.1 answer about a token carries.
 *
 * One id-tag store for both protocols: idToken.idToken is looked up like
 * a 1.6 idTag (case-insensitive, users table) whatever its type —
 * ISO14443, ISO15693, KeyCode, Local, eMAID, MacAddress, Central.  A 1.6
 * idTag is an ISO14443 or Local token.  NoAuthorization (an empty token:
 * the station lets anyone charge) is Accepted.  A token longer than a
 * stored tag can be (20) is Invalid without a lookup: cut to 20 it could
 * name someone else's tag.  The 1.6 parentIdTag is the groupIdToken,
 * typed Central (the central system's grouping).
 */
#include <stdio.h>
#include <string.h>

#include "handlers201.h"
#include "id_tag.h"
#include "jsonutil.h"
#include "timeutil.h"

#define TAG_MAX 20 /* users.id_tag */

int id_token201_info(struct hctx *c, const cJSON *id_token,
                     int check_concurrent, long long exclude_tx, cJSON *conf,
                     char *status)
{
	const char *tok = json_str(id_token, "idToken", "");
	const char *type = json_str(id_token, "type", "");
	struct id_tag_info info;
	memset(&info, 0, sizeof info);
	info.expiry_ms = DB_NULL_TIME;
	if (!strcmp(type, "NoAuthorization"))
		snprintf(info.status, sizeof info.status, "Accepted");
	else if (!*tok || strlen(tok) > TAG_MAX)
		snprintf(info.status, sizeof info.status, "Invalid");
	else if (id_tag_lookup(c, tok, check_concurrent, exclude_tx, &info))
		return -1;
	snprintf(status, 16, "%s", info.status);
	cJSON *o = cJSON_AddObjectToObject(conf, "idTokenInfo");
	if (!o || json_add_str(o, "status", info.status))
		return -2;
	/* The same deliberate cache expiry as 1.6's expiryDate (id_tag.h). */
	if (info.expiry_ms != DB_NULL_TIME) {
		char ts[32];
		time_format_iso8601(info.expiry_ms, ts);
		if (json_add_str(o, "cacheExpiryDateTime", ts))
			return -2;
	}
	if (info.parent[0]) {
		cJSON *g = cJSON_AddObjectToObject(o, "groupIdToken");
		if (!g || json_add_str(g, "idToken", info.parent) ||
		    json_add_str(g, "type", "Central"))
			return -2;
	}
	return 0;
}

enum hres handle201_authorize(struct hctx *c, const cJSON *req, cJSON *conf)
{
	const cJSON *tok = cJSON_GetObjectItemCaseSensitive(req, "idToken");
	char status[16];
	int rc = id_token201_info(c, tok, 1, 0, conf, status);
	if (rc == -1)
		return hctx_db_error(c);
	if (rc)
		return H_INTERNAL;
	hctx_audit(c, "idToken=%s type=%s status=%s",
	           json_str(tok, "idToken", ""), json_str(tok, "type", ""),
	           status);
	return H_OK;
}
