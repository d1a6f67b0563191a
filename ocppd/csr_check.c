/*
 * csr_check.c — the checks on a charge point's CSR; see csr_check.h.
 */
#include "csr_check.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

/* The one value of nid in name, into out; -1 when absent or given twice
 * (two CNs would let a request name two identities). */
static int name_entry(X509_NAME *name, int nid, char *out, size_t len)
{
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	if (i < 0 || X509_NAME_get_index_by_NID(name, nid, i) >= 0)
		return -1;
	const ASN1_STRING *s =
	    X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
	unsigned char *utf8 = NULL;
	int n = ASN1_STRING_to_UTF8(&utf8, s);
	if (n < 0)
		return -1;
	/* An embedded NUL would compare equal to a prefix. */
	int ok = (size_t)n < len && !memchr(utf8, '\0', (size_t)n);
	if (ok) {
		memcpy(out, utf8, (size_t)n);
		out[n] = '\0';
	}
	OPENSSL_free(utf8);
	return ok ? 0 : -1;
}

/* 0 when the key is of a kind and size the central system signs. */
static int key_ok(EVP_PKEY *key, char *why, size_t whylen)
{
	int bits = EVP_PKEY_get_bits(key);
	if (EVP_PKEY_is_a(key, "RSA")) {
		if (bits >= 2048)
			return 0;
		snprintf(why, whylen, "RSA key of %d bits (2048 at least)",
		         bits);
		return -1;
	}
	if (EVP_PKEY_is_a(key, "EC")) {
		char curve[64] = "";
		size_t n = 0;
		EVP_PKEY_get_utf8_string_param(key, "group", curve,
		                               sizeof curve, &n);
		if (!strcmp(curve, "prime256v1") || !strcmp(curve, "P-256") ||
		    !strcmp(curve, "secp384r1") || !strcmp(curve, "P-384"))
			return 0;
		snprintf(why, whylen, "EC key on curve %s (P-256 or P-384)",
		         curve[0] ? curve : "?");
		return -1;
	}
	snprintf(why, whylen, "key type %s (EC or RSA only)",
	         EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key)
	                                      : "?");
	return -1;
}

int csr_check(const char *pem, const char *organization, const char *cp_id,
              char *why, size_t whylen)
{
	int rc = -1;
	X509_REQ *req = NULL;
	BIO *bio = BIO_new_mem_buf(pem, -1);
	if (bio)
		req = PEM_read_bio_X509_REQ(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (!req) {
		snprintf(why, whylen, "not a PEM certificate request");
		return -1;
	}
	EVP_PKEY *key = X509_REQ_get0_pubkey(req);
	X509_NAME *subj = X509_REQ_get_subject_name(req);
	char o[256], cn[256];
	if (!key) {
		snprintf(why, whylen, "no public key");
	} else if (X509_REQ_verify(req, key) != 1) {
		snprintf(why, whylen,
		         "the request's signature does not verify");
	} else if (key_ok(key, why, whylen)) {
		/* why set */
	} else if (name_entry(subj, NID_commonName, cn, sizeof cn)) {
		snprintf(why, whylen, "the subject has no single CN");
	} else if (strcmp(cn, cp_id)) {
		snprintf(why, whylen,
		         "CN \"%.100s\" is not the charge point's identity",
		         cn);
	} else if (name_entry(subj, NID_organizationName, o, sizeof o)) {
		snprintf(why, whylen, "the subject has no single O");
	} else if (!organization || !organization[0] ||
	           strcmp(o, organization)) {
		snprintf(why, whylen,
		         "O \"%.100s\" is not the configured organisation", o);
	} else {
		rc = 0;
	}
	X509_REQ_free(req);
	/* What failed above stays in the thread's queue otherwise. */
	ERR_clear_error();
	return rc;
}
