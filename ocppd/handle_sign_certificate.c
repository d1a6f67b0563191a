/*
 * handle_sign_certificate.c — SignCertificate (OCPP 1.6 Security
 * Whitepaper): a charge point asks for a certificate of its own.  The CSR
 * is checked here (csr_check.h); a refused one is answered Rejected and
 * kept as a security event, an acceptable one is stored as a requested
 * row of cp_certificates and answered Accepted.  The signing and the
 * CertificateSigned that carries the result happen after the COMMIT on
 * the certificate thread (certs.h), never on this worker or the loop.
 */
#include <stdio.h>

#include "csr_check.h"
#include "handlers.h"
#include "jsonutil.h"

/* The whitepaper's event type for a charge point certificate problem. */
#define REFUSED_EVENT "InvalidChargePointCertificate"

static enum hres refuse(struct hctx *c, cJSON *conf, const char *event,
                        const char *why)
{
	char info[255];
	snprintf(info, sizeof info, "CSR refused: %s", why);
	if (db_exec(c->db,
	            "INSERT INTO security_events (cp_id, type, ts, tech_info, "
	            "critical, received_at) VALUES (?, ?, ?, ?, 0, ?)",
	            "sstst", c->cp_id, event, c->now_ms, info, c->now_ms) < 0)
		return hctx_db_error(c);
	cJSON_AddStringToObject(conf, "status", "Rejected");
	hctx_audit(c, "status=Rejected: %s", why);
	return H_OK;
}

enum hres sign_certificate_csr(struct hctx *c, const char *csr,
                               const char *refused_event,
                               const char *refuse_why, cJSON *conf)
{
	char why[256];
	if (refuse_why)
		return refuse(c, conf, refused_event, refuse_why);
	if (!c->cfg->cert_ca_cert[0] && !c->cfg->cert_sign_command[0])
		return refuse(c, conf, refused_event,
		              "no CA or signing command configured");
	if (csr_check(csr, c->cfg->cert_organization, c->cp_id, why,
	              sizeof why))
		return refuse(c, conf, refused_event, why);
	if (db_exec(c->db,
	            "INSERT INTO cp_certificates (cp_id, state, csr, "
	            "requested_at) VALUES (?, 'requested', ?, ?)",
	            "sst", c->cp_id, csr, c->now_ms) < 0)
		return hctx_db_error(c);
	cJSON_AddStringToObject(conf, "status", "Accepted");
	hctx_audit(c, "status=Accepted");
	c->cert_requested = 1;
	return H_OK;
}

enum hres handle_sign_certificate(struct hctx *c, const cJSON *req, cJSON *conf)
{
	return sign_certificate_csr(c, json_str(req, "csr", ""), REFUSED_EVENT,
	                            NULL, conf);
}
