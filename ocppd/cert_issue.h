/*
 * cert_issue.h — issuing a charge point certificate from an accepted CSR
 * with the configured CA (cert_ca_cert, cert_ca_key), and reading back
 * what was issued (serial, subject, expiry), whoever signed it.  Pure
 * libcrypto; the certificate thread (certs.c) calls it.
 */
#ifndef OCPPD_CERT_ISSUE_H
#define OCPPD_CERT_ISSUE_H

#include <stddef.h>
#include <stdint.h>

struct cert_ca;

/* Loads and pairs the CA's certificate and key; -1 with err naming the
 * file that could not be read, or the mismatch. */
int cert_ca_load(struct cert_ca **out, const char *cert_path,
                 const char *key_path, char *err, size_t errlen);
void cert_ca_free(struct cert_ca *ca);

/* Signs csr_pem for days (a random 128-bit serial, the CSR's subject and
 * key, clientAuth): *chain is the new certificate then the CA's, PEM,
 * malloc'd.  -1 with err. */
int cert_ca_sign(const struct cert_ca *ca, const char *csr_pem, int days,
                 char **chain, char *err, size_t errlen);

struct cert_info {
	char serial[80];   /* hex, upper case */
	char subject[256]; /* one line: "O=Acme, CN=CP_1" */
	int64_t not_after_ms;
};

/* The first certificate of a PEM chain; -1 with err. */
int cert_info_of(const char *pem, struct cert_info *ci, char *err,
                 size_t errlen);

#endif
