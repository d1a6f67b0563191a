/*
 * ui-certs.h — the charge point page's Certificates card
 * (docs/certificates.md): the certificates the central system issued to
 * it, the root certificates it reported installed, and the forms that
 * renew, list, install and delete them (sent as commands by ui-command.c).
 */
#ifndef CSMS_UI_CERTS_H
#define CSMS_UI_CERTS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "ui-shared.h"

/* Adds certs_issued and certs_installed (loops) for charge point id to
 * *vl; 0, or -1 on a database error. */
int ui_certs_vars(struct ui_req *r, const char *id, TMPL_varlist **vl);

/* DeleteCertificate's payload from the form's flat hash fields: they go
 * under certificateHashData (takes flat). */
cJSON *ui_certs_hash_data(cJSON *flat, char *why, size_t len);

#endif
