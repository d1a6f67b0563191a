/*
 * files_op.h — the files charge points upload and download through the
 * web server (docs/files.md): the one-time upload URL a GetDiagnostics or
 * GetLog gets when the operator gives no location, the firmware URL an
 * UpdateFirmware or SignedUpdateFirmware gets for a hosted image, and the
 * control ops the upload program (cgi-bin/upload.c) asks once a request
 * arrives: file_upload (consume the token, record the file), file_fetch
 * (check a firmware token, log the download) and firmware_add (record an
 * image the dashboard stored).
 *
 * A token is 32 random bytes (64 hex digits) in the URL; only its SHA-256
 * is written (file_tokens), bound to the charge point and the request.
 * The token's row is written by a job on the charge point's route and the
 * ops that use it run on the same route, so a charge point that uploads
 * the moment it gets the call still finds its token.
 */
#ifndef OCPPD_FILES_OP_H
#define OCPPD_FILES_OP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "control.h"

void files_init(const struct csms_config *cfg);

/*
 * For a call of action to cp_id about to be validated and sent: fills the
 * default upload location (GetDiagnostics, GetLog without one) or, when
 * the params name a hosted image ("firmwareId", taken out), the firmware
 * URL (UpdateFirmware, SignedUpdateFirmware), and queues the token's row.
 * Other actions are left alone.  0, or -1 with why.
 */
int files_prepare_call(const char *action, const char *cp_id, cJSON *payload,
                       char *why, size_t whylen);

/* The control ops file_upload, file_fetch and firmware_add. */
void files_request(const struct control_req *r);

#endif
