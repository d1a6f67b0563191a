/*
 * test_cpsim_certs.c — the simulated charge point's certificate calls
 * (tools/cpsim/answer_certificates.c): the CSR it makes, CertificateSigned
 * for its own key and for another, and the root certificates it installs,
 * lists with the whitepaper's hash data and deletes; every CALLRESULT is
 * checked against the OCPP schema.
 */
#include "check.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include "ocpp_schema.h"
#include "cpsim_answer_all.h"

extern const char ocpp16_schemas_json[];

static ocpp_schemas *schemas;
static struct cpstate st;
static struct answer a;

static const char *ask(const char *action, const cJSON *p)
{
	static char msg[600];
	answer_call(&st, action, p, &a);
	if (a.error)
		return a.error;
	const ocpp_schema *s = ocpp_schema_find(schemas, action, 1);
	cJSON *r = cJSON_Parse(a.payload);
	if (!r || ocpp_validate(s, r, 0, msg, sizeof msg)) {
		cJSON_Delete(r);
		snprintf(msg, sizeof msg, "schema violation: %.400s",
		         a.payload);
		return msg;
	}
	const char *st_ =
	    cJSON_GetStringValue(cJSON_GetObjectItem(r, "status"));
	snprintf(msg, sizeof msg, "%.500s", st_ ? st_ : a.payload);
	cJSON_Delete(r);
	return msg;
}

static EVP_PKEY *ca_key;
static X509 *ca;

/* A certificate for the CSR's key (or, other: for a new key), signed by
 * the test CA; PEM, malloc'd. */
static char *issue(const char *csr_pem, int other)
{
	BIO *b = BIO_new_mem_buf(csr_pem, -1);
	X509_REQ *r = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
	BIO_free(b);
	EVP_PKEY *k = other ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
	                    : X509_REQ_get_pubkey(r);
	X509 *x = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_set_subject_name(x, X509_REQ_get_subject_name(r));
	X509_set_issuer_name(x, X509_get_subject_name(ca));
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_sign(x, ca_key, EVP_sha256());
	b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, x);
	char *p;
	long n = BIO_get_mem_data(b, &p);
	char *out = strndup(p, (size_t)n);
	BIO_free(b);
	X509_free(x);
	EVP_PKEY_free(k);
	X509_REQ_free(r);
	return out;
}

static void make_ca(void)
{
	ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	ca = X509_new();
	ASN1_INTEGER_set(X509_get_serialNumber(ca), 0x1f2e);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(ca), "CN",
	                           MBSTRING_UTF8, (const unsigned char *)"Root",
	                           -1, -1, 0);
	X509_set_issuer_name(ca, X509_get_subject_name(ca));
	X509_gmtime_adj(X509_getm_notBefore(ca), 0);
	X509_gmtime_adj(X509_getm_notAfter(ca), 86400);
	X509_set_pubkey(ca, ca_key);
	X509_sign(ca, ca_key, EVP_sha256());
}

static void csr_then_certificate_signed(void)
{
	char payload[2048];
	CHECK_INT(
	    cpcerts_sign_request(&st, "CP_1", "Acme", payload, sizeof payload),
	    0);
	cJSON *req = cJSON_Parse(payload);
	const char *csr = cJSON_GetStringValue(cJSON_GetObjectItem(req, "csr"));
	CHECK(csr && strstr(csr, "BEGIN CERTIFICATE REQUEST"));
	/* Signed for another key: not ours. */
	char *wrong = issue(csr, 1), *right = issue(csr, 0);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "certificateChain", wrong);
	CHECK_STR(ask("CertificateSigned", p), "Rejected");
	cJSON_ReplaceItemInObject(p, "certificateChain",
	                          cJSON_CreateString(right));
	CHECK_STR(ask("CertificateSigned", p), "Accepted");
	CHECK_INT(a.fu, FU_CERT);
	/* The CSR's key is used up: the same chain again is refused. */
	CHECK_STR(ask("CertificateSigned", p), "Rejected");
	cJSON_Delete(p);
	cJSON_Delete(req);
	free(wrong);
	free(right);
}

static void install_list_delete(void)
{
	BIO *b = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(b, ca);
	char *pem;
	long n = BIO_get_mem_data(b, &pem);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "certificateType",
	                        "CentralSystemRootCertificate");
	char *copy = strndup(pem, (size_t)n);
	cJSON_AddStringToObject(p, "certificate", copy);
	free(copy);
	BIO_free(b);
	CHECK_STR(ask("InstallCertificate", p), "Accepted");
	cJSON *g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "certificateType",
	                        "ManufacturerRootCertificate");
	CHECK_STR(ask("GetInstalledCertificateIds", g), "NotFound");
	cJSON_ReplaceItemInObject(
	    g, "certificateType",
	    cJSON_CreateString("CentralSystemRootCertificate"));
	CHECK_STR(ask("GetInstalledCertificateIds", g), "Accepted");
	cJSON *r = cJSON_Parse(a.payload);
	cJSON *h = cJSON_GetArrayItem(
	    cJSON_GetObjectItem(r, "certificateHashData"), 0);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(h, "serialNumber")),
	          "1F2E");
	CHECK_INT(strlen(cJSON_GetStringValue(
	              cJSON_GetObjectItem(h, "issuerNameHash"))),
	          64);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "certificateHashData", cJSON_Duplicate(h, 1));
	CHECK_STR(ask("DeleteCertificate", d), "Accepted");
	CHECK_STR(ask("DeleteCertificate", d), "NotFound");
	CHECK_STR(ask("GetInstalledCertificateIds", g), "NotFound");
	cJSON_ReplaceItemInObject(p, "certificate",
	                          cJSON_CreateString("not a certificate"));
	CHECK_STR(ask("InstallCertificate", p), "Rejected");
	cJSON_Delete(r);
	cJSON_Delete(d);
	cJSON_Delete(g);
	cJSON_Delete(p);
}

static void extended_trigger(void)
{
	cJSON *p = cJSON_Parse("{\"requestedMessage\":"
	                       "\"SignChargePointCertificate\"}");
	CHECK_STR(ask("ExtendedTriggerMessage", p), "Accepted");
	CHECK_INT(a.fu, FU_TRIGGER);
	CHECK_STR(a.what, "SignChargePointCertificate");
	cJSON_Delete(p);
	p = cJSON_Parse("{\"requestedMessage\":\"Heartbeat\","
	                "\"connectorId\":9}");
	CHECK_STR(ask("ExtendedTriggerMessage", p), "Rejected");
	cJSON_Delete(p);
}

int main(void)
{
	char err[256];
	if (ocpp_schemas_load(&schemas, ocpp16_schemas_json, err, sizeof err)) {
		printf("FAIL schemas: %s\n", err);
		return 1;
	}
	cpstate_init(&st, 2, 60, 10, 0);
	make_ca();
	RUN(csr_then_certificate_signed);
	RUN(install_list_delete);
	RUN(extended_trigger);
	cpcerts_free(&st);
	X509_free(ca);
	EVP_PKEY_free(ca_key);
	ocpp_schemas_free(schemas);
	CHECK_EXIT();
}
