/*
 * send_get_log.c — GetLog (OCPP 1.6 Security Whitepaper): upload a
 * diagnostics or security log to a location.  Without one, the location
 * is csms-c's own upload URL (files_op.c fills it, with a requestId and
 * DiagnosticsLog by default); progress comes back as LogStatusNotification
 * (handle_security_status.c).  The location is not logged: it carries
 * the upload's token.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_get_log(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	snprintf(out, len, "status=%s requestId=%lld filename=%s",
	         json_str(conf, "status", "-"), json_int(req, "requestId", -1),
	         json_str(conf, "filename", "-"));
}

const struct send_op send_get_log = {"GetLog", 0, NULL, audit_get_log};
