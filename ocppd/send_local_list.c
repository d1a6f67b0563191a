/*
 * send_local_list.c — the Local Auth List profile: SendLocalList (a full
 * list or differential update of the tags the charge point may accept
 * offline) and GetLocalListVersion.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_send(const cJSON *req, const cJSON *conf, char *out,
                       size_t len)
{
	snprintf(
	    out, len, "listVersion=%lld updateType=%s entries=%d status=%s",
	    json_int(req, "listVersion", 0), json_str(req, "updateType", "-"),
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	        req, "localAuthorizationList")),
	    json_str(conf, "status", "-"));
}

static void audit_version(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	(void)req;
	snprintf(out, len, "listVersion=%lld",
	         json_int(conf, "listVersion", -1));
}

const struct send_op send_send_local_list = {"SendLocalList", 0, NULL,
                                             audit_send};
const struct send_op send_get_local_list_version = {"GetLocalListVersion", 0,
                                                    NULL, audit_version};
