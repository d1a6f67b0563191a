/*
 * send_firmware.c — the Firmware Management profile: GetDiagnostics
 * (upload a diagnostics file to a location) and UpdateFirmware (download
 * and install).  Progress comes back as DiagnosticsStatusNotification and
 * FirmwareStatusNotification (handle_firmware.c).  Locations are not
 * logged: they may carry credentials.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_diag(const cJSON *req, const cJSON *conf, char *out,
                       size_t len)
{
	(void)req;
	snprintf(out, len, "fileName=%s", json_str(conf, "fileName", "-"));
}

static void audit_update(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	(void)conf;
	snprintf(out, len, "retrieveDate=%s",
	         json_str(req, "retrieveDate", "-"));
}

const struct send_op send_get_diagnostics = {"GetDiagnostics", 0, NULL,
                                             audit_diag};
const struct send_op send_update_firmware = {"UpdateFirmware", 0, NULL,
                                             audit_update};
