/*
 * handle201_security.c — OCPP 2.0.1's SignCertificate (functional block
 * A) and FirmwareStatusNotification (L) on the stores of 1.6's Security
 * Whitepaper and firmware management: the same cp_certificates rows and
 * certificate thread (CertificateSigned follows in 2.0.1's shape), the
 * same firmware_jobs steps.  SecurityEventNotification and
 * LogStatusNotification have 1.6's shape and share 1.6's handlers.
 */
#include <stdio.h>
#include <string.h>

#include "bulk_state.h"
#include "firmware_jobs.h"
#include "handlers201.h"
#include "jsonutil.h"
#include "notify.h"

/* 2.0.1's name for the whitepaper's InvalidChargePointCertificate. */
#define REFUSED_EVENT "InvalidChargingStationCertificate"

enum hres handle201_sign_certificate(struct hctx *c, const cJSON *req,
                                     cJSON *conf)
{
	/* A V2G certificate is the ISO 15118 PKI's to issue (its own roots
	 * and profile), not the charging station CA's: refused, so that
	 * the station does not end up with a certificate no EV trusts. */
	const char *type =
	    json_str(req, "certificateType", "ChargingStationCertificate");
	const char *why =
	    strcmp(type, "V2GCertificate")
	        ? NULL
	        : "V2GCertificate: no V2G (ISO 15118) CA is configured";
	return sign_certificate_csr(c, json_str(req, "csr", ""), REFUSED_EVENT,
	                            why, conf);
}

enum hres handle201_firmware_status(struct hctx *c, const cJSON *req,
                                    cJSON *conf)
{
	(void)conf;
	const char *status = json_str(req, "status", NULL);
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "requestId");
	char rid[24];
	if (cJSON_IsNumber(id))
		snprintf(rid, sizeof rid, "%.0f", id->valuedouble);
	/* No requestId (Idle, or an update from elsewhere): the latest job
	 * still under way, as for 1.6. */
	if (db_exec(c->db,
	            "UPDATE charge_points SET firmware_status = ?, "
	            "firmware_ts = ? WHERE id = ?",
	            "sts", status, c->now_ms, c->cp_id) < 0 ||
	    notify_status_event(c, NOTIFY_FIRMWARE_STATUS, status) ||
	    bulk_firmware_status(c->db, c->cp_id, status, c->now_ms) ||
	    firmware_jobs_step(c->db, c->cp_id, "UpdateFirmware",
	                       cJSON_IsNumber(id) ? rid : NULL, status, NULL,
	                       c->now_ms))
		return hctx_db_error(c);
	hctx_audit(c, "status=%s requestId=%s", status,
	           cJSON_IsNumber(id) ? rid : "-");
	return H_OK;
}
