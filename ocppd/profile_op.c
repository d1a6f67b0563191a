/*
 * profile_op.c — cp_raise_profile; see profile_op.h.
 */
#include "profile_op.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "self_call.h"
#include "takeover.h"

static const struct csms_config *cfg;

struct raise_job {
	struct job job;
	uint64_t client;
	int profile;
	char cp[CONTROL_CP_ID_MAX + 1];
	char who[CONTROL_WHO_MAX + 1];
	/* read by the worker */
	int found, current, pending, has_password, has_cert;
};

void profile_op_init(const struct csms_config *c)
{
	cfg = c;
}

static enum hres raise_run(struct job *j, struct batch *b)
{
	struct raise_job *k = (struct raise_job *)j;
	struct db_rows r;
	k->found = 0;
	if (db_query(b->db, &r,
	             "SELECT security_profile, auth_hash IS NOT NULL, "
	             "COALESCE(security_profile_pending, 0), "
	             "EXISTS (SELECT 1 FROM cp_certificates c WHERE c.cp_id = "
	             "cp.id AND c.state = 'issued' AND c.signed_status = "
	             "'Accepted' AND c.not_after > UTC_TIMESTAMP(3)) FROM "
	             "charge_points cp WHERE cp.id = ?",
	             "s", k->cp))
		return H_DB_ERROR;
	if (db_next(&r) == 1) {
		k->found = 1;
		k->current = (int)db_int(&r, 0);
		k->has_password = (int)db_int(&r, 1);
		k->pending = (int)db_int(&r, 2);
		k->has_cert = (int)db_int(&r, 3);
	}
	db_rows_end(&r);
	return H_OK;
}

static void *raise_thread(void *arg)
{
	struct raise_job *k = arg;
	struct ctl_client cc;
	char err[256], status[300], value[4];
	if (ctl_connect(&cc, cfg, err, sizeof err)) {
		log_warn("ocppd: %s | security profile not raised: %s", k->cp,
		         err);
		free(k);
		return NULL;
	}
	snprintf(value, sizeof value, "%d", k->profile);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "key", "SecurityProfile");
	cJSON_AddStringToObject(p, "value", value);
	if (self_call(cfg, &cc, "ChangeConfiguration", k->cp, p, k->who, status,
	              sizeof status) ||
	    strcmp(status, "Accepted")) {
		log_warn("ocppd: %s | security profile not raised: "
		         "ChangeConfiguration SecurityProfile %s",
		         k->cp, status);
	} else {
		p = cJSON_CreateObject();
		cJSON_AddNumberToObject(p, "profile", k->profile);
		/* Pending until its first connection with it; the old one
		 * stays good meanwhile (profile_pending.h). */
		cJSON_AddBoolToObject(p, "pending", 1);
		if (self_call(cfg, &cc, "cp_set_security", k->cp, p, k->who,
		              status, sizeof status))
			log_error("ocppd: %s | the charge point took security "
			          "profile %d but it was not stored: %s",
			          k->cp, k->profile, status);
		else
			log_info("ocppd: %s | security profile %d accepted, "
			         "pending until it connects with it (by %s)",
			         k->cp, k->profile, k->who[0] ? k->who : "-");
	}
	ctl_close(&cc);
	free(k);
	return NULL;
}

/* What the new profile lacks, or NULL. */
static const char *missing(const struct raise_job *k)
{
	if (k->profile <= k->current)
		return "the charge point already has this profile or a higher "
		       "one";
	if (k->profile == k->pending)
		return "the charge point already accepted this profile; it is "
		       "pending until the charge point connects with it";
	if (k->profile >= 2 && !cfg->tls_cert[0] && !cfg->trusted_proxy_tls)
		return "profiles 2 and 3 need TLS (tls_cert, or a trusted TLS "
		       "proxy)";
	if (k->profile == 3 && !cfg->tls_ca[0] && !cfg->trusted_proxy_tls)
		return "profile 3 needs client certificates checked (tls_ca, "
		       "or a trusted TLS proxy)";
	if (k->profile < 3 && !k->has_password)
		return "profiles 1 and 2 need a password (cp_set_password or "
		       "cp_rotate_auth_key first)";
	if (k->profile == 3 && !k->has_cert)
		return "profile 3 needs a valid client certificate issued to "
		       "the charge point and accepted by it (SignCertificate)";
	return NULL;
}

static void raise_done(struct job *j, enum hres r)
{
	struct raise_job *k = (struct raise_job *)j;
	const char *why;
	if (r != H_OK) {
		control_fail(k->client, "db_error", NULL, "database error");
	} else if (!k->found) {
		control_fail(k->client, "not_found", NULL,
		             "no charge point \"%s\" is registered", k->cp);
	} else if ((why = missing(k))) {
		control_fail(k->client, "invalid_params", NULL, "profile: %s",
		             why);
	} else {
		struct raise_job *t = malloc(sizeof *t);
		pthread_attr_t a;
		pthread_t th;
		int rc = -1;
		if (t) {
			*t = *k;
			pthread_attr_init(&a);
			pthread_attr_setdetachstate(&a,
			                            PTHREAD_CREATE_DETACHED);
			rc = pthread_create(&th, &a, raise_thread, t);
			pthread_attr_destroy(&a);
			if (rc)
				free(t);
		}
		if (rc) {
			control_fail(k->client, "internal", NULL, "no thread");
			return;
		}
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "status", "started");
		control_ok(k->client, o);
	}
}

static void raise_fail(struct job *j)
{
	control_fail(((struct raise_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void raise_free(struct job *j)
{
	free(j);
}

static const struct job_ops raise_ops = {.run = raise_run,
                                         .done = raise_done,
                                         .fail = raise_fail,
                                         .free = raise_free};

void profile_raise_request(const struct control_req *r)
{
	long long profile = 0;
	if (!r->cp_id[0]) {
		control_fail(r->client, "bad_request", NULL, "%s needs a cp_id",
		             r->op);
		return;
	}
	if (json_get_int(r->params, "profile", &profile, 0) || profile < 1 ||
	    profile > 3) {
		control_fail(r->client, "invalid_params", NULL,
		             "profile: required, 1..3");
		return;
	}
	if (!takeover_find(r->cp_id)) {
		control_fail(r->client, "cp_offline", NULL,
		             "%s is not connected", r->cp_id);
		return;
	}
	struct raise_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	k->client = r->client;
	k->profile = (int)profile;
	snprintf(k->cp, sizeof k->cp, "%s", r->cp_id);
	snprintf(k->who, sizeof k->who, "%s", r->requested_by);
	k->job.ops = &raise_ops;
	k->job.who = k->cp;
	k->job.what = "security profile";
	if (dbq_submit(&k->job, k->cp, 0)) {
		free(k);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
