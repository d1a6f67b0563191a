/*
 * test_csr_check.c — what a charge point's CSR must be before ocppd signs
 * it (ocppd/csr_check.c), and the CA signing it (ocppd/cert_issue.c):
 * requests built here with libcrypto, one per rule.
 */
#include "../../ocppd/cert_issue.c"
#include "../../ocppd/csr_check.c"
#include "check.h"

#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <unistd.h>

static EVP_PKEY *ec_key(const char *curve)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
}

static EVP_PKEY *rsa_key(size_t bits)
{
	return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", bits);
}

/* A PEM CSR for key with subject O=o (NULL: none), CN=cn, signed by
 * signer (NULL: key itself); malloc'd. */
static char *csr(EVP_PKEY *key, const char *o, const char *cn, EVP_PKEY *signer)
{
	X509_REQ *r = X509_REQ_new();
	X509_NAME *n = X509_REQ_get_subject_name(r);
	if (o)
		X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
		                           (const unsigned char *)o, -1, -1, 0);
	if (cn)
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
		                           (const unsigned char *)cn, -1, -1,
		                           0);
	X509_REQ_set_pubkey(r, key);
	X509_REQ_sign(r, signer ? signer : key, EVP_sha256());
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509_REQ(b, r);
	char *p;
	long len = BIO_get_mem_data(b, &p);
	char *out = strndup(p, (size_t)len);
	BIO_free(b);
	X509_REQ_free(r);
	return out;
}

static int verdict(EVP_PKEY *key, const char *o, const char *cn,
                   EVP_PKEY *signer, char *why)
{
	char *pem = csr(key, o, cn, signer);
	int rc = csr_check(pem, "Acme Charging", "CP_1", why, 256);
	free(pem);
	return rc;
}

static void ec_p256_accepted(void)
{
	char why[256] = "";
	EVP_PKEY *k = ec_key("P-256");
	CHECK_INT(verdict(k, "Acme Charging", "CP_1", NULL, why), 0);
	EVP_PKEY_free(k);
}

static void ec_p384_and_rsa2048_accepted(void)
{
	char why[256] = "";
	EVP_PKEY *k = ec_key("P-384"), *r = rsa_key(2048);
	CHECK_INT(verdict(k, "Acme Charging", "CP_1", NULL, why), 0);
	CHECK_INT(verdict(r, "Acme Charging", "CP_1", NULL, why), 0);
	EVP_PKEY_free(k);
	EVP_PKEY_free(r);
}

static void other_identity_refused(void)
{
	char why[256] = "";
	EVP_PKEY *k = ec_key("P-256");
	CHECK_INT(verdict(k, "Acme Charging", "CP_2", NULL, why), -1);
	CHECK(strstr(why, "CN \"CP_2\"") != NULL);
	/* A prefix of the identity is another identity. */
	CHECK_INT(verdict(k, "Acme Charging", "CP_", NULL, why), -1);
	CHECK_INT(verdict(k, "Acme Charging", NULL, NULL, why), -1);
	CHECK(strstr(why, "no single CN") != NULL);
	EVP_PKEY_free(k);
}

static void wrong_organisation_refused(void)
{
	char why[256] = "";
	EVP_PKEY *k = ec_key("P-256");
	CHECK_INT(verdict(k, "Evil Corp", "CP_1", NULL, why), -1);
	CHECK(strstr(why, "O \"Evil Corp\"") != NULL);
	CHECK_INT(verdict(k, NULL, "CP_1", NULL, why), -1);
	CHECK(strstr(why, "no single O") != NULL);
	/* No organisation configured: nothing passes. */
	char *pem = csr(k, "", "CP_1", NULL);
	CHECK_INT(csr_check(pem, "", "CP_1", why, sizeof why), -1);
	free(pem);
	EVP_PKEY_free(k);
}

static void weak_keys_refused(void)
{
	char why[256] = "";
	EVP_PKEY *r = rsa_key(1024), *k = ec_key("P-521");
	CHECK_INT(verdict(r, "Acme Charging", "CP_1", NULL, why), -1);
	CHECK(strstr(why, "1024 bits") != NULL);
	CHECK_INT(verdict(k, "Acme Charging", "CP_1", NULL, why), -1);
	CHECK(strstr(why, "curve") != NULL);
	EVP_PKEY_free(r);
	EVP_PKEY_free(k);
}

