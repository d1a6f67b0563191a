/*
 * certs.c — the certificate thread; see certs.h.
 */
#include "certs.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cert_cmd.h"
#include "cert_issue.h"
#include "ctl_client.h"
#include "db.h"
#include "log.h"
#include "ticker.h"

#define WHO       "certificates"
#define BATCH_MAX 50
#define CLAIM_S   600   /* a claimed CSR not signed by then is free again */
#define RENEW_GAP 86400 /* seconds between two renewal requests */
#define CHAIN_MAX 10000 /* CertificateSigned.req: certificateChain */

static const struct csms_config *cfg;
static struct cert_ca *ca;
static struct ticker T = {.name = "certificates"};
static atomic_int started; /* read by the workers' certs_poke */

/* ---- signing ---- */

/* Requested CSRs of charge points on this node (the CertificateSigned
 * goes through this node's control socket), and claims left too long. */
static const char sql_waiting[] =
    "SELECT c.id, c.cp_id FROM cp_certificates c JOIN charge_points cp "
    "ON cp.id = c.cp_id WHERE cp.connected = 1 AND cp.node_id <=> "
    "NULLIF(?, '') AND (c.state = 'requested' OR (c.state = 'signing' AND "
    "c.claimed_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND)) ORDER BY c.id "
    "LIMIT 50";

static void fail_row(struct db *db, long long id, const char *cp,
                     const char *why)
{
	log_warn("ocppd: certificates: %s: CSR %lld not signed: %s", cp, id,
	         why);
	if (db_exec(db,
	            "UPDATE cp_certificates SET state = 'failed', error = ? "
	            "WHERE id = ?",
	            "sl", why, id) < 0)
		log_warn("ocppd: certificates: %s", db_error(db));
}

/* CertificateSigned with chain to cp; the answer on the row. */
static void send_signed(struct db *db, long long id, const char *cp,
                        const char *chain)
{
	cJSON *params = cJSON_CreateObject(), *answer = NULL;
	cJSON_AddStringToObject(params, "certificateChain", chain);
	char err[256], status[40];
	struct ctl_client cc;
	if (ctl_connect(&cc, cfg, err, sizeof err)) {
		snprintf(status, sizeof status, "no_control");
		log_warn("ocppd: certificates: %s", err);
	} else {
		if (ctl_request(&cc, "CertificateSigned", cp, params, WHO,
		                ctl_default_timeout_ms(cfg), &answer, err,
		                sizeof err)) {
			snprintf(status, sizeof status, "no_answer");
			log_warn("ocppd: certificates: %s: %s", cp, err);
		} else if (!ctl_answer_ok(answer)) {
			snprintf(status, sizeof status, "%s",
			         ctl_answer_code(answer));
		} else {
			const cJSON *st = cJSON_GetObjectItemCaseSensitive(
			    ctl_answer_result(answer), "status");
			snprintf(status, sizeof status, "%s",
			         cJSON_IsString(st) ? st->valuestring
			                            : "answered");
		}
		ctl_close(&cc);
	}
	cJSON_Delete(answer);
	cJSON_Delete(params);
	log_info("ocppd: certificates: %s | CertificateSigned %lld | %s", cp,
	         id, status);
	if (db_exec(db,
	            "UPDATE cp_certificates SET signed_status = ?, signed_at "
	            "= UTC_TIMESTAMP(3) WHERE id = ?",
	            "sl", status, id) < 0)
		log_warn("ocppd: certificates: %s", db_error(db));
}

static void sign_one(struct db *db, long long id, const char *cp)
{
	/* The claim: whoever changes the row signs it. */
	long long n = db_exec(
	    db,
	    "UPDATE cp_certificates SET state = 'signing', node_id = "
	    "NULLIF(?, ''), claimed_at = UTC_TIMESTAMP(3) WHERE id = ? AND "
	    "(state = 'requested' OR (state = 'signing' AND claimed_at < "
	    "UTC_TIMESTAMP(3) - INTERVAL ? SECOND))",
	    "sli", cfg->node_id, id, CLAIM_S);
	if (n != 1)
		return;
	struct db_rows r;
	char *csr = NULL;
	if (!db_query(db, &r, "SELECT csr FROM cp_certificates WHERE id = ?",
	              "l", id)) {
		if (db_next(&r) == 1 && db_str(&r, 0))
			csr = strdup(db_str(&r, 0));
		db_rows_end(&r);
	}
	if (!csr)
		return; /* the claim expires, another pass retries */
	char err[300], *chain = NULL;
	struct cert_info ci;
	int rc = cfg->cert_sign_command[0]
	             ? cert_cmd_sign(cfg->cert_sign_command, csr, &chain, err,
	                             sizeof err)
	             : cert_ca_sign(ca, csr, cfg->cert_validity_days, &chain,
	                            err, sizeof err);
	free(csr);
	if (!rc && cert_info_of(chain, &ci, err, sizeof err))
		rc = -1;
	if (!rc && strlen(chain) > CHAIN_MAX) {
		snprintf(err, sizeof err, "the chain is longer than %d bytes",
		         CHAIN_MAX);
		rc = -1;
	}
	if (rc) {
		fail_row(db, id, cp, err);
		free(chain);
		return;
	}
	if (db_exec(db,
	            "UPDATE cp_certificates SET state = 'issued', serial = ?, "
	            "subject = ?, not_after = ?, certificate = ?, issued_at = "
	            "UTC_TIMESTAMP(3) WHERE id = ?",
	            "sstsl", ci.serial, ci.subject, ci.not_after_ms, chain,
	            id) < 0) {
		log_warn("ocppd: certificates: %s", db_error(db));
		free(chain);
		return;
	}
	log_info("ocppd: certificates: %s | issued serial=%s subject=\"%s\"",
	         cp, ci.serial, ci.subject);
	send_signed(db, id, cp, chain);
	free(chain);
}

