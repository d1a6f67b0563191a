/*
 * csr_check.h — what a charge point's certificate signing request
 * (SignCertificate.csr, PEM) must be before the central system signs it:
 * a PKCS#10 request whose own signature verifies, whose subject names the
 * configured organisation (O) and the charge point's identity (CN), with
 * a key of an accepted kind (EC P-256 or P-384, RSA of 2048 bits or
 * more).  Pure libcrypto, no database: the SignCertificate handler and
 * the unit test call it.
 */
#ifndef OCPPD_CSR_CHECK_H
#define OCPPD_CSR_CHECK_H

#include <stddef.h>

#define CSR_PEM_MAX 5500 /* SignCertificate.req: csr maxLength */

/* 0 when pem is acceptable for cp_id under organization; -1 with why
 * (one line: "CN \"X\" is not the charge point's identity"). */
int csr_check(const char *pem, const char *organization, const char *cp_id,
              char *why, size_t whylen);

#endif
