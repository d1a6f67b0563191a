/*
 * cpcerts.h — the simulated charge point's certificates (OCPP 1.6
 * Security Whitepaper): its own key and certificate, which it asks the
 * central system to sign (SignCertificate, on TriggerMessage or
 * ExtendedTriggerMessage SignChargePointCertificate) and installs from
 * CertificateSigned, and the root certificates the central system
 * installs, lists and deletes.  Kept per charge point (cpstate.certs);
 * libcrypto only, no I/O except cpcerts_save.
 */
#ifndef CPSIM_CPCERTS_H
#define CPSIM_CPCERTS_H

#include <stddef.h>

#define CPCERTS_ROOTS_MAX 8

struct cpstate;

/* A new EC P-256 key (kept, pending) and a CSR for it with subject
 * O=org, CN=cn as a JSON SignCertificate payload in out; -1 on failure. */
int cpcerts_sign_request(struct cpstate *st, const char *cn, const char *org,
                         char *out, size_t len);

/* Writes the installed key and certificate chain to dir/<id>.key and
 * dir/<id>.crt (mode 0600 / 0644); -1 with err. */
int cpcerts_save(const struct cpstate *st, const char *dir, const char *id,
                 char *err, size_t errlen);

void cpcerts_free(struct cpstate *st);

#endif
