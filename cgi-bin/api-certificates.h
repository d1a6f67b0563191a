/*
 * api-certificates.h — GET /cps/{cp_id}/certificates: the certificates
 * the central system issued to a charge point (SignCertificate ->
 * CertificateSigned, newest first) and the root certificates it reported
 * installed (GetInstalledCertificateIds), docs/certificates.md.
 */
#ifndef CSMS_API_CERTIFICATES_H
#define CSMS_API_CERTIFICATES_H

#include "api-req.h"

void api_cp_certificates(struct api_req *r);

#endif
