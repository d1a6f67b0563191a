/*
 * send_signed_firmware.c — SignedUpdateFirmware (OCPP 1.6 Security
 * Whitepaper): download, verify with the signing certificate and the
 * signature, install.  A hosted image ("firmwareId") gets its tokened URL
 * from files_op.c; progress comes back as SignedFirmwareStatusNotification
 * (handle_security_status.c).  The location is not logged.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_signed(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "status=%s requestId=%lld",
	         json_str(conf, "status", "-"), json_int(req, "requestId", -1));
}

const struct send_op send_signed_update_firmware = {"SignedUpdateFirmware", 0,
                                                    NULL, audit_signed};
