/*
 * send_certificates.c — the Security Whitepaper's certificate commands:
 * CertificateSigned (the chain the certificate thread issued, certs.h),
 * InstallCertificate, DeleteCertificate and GetInstalledCertificateIds
 * (the root certificates a charge point trusts; what it answers is kept
 * by cert_installed.h from the command history).
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"

static void audit_signed(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "chain=%zu bytes status=%s",
	         strlen(json_str(req, "certificateChain", "")),
	         json_str(conf, "status", "-"));
}

void send_audit_install_certificate(const cJSON *req, const cJSON *conf,
                                    char *out, size_t len)
{
	snprintf(out, len, "certificateType=%s status=%s",
	         json_str(req, "certificateType", "-"),
	         json_str(conf, "status", "-"));
}

void send_audit_delete_certificate(const cJSON *req, const cJSON *conf,
                                   char *out, size_t len)
{
	const cJSON *h =
	    cJSON_GetObjectItemCaseSensitive(req, "certificateHashData");
	snprintf(out, len, "serialNumber=%s status=%s",
	         json_str(h, "serialNumber", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_get_ids(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	snprintf(out, len, "certificateType=%s status=%s installed=%d",
	         json_str(req, "certificateType", "-"),
	         json_str(conf, "status", "-"),
	         cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	             conf, "certificateHashData")));
}

const struct send_op send_certificate_signed = {"CertificateSigned", 0, NULL,
                                                audit_signed};
const struct send_op send_install_certificate = {
    "InstallCertificate", 0, NULL, send_audit_install_certificate};
const struct send_op send_delete_certificate = {"DeleteCertificate", 0, NULL,
                                                send_audit_delete_certificate};
const struct send_op send_get_installed_certificate_ids = {
    "GetInstalledCertificateIds", 0, NULL, audit_get_ids};
