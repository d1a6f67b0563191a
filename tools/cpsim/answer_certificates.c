/*
 * answer_certificates.c — the Security Whitepaper's certificate calls as
 * a charge point answers them (answer.c's table points here), and the
 * per charge point store of cpcerts.h.
 *
 * CertificateSigned is Accepted when the chain's first certificate holds
 * the key of the last CSR (then it is installed: FU_CERT saves it);
 * InstallCertificate keeps up to CPCERTS_ROOTS_MAX root certificates,
 * which GetInstalledCertificateIds lists with the whitepaper's hash data
 * (SHA256 of the issuer's name and key, the serial in hex) and
 * DeleteCertificate removes.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "answer_int.h"
#include "cpcerts.h"

struct root {
	char type[40];
	X509 *cert;
};

struct cpcerts {
	EVP_PKEY *pending; /* the key of the last CSR */
	EVP_PKEY *key;     /* the installed certificate's */
	char *chain;       /* PEM, as CertificateSigned sent it */
	struct root roots[CPCERTS_ROOTS_MAX];
	int nroots;
};

static struct cpcerts *certs_of(struct cpstate *st)
{
	if (!st->certs)
		st->certs = calloc(1, sizeof *st->certs);
	return st->certs;
}

void cpcerts_free(struct cpstate *st)
{
	struct cpcerts *c = st->certs;
	if (!c)
		return;
	EVP_PKEY_free(c->pending);
	EVP_PKEY_free(c->key);
	free(c->chain);
	for (int i = 0; i < c->nroots; i++)
		X509_free(c->roots[i].cert);
	free(c);
	st->certs = NULL;
}

int cpcerts_sign_request(struct cpstate *st, const char *cn, const char *org,
                         char *out, size_t len)
{
	struct cpcerts *c = certs_of(st);
	EVP_PKEY *k = c ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") : NULL;
	X509_REQ *r = k ? X509_REQ_new() : NULL;
	BIO *b = r ? BIO_new(BIO_s_mem()) : NULL;
	int rc = -1;
	if (b) {
		X509_NAME *n = X509_REQ_get_subject_name(r);
		char *p;
		long plen;
		if (X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
		                               (const unsigned char *)org, -1,
		                               -1, 0) &&
		    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
		                               (const unsigned char *)cn, -1,
		                               -1, 0) &&
		    X509_REQ_set_pubkey(r, k) &&
		    X509_REQ_sign(r, k, EVP_sha256()) &&
		    PEM_write_bio_X509_REQ(b, r) &&
		    (plen = BIO_get_mem_data(b, &p)) > 0) {
			cJSON *o = cJSON_CreateObject();
			char *pem = strndup(p, (size_t)plen);
			cJSON_AddStringToObject(o, "csr", pem ? pem : "");
			char *text = cJSON_PrintUnformatted(o);
			if (pem && text && strlen(text) < len) {
				snprintf(out, len, "%s", text);
				EVP_PKEY_free(c->pending);
				c->pending = k;
				k = NULL;
				rc = 0;
			}
			free(text);
			free(pem);
			cJSON_Delete(o);
		}
	}
	BIO_free(b);
	X509_REQ_free(r);
	EVP_PKEY_free(k);
	ERR_clear_error();
	return rc;
}

static X509 *pem_cert(const char *pem)
{
	BIO *b = BIO_new_mem_buf(pem, -1);
	X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
	BIO_free(b);
	ERR_clear_error();
	return x;
}

void answer_certificate_signed(struct cpstate *st, const cJSON *p,
                               struct answer *a)
{
	const char *chain =
	    answer_str_field(p, "certificateChain", 1, 10000, a);
	if (!chain)
		return;
	struct cpcerts *c = certs_of(st);
	X509 *x = pem_cert(chain);
	EVP_PKEY *pub = x ? X509_get0_pubkey(x) : NULL;
	if (!c || !c->pending || !pub || EVP_PKEY_eq(pub, c->pending) != 1) {
		X509_free(x);
		answer_set_status(a, "Rejected");
		return;
	}
	X509_free(x);
	char *copy = strdup(chain);
	if (!copy) {
		answer_set_status(a, "Rejected");
		return;
	}
	EVP_PKEY_free(c->key);
	free(c->chain);
	c->key = c->pending;
	c->pending = NULL;
	c->chain = copy;
	answer_set_status(a, "Accepted");
	a->fu = FU_CERT;
}

static int type_ok(const char *t)
{
	return !strcmp(t, "CentralSystemRootCertificate") ||
	       !strcmp(t, "ManufacturerRootCertificate");
}

void answer_install_certificate(struct cpstate *st, const cJSON *p,
                                struct answer *a)
{
	const char *type = answer_str_field(p, "certificateType", 1, 40, a);
	const char *pem =
	    type ? answer_str_field(p, "certificate", 1, 5500, a) : NULL;
	if (!pem)
		return;
	struct cpcerts *c = certs_of(st);
	X509 *x = type_ok(type) ? pem_cert(pem) : NULL;
	if (!c || !x || c->nroots >= CPCERTS_ROOTS_MAX) {
		X509_free(x);
		answer_set_status(a, "Rejected");
		return;
	}
	snprintf(c->roots[c->nroots].type, sizeof c->roots[0].type, "%s", type);
	c->roots[c->nroots++].cert = x;
	answer_set_status(a, "Accepted");
}

/* The whitepaper's CertificateHashDataType of x (a root: its own
 * issuer), SHA256; 0 ok. */
