/*
 * send_ocpp201_security.c — the 2.0.1 certificate, firmware and log
 * commands (functional blocks A, L, N) under the names 1.6's Security
 * Whitepaper gave them: CertificateSigned (from the certificate thread,
 * certs.h), InstallCertificate, DeleteCertificate,
 * GetInstalledCertificateIds (the installed set kept by
 * cert_installed.h), GetLog (csms-c's own upload URL by default,
 * files_op.c) and UpdateFirmware in 2.0.1's shape (requestId, firmware
 * {location, retrieveDateTime, signingCertificate, signature}; a hosted
 * image's tokened URL, files_op.c).  Locations are not logged: they
 * carry the URL's token.
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"
#include "timeutil.h"

/* certs.c sends the chain alone: it is the station's own certificate. */
static int build_signed(const cJSON *params, cJSON **payload, char *why,
                        size_t whylen)
{
	(void)why;
	(void)whylen;
	*payload = cJSON_Duplicate(params, 1);
	if (*payload && cJSON_IsObject(*payload) &&
	    !cJSON_HasObjectItem(*payload, "certificateType") &&
	    !cJSON_AddStringToObject(*payload, "certificateType",
	                             "ChargingStationCertificate")) {
		cJSON_Delete(*payload);
		*payload = NULL;
	}
	return *payload ? 0 : -1;
}

/* Request ids for firmware updates given a location of the operator's
 * (a hosted image gets files_op.c's); a restart does not repeat them
 * soon, as files_op.c's. */
static int next_request_id(void)
{
	static int next;
	if (next < 1 || next >= 2000000000)
		next = (int)((time_now_ms() / 1000 - 1767225600LL) %
		             1000000000LL) +
		       1000000000;
	return next++;
}

static int move_to(cJSON *from, const char *name, cJSON *to, const char *as)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(from, name);
	if (!v)
		return 0;
	cJSON_DeleteItemFromObjectCaseSensitive(to, as);
	if (!cJSON_AddItemToObject(to, as, v)) {
		cJSON_Delete(v);
		return -1;
	}
	return 0;
}

/* 2.0.1's shape; 1.6's location and retrieveDate moved into firmware, so
 * a script written for 1.6 serves both.  The firmware object is always
 * there: files_op.c tells the shapes apart by it. */
static int build_update(const cJSON *params, cJSON **payload, char *why,
                        size_t whylen)
{
	cJSON *p = cJSON_Duplicate(params, 1);
	if (!p || !cJSON_IsObject(p)) {
		cJSON_Delete(p);
		*payload = NULL;
		snprintf(why, whylen, "params: an object");
		return -1;
	}
	cJSON *fw = cJSON_GetObjectItemCaseSensitive(p, "firmware");
	if (!fw)
		fw = cJSON_AddObjectToObject(p, "firmware");
	int rc = fw ? 0 : -1;
	if (!rc && cJSON_IsObject(fw))
		rc = move_to(p, "location", fw, "location") ||
		     move_to(p, "retrieveDate", fw, "retrieveDateTime");
	if (!rc && !cJSON_HasObjectItem(p, "firmwareId") &&
	    !cJSON_HasObjectItem(p, "requestId") &&
	    !cJSON_AddNumberToObject(p, "requestId", next_request_id()))
		rc = -1;
	if (rc) {
		cJSON_Delete(p);
		p = NULL;
	}
	*payload = p;
	return rc;
}

static void audit_signed(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "certificateType=%s chain=%zu bytes status=%s",
	         json_str(req, "certificateType", "-"),
	         strlen(json_str(req, "certificateChain", "")),
	         json_str(conf, "status", "-"));
}

static void audit_get_ids(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	(void)req;
	snprintf(out, len, "status=%s installed=%d",
	         json_str(conf, "status", "-"),
	         cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	             conf, "certificateHashDataChain")));
}

static void audit_request(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	snprintf(out, len, "status=%s requestId=%lld",
	         json_str(conf, "status", "-"), json_int(req, "requestId", -1));
}

static void audit_log(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	snprintf(out, len, "status=%s logType=%s requestId=%lld filename=%s",
	         json_str(conf, "status", "-"), json_str(req, "logType", "-"),
	         json_int(req, "requestId", -1),
	         json_str(conf, "filename", "-"));
}

const struct send_op send201_certificate_signed = {"CertificateSigned", 0,
                                                   build_signed, audit_signed};
const struct send_op send201_install_certificate = {
    "InstallCertificate", 0, NULL, send_audit_install_certificate};
const struct send_op send201_delete_certificate = {
    "DeleteCertificate", 0, NULL, send_audit_delete_certificate};
const struct send_op send201_get_installed_certificate_ids = {
    "GetInstalledCertificateIds", 0, NULL, audit_get_ids};
const struct send_op send201_get_log = {"GetLog", 0, NULL, audit_log};
const struct send_op send201_update_firmware = {"UpdateFirmware", 0,
                                                build_update, audit_request};
