/*
 * cert_issue.c — signing with the configured CA; see cert_issue.h.
 */
#include "cert_issue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct cert_ca {
	X509 *cert;
	EVP_PKEY *key;
};

static void ossl_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[160] = "";
	if (e)
		ERR_error_string_n(e, buf, sizeof buf);
	ERR_clear_error();
	snprintf(err, errlen, "%s%s%s", what, buf[0] ? ": " : "", buf);
}

int cert_ca_load(struct cert_ca **out, const char *cert_path,
                 const char *key_path, char *err, size_t errlen)
{
	struct cert_ca *ca = calloc(1, sizeof *ca);
	if (!ca) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	FILE *f = fopen(cert_path, "r");
	if (f) {
		ca->cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!ca->cert) {
		char what[600];
		snprintf(what, sizeof what, "cert_ca_cert %s: unreadable",
		         cert_path);
		ossl_err(err, errlen, what);
		cert_ca_free(ca);
		return -1;
	}
	f = fopen(key_path, "r");
	if (f) {
		ca->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!ca->key) {
		char what[600];
		snprintf(what, sizeof what, "cert_ca_key %s: unreadable",
		         key_path);
		ossl_err(err, errlen, what);
		cert_ca_free(ca);
		return -1;
	}
	if (X509_check_private_key(ca->cert, ca->key) != 1) {
		ERR_clear_error();
		snprintf(err, errlen,
		         "cert_ca_key %s is not the key of cert_ca_cert %s",
		         key_path, cert_path);
		cert_ca_free(ca);
		return -1;
	}
	*out = ca;
	return 0;
}

void cert_ca_free(struct cert_ca *ca)
{
	if (!ca)
		return;
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	free(ca);
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!e)
		return -1;
	int ok = X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	return ok ? 0 : -1;
}

/* A positive random serial of 128 bits (RFC 5280: at most 20 octets). */
static int random_serial(X509 *x)
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1)
		return -1;
	b[0] &= 0x7f;
	b[0] |= 0x40; /* always 16 octets, never a leading zero */
	BIGNUM *bn = BN_bin2bn(b, sizeof b, NULL);
	int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok ? 0 : -1;
}

static char *to_pem(X509 *leaf, X509 *ca)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *out = NULL;
	if (b && PEM_write_bio_X509(b, leaf) && PEM_write_bio_X509(b, ca)) {
		char *p;
		long n = BIO_get_mem_data(b, &p);
		out = malloc((size_t)n + 1);
		if (out) {
			memcpy(out, p, (size_t)n);
			out[n] = '\0';
		}
	}
	BIO_free(b);
	return out;
}

int cert_ca_sign(const struct cert_ca *ca, const char *csr_pem, int days,
                 char **chain, char *err, size_t errlen)
{
	int rc = -1;
	X509_REQ *req = NULL;
	X509 *x = NULL;
	BIO *bio = BIO_new_mem_buf(csr_pem, -1);
	if (bio)
		req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!req) {
		ossl_err(err, errlen, "the CSR does not parse");
		return -1;
	}
	x = X509_new();
	EVP_PKEY *pub = X509_REQ_get0_pubkey(req);
	/* An EC key agrees on keys, an RSA key encrypts them. */
	const char *usage = pub && EVP_PKEY_is_a(pub, "EC")
	                        ? "critical,digitalSignature,keyAgreement"
	                        : "critical,digitalSignature,keyEncipherment";
	if (!x || !pub || !X509_set_version(x, 2) || random_serial(x) ||
	    !X509_set_subject_name(x, X509_REQ_get_subject_name(req)) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(ca->cert)) ||
	    !X509_set_pubkey(x, pub) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -300) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), (long)days * 86400) ||
	    add_ext(x, ca->cert, NID_basic_constraints, "critical,CA:FALSE") ||
	    add_ext(x, ca->cert, NID_key_usage, usage) ||
	    add_ext(x, ca->cert, NID_ext_key_usage, "clientAuth") ||
	    add_ext(x, ca->cert, NID_subject_key_identifier, "hash") ||
	    /* OpenSSL 3.0 fails "keyid" on a CA without one. */
	    (X509_get0_subject_key_id(ca->cert) &&
	     add_ext(x, ca->cert, NID_authority_key_identifier, "keyid"))) {
		ossl_err(err, errlen, "building the certificate");
		goto out;
	}
	/* Ed25519/Ed448 keys sign without a separate digest. */
	const EVP_MD *md =
	    EVP_PKEY_is_a(ca->key, "ED25519") || EVP_PKEY_is_a(ca->key, "ED448")
	        ? NULL
	        : EVP_sha256();
	if (!X509_sign(x, ca->key, md)) {
		ossl_err(err, errlen, "signing");
		goto out;
	}
	*chain = to_pem(x, ca->cert);
	if (!*chain) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	X509_free(x);
	X509_REQ_free(req);
	return rc;
}

int cert_info_of(const char *pem, struct cert_info *ci, char *err,
                 size_t errlen)
{
	X509 *x = NULL;
	BIO *bio = BIO_new_mem_buf(pem, -1);
	if (bio)
		x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!x) {
		ossl_err(err, errlen, "no PEM certificate");
		return -1;
	}
	int rc = -1;
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	struct tm tm;
	BIO *mem = BIO_new(BIO_s_mem());
	if (hex && mem && ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1 &&
	    X509_NAME_print_ex(mem, X509_get_subject_name(x), 0,
	                       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
		snprintf(ci->serial, sizeof ci->serial, "%s", hex);
		char *p;
		long n = BIO_get_mem_data(mem, &p);
		if (n >= (long)sizeof ci->subject)
			n = (long)sizeof ci->subject - 1;
		memcpy(ci->subject, p, (size_t)n);
		ci->subject[n] = '\0';
		ci->not_after_ms = (int64_t)timegm(&tm) * 1000;
		rc = 0;
	} else {
		ossl_err(err, errlen, "reading the certificate");
	}
	BIO_free(mem);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	return rc;
}