static int hash_data(X509 *x, char name[65], char key[65], char serial[41])
{
	unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	int len = i2d_X509_NAME(X509_get_issuer_name(x), &der);
	int ok =
	    len > 0 && EVP_Digest(der, (size_t)len, md, &n, EVP_sha256(), NULL);
	OPENSSL_free(der);
	for (unsigned i = 0; ok && i < n; i++)
		snprintf(name + 2 * i, 3, "%02x", md[i]);
	ok = ok && X509_pubkey_digest(x, EVP_sha256(), md, &n);
	for (unsigned i = 0; ok && i < n; i++)
		snprintf(key + 2 * i, 3, "%02x", md[i]);
	BIGNUM *bn =
	    ok ? ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL) : NULL;
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	ok = hex && strlen(hex) <= 40;
	if (ok)
		snprintf(serial, 41, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	return ok ? 0 : -1;
}

void answer_get_installed_certificate_ids(struct cpstate *st, const cJSON *p,
                                          struct answer *a)
{
	const char *type = answer_str_field(p, "certificateType", 1, 40, a);
	if (!type)
		return;
	struct cpcerts *c = certs_of(st);
	cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray();
	for (int i = 0; c && i < c->nroots; i++) {
		char name[65], key[65], serial[41];
		if (strcmp(c->roots[i].type, type) ||
		    hash_data(c->roots[i].cert, name, key, serial))
			continue;
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "hashAlgorithm", "SHA256");
		cJSON_AddStringToObject(h, "issuerNameHash", name);
		cJSON_AddStringToObject(h, "issuerKeyHash", key);
		cJSON_AddStringToObject(h, "serialNumber", serial);
		cJSON_AddItemToArray(list, h);
	}
	if (cJSON_GetArraySize(list)) {
		cJSON_AddStringToObject(o, "status", "Accepted");
		cJSON_AddItemToObject(o, "certificateHashData", list);
	} else {
		cJSON_Delete(list);
		cJSON_AddStringToObject(o, "status", "NotFound");
	}
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text && strlen(text) < sizeof a->payload)
		snprintf(a->payload, sizeof a->payload, "%s", text);
	else
		answer_set_error(a, "InternalError", "answer too long");
	free(text);
}

void answer_delete_certificate(struct cpstate *st, const cJSON *p,
                               struct answer *a)
{
	const cJSON *h =
	    cJSON_GetObjectItemCaseSensitive(p, "certificateHashData");
	if (!cJSON_IsObject(h)) {
		answer_set_error(a, "OccurenceConstraintViolation",
		                 "certificateHashData");
		return;
	}
	const char *name = answer_str_field(h, "issuerNameHash", 1, 128, a);
	const char *key =
	    name ? answer_str_field(h, "issuerKeyHash", 1, 128, a) : NULL;
	const char *serial =
	    key ? answer_str_field(h, "serialNumber", 1, 40, a) : NULL;
	if (!serial)
		return;
	struct cpcerts *c = certs_of(st);
	for (int i = 0; c && i < c->nroots; i++) {
		char n[65], k[65], s[41];
		if (hash_data(c->roots[i].cert, n, k, s) ||
		    strcasecmp(n, name) || strcasecmp(k, key) ||
		    strcasecmp(s, serial))
			continue;
		X509_free(c->roots[i].cert);
		c->roots[i] = c->roots[--c->nroots];
		answer_set_status(a, "Accepted");
		return;
	}
	answer_set_status(a, "NotFound");
}

/* ExtendedTriggerMessage: TriggerMessage's messages and the security
 * ones; connectorId only where the message has a connector. */
void answer_extended_trigger_message(struct cpstate *st, const cJSON *p,
                                     struct answer *a)
{
	static const char *const known[] = {"BootNotification",
	                                    "LogStatusNotification",
	                                    "FirmwareStatusNotification",
	                                    "Heartbeat",
	                                    "MeterValues",
	                                    "SignChargePointCertificate",
	                                    "StatusNotification"};
	const char *msg = answer_str_field(p, "requestedMessage", 1, 64, a);
	int id = 0, r;
	if (!msg)
		return;
	if ((r = answer_int_field(p, "connectorId", 0, &id, a)) < 0)
		return;
	if (r && (id < 1 || id > st->nconn)) {
		answer_set_status(a, "Rejected");
		return;
	}
	size_t i;
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (!strcmp(msg, known[i]))
			break;
	if (i == sizeof known / sizeof known[0]) {
		answer_set_status(a, "NotImplemented");
		return;
	}
	answer_set_status(a, "Accepted");
	a->fu = FU_TRIGGER;
	a->connector = r ? id : -1;
	snprintf(a->what, sizeof a->what, "%s", msg);
}

int cpcerts_save(const struct cpstate *st, const char *dir, const char *id,
                 char *err, size_t errlen)
{
	const struct cpcerts *c = st->certs;
	if (!c || !c->key || !c->chain) {
		snprintf(err, errlen, "no certificate installed");
		return -1;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/%s.key", dir, id);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	int ok =
	    f && PEM_write_PrivateKey(f, c->key, NULL, NULL, 0, NULL, NULL);
	if (f)
		ok = !fclose(f) && ok;
	else if (fd >= 0)
		close(fd);
	if (ok) {
		snprintf(path, sizeof path, "%s/%s.crt", dir, id);
		f = fopen(path, "w");
		ok = f && fputs(c->chain, f) >= 0;
		if (f)
			ok = !fclose(f) && ok;
	}
	if (!ok) {
		snprintf(err, errlen, "cannot write %s", path);
		return -1;
	}
	return 0;
}