struct waiting {
	long long id;
	char cp[51];
	int v201; /* renewal: the station speaks OCPP 2.0.1 */
};

static void sign_waiting(struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r, sql_waiting, "si", cfg->node_id, CLAIM_S)) {
		log_warn("ocppd: certificates: %s", db_error(db));
		return;
	}
	struct waiting w[BATCH_MAX];
	int n = 0;
	while (n < BATCH_MAX && db_next(&r) == 1) {
		w[n].id = db_int(&r, 0);
		snprintf(w[n].cp, sizeof w[n].cp, "%s", db_str(&r, 1));
		n++;
	}
	db_rows_end(&r);
	for (int i = 0; i < n && !ticker_stopping(&T) && !db->lost; i++)
		sign_one(db, w[i].id, w[i].cp);
}

/* ---- renewal ---- */

/* The newest issued certificate a charge point took, expiring within
 * cert_renew_days, with no later request under way. */
static const char sql_expiring[] =
    "SELECT c.id, c.cp_id, cp.protocol = 'ocpp2.0.1' FROM cp_certificates c "
    "JOIN charge_points cp "
    "ON cp.id = c.cp_id WHERE cp.connected = 1 AND cp.node_id <=> "
    "NULLIF(?, '') AND c.state = 'issued' AND c.signed_status = "
    "'Accepted' AND c.not_after < UTC_TIMESTAMP(3) + INTERVAL ? DAY AND "
    "(c.renew_requested_at IS NULL OR c.renew_requested_at < "
    "UTC_TIMESTAMP(3) - INTERVAL ? SECOND) AND NOT EXISTS (SELECT 1 FROM "
    "cp_certificates n WHERE n.cp_id = c.cp_id AND n.id > c.id AND "
    "n.state <> 'failed') ORDER BY c.not_after LIMIT 50";

static void renew_one(struct db *db, long long id, const char *cp, int v201)
{
	long long n =
	    db_exec(db,
	            "UPDATE cp_certificates SET renew_requested_at = "
	            "UTC_TIMESTAMP(3) WHERE id = ? AND (renew_requested_at IS "
	            "NULL OR renew_requested_at < UTC_TIMESTAMP(3) - "
	            "INTERVAL ? SECOND)",
	            "li", id, RENEW_GAP);
	if (n != 1)
		return;
	/* 2.0.1 folded ExtendedTriggerMessage into TriggerMessage and
	 * renamed the message. */
	cJSON *params = cJSON_CreateObject(), *answer = NULL;
	cJSON_AddStringToObject(params, "requestedMessage",
	                        v201 ? "SignChargingStationCertificate"
	                             : "SignChargePointCertificate");
	char err[256];
	if (ctl_call(cfg, v201 ? "TriggerMessage" : "ExtendedTriggerMessage",
	             cp, params, WHO, ctl_default_timeout_ms(cfg), &answer, err,
	             sizeof err))
		log_warn("ocppd: certificates: renewal of %s: %s", cp, err);
	else
		log_info("ocppd: certificates: %s | renewal requested "
		         "(certificate %lld) | %s",
		         cp, id,
		         ctl_answer_ok(answer) ? "sent"
		                               : ctl_answer_code(answer));
	cJSON_Delete(answer);
	cJSON_Delete(params);
}

static void renew_expiring(struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r, sql_expiring, "sii", cfg->node_id,
	             cfg->cert_renew_days, RENEW_GAP)) {
		log_warn("ocppd: certificates: %s", db_error(db));
		return;
	}
	struct waiting w[BATCH_MAX];
	int n = 0;
	while (n < BATCH_MAX && db_next(&r) == 1) {
		w[n].id = db_int(&r, 0);
		snprintf(w[n].cp, sizeof w[n].cp, "%s", db_str(&r, 1));
		w[n].v201 = db_int(&r, 2) == 1;
		n++;
	}
	db_rows_end(&r);
	for (int i = 0; i < n && !ticker_stopping(&T) && !db->lost; i++)
		renew_one(db, w[i].id, w[i].cp, w[i].v201);
}

static void run(struct db *db, void *arg)
{
	(void)arg;
	sign_waiting(db);
	if (cfg->cert_renew_days > 0 && !db->lost)
		renew_expiring(db);
}

int certs_load(const struct csms_config *c, char *err, size_t errlen)
{
	cfg = c;
	int has_ca = c->cert_ca_cert[0] || c->cert_ca_key[0];
	if (!has_ca && !c->cert_sign_command[0])
		return 0;
	if (!c->cert_organization[0]) {
		snprintf(err, errlen,
		         "cert_organization must be set when a CA or "
		         "cert_sign_command is");
		return -1;
	}
	if (!has_ca || c->cert_sign_command[0])
		return 0;
	if (!c->cert_ca_cert[0] || !c->cert_ca_key[0]) {
		snprintf(err, errlen,
		         "cert_ca_cert and cert_ca_key go together");
		return -1;
	}
	return cert_ca_load(&ca, c->cert_ca_cert, c->cert_ca_key, err, errlen);
}

int certs_start(const struct csms_config *c, char *err, size_t errlen)
{
	cfg = c;
	if (!ca && !c->cert_sign_command[0])
		return 0;
	T.run = run;
	T.every_s = c->cert_check_every;
	if (ticker_start(&T, c, err, errlen))
		return -1;
	started = 1;
	return 0;
}

void certs_stop(void)
{
	if (started)
		ticker_stop(&T);
	started = 0;
	cert_ca_free(ca);
	ca = NULL;
}

void certs_poke(void)
{
	if (started)
		ticker_poke(&T);
}
