/*
 * certs.h — the certificate thread (docs/certificates.md): a ticker
 * (ticker.h) with its own database connection that
 *   - signs the CSRs SignCertificate accepted (cp_certificates rows in
 *     state requested, of the charge points connected to this node; a row
 *     is claimed first, so no two nodes sign one CSR) with the configured
 *     CA (cert_issue.h) or the external command (cert_cmd.h), records
 *     what was issued, and sends CertificateSigned through the control
 *     socket like an operator, recording the charge point's answer;
 *   - asks charge points whose certificate expires within cert_renew_days
 *     for a new CSR (ExtendedTriggerMessage SignChargePointCertificate),
 *     at most once a day per certificate (a claim on the row).
 * Signing, an external command and waiting for a charge point's answer
 * all block, so none of it runs on the event loop or a database worker.
 */
#ifndef OCPPD_CERTS_H
#define OCPPD_CERTS_H

#include <stddef.h>

#include "config.h"

/* Checks the settings and loads the CA (a readable pair is required when
 * configured), at start before the privileges are dropped; 0 also when
 * nothing is configured.  -1 with err (one line). */
int certs_load(const struct csms_config *cfg, char *err, size_t errlen);
/* Starts the thread when signing is configured; -1 with err. */
int certs_start(const struct csms_config *cfg, char *err, size_t errlen);
void certs_stop(void);
/* A CSR was accepted: sign soon (any thread). */
void certs_poke(void);

#endif