static void bad_signature_refused(void)
{
	char why[256] = "";
	EVP_PKEY *k = ec_key("P-256"), *other = ec_key("P-256");
	CHECK_INT(verdict(k, "Acme Charging", "CP_1", other, why), -1);
	CHECK(strstr(why, "signature") != NULL);
	CHECK_INT(csr_check("-----BEGIN CERTIFICATE REQUEST-----", "Acme",
	                    "CP_1", why, sizeof why),
	          -1);
	CHECK(strstr(why, "not a PEM") != NULL);
	EVP_PKEY_free(k);
	EVP_PKEY_free(other);
}

/* A self-signed CA written to files, loaded, signing a CSR. */
static void ca_signs(void)
{
	char cpath[64], kpath[64], err[300] = "";
	snprintf(cpath, sizeof cpath, "/tmp/csms-test-ca-%d.crt", getpid());
	snprintf(kpath, sizeof kpath, "/tmp/csms-test-ca-%d.key", getpid());
	EVP_PKEY *cak = ec_key("P-256");
	X509 *cax = X509_new();
	X509_set_version(cax, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(cax), 1);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(cax), "CN",
	                           MBSTRING_UTF8,
	                           (const unsigned char *)"Test CA", -1, -1, 0);
	X509_set_issuer_name(cax, X509_get_subject_name(cax));
	X509_gmtime_adj(X509_getm_notBefore(cax), 0);
	X509_gmtime_adj(X509_getm_notAfter(cax), 86400);
	X509_set_pubkey(cax, cak);
	X509_sign(cax, cak, EVP_sha256());
	FILE *f = fopen(cpath, "w");
	PEM_write_X509(f, cax);
	fclose(f);
	f = fopen(kpath, "w");
	PEM_write_PrivateKey(f, cak, NULL, NULL, 0, NULL, NULL);
	fclose(f);

	struct cert_ca *ca = NULL;
	CHECK_INT(cert_ca_load(&ca, "/nonexistent.crt", kpath, err, sizeof err),
	          -1);
	CHECK(strstr(err, "cert_ca_cert /nonexistent.crt") != NULL);
	CHECK_INT(cert_ca_load(&ca, cpath, kpath, err, sizeof err), 0);
	EVP_PKEY *k = ec_key("P-256");
	char *pem = csr(k, "Acme Charging", "CP_1", NULL), *chain = NULL;
	int src = cert_ca_sign(ca, pem, 30, &chain, err, sizeof err);
	if (src)
		fprintf(stderr, "%s\n", err);
	CHECK_INT(src, 0);
	struct cert_info ci;
	CHECK_INT(cert_info_of(chain, &ci, err, sizeof err), 0);
	CHECK(strstr(ci.subject, "CN = CP_1") != NULL);
	CHECK(strstr(ci.subject, "O = Acme Charging") != NULL);
	CHECK_INT(strlen(ci.serial), 32);
	int64_t days = (ci.not_after_ms / 1000 - time(NULL)) / 86400;
	CHECK(days == 29 || days == 30);
	/* The chain: the new certificate, then the CA's. */
	CHECK(strstr(strstr(chain, "END CERTIFICATE"), "BEGIN CERTIFICATE"));
	/* It verifies against the CA. */
	BIO *b = BIO_new_mem_buf(chain, -1);
	X509 *leaf = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	CHECK_INT(X509_verify(leaf, cak), 1);
	X509_free(leaf);
	free(chain);
	free(pem);
	cert_ca_free(ca);
	EVP_PKEY_free(k);
	EVP_PKEY_free(cak);
	X509_free(cax);
	unlink(cpath);
	unlink(kpath);
}

int main(void)
{
	RUN(ec_p256_accepted);
	RUN(ec_p384_and_rsa2048_accepted);
	RUN(other_identity_refused);
	RUN(wrong_organisation_refused);
	RUN(weak_keys_refused);
	RUN(bad_signature_refused);
	RUN(ca_signs);
	CHECK_EXIT();
}
