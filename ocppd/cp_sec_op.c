/*
 * cp_sec_op.c — cp_set_password and cp_set_security; see cp_sec_op.h.
 */
#include "cp_sec_op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cp_auth.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"

struct cp_sec_op {
	uint64_t client;
	char cp_id[CONTROL_CP_ID_MAX + 1];
	int profile;      /* -1: unchanged */
	int pending;      /* cp_set_security: profile only pending (sql/031) */
	int set_password; /* password given (NULL clears) */
	int clear_password;
	char password[CP_PASSWORD_MAX + 1]; /* wiped once hashed */
	/* outcome, filled by cp_sec_op_run */
	int found;
	int new_profile;
	int new_pending;
	char hash[CP_HASH_MAX + 1];
	char err[160];
};
static int cp_sec_op_parse(const struct control_req *r, struct cp_sec_op *out,
                           char *why, size_t whylen)
{
	memset(out, 0, sizeof *out);
	out->profile = -1;
	out->client = r->client;
	if (!r->cp_id[0]) {
		snprintf(why, whylen, "cp_id: required");
		return -1;
	}
	snprintf(out->cp_id, sizeof out->cp_id, "%s", r->cp_id);
	long long p = -1;
	int need_profile = !strcmp(r->op, "cp_set_security");
	if (json_get_int(r->params, "profile", &p, !need_profile) ||
	    (p != -1 && (p < 0 || p > 3))) {
		snprintf(why, whylen, "profile: %s",
		         need_profile ? "required, 0..3" : "0..3");
		return -1;
	}
	out->profile = (int)p;
	if (need_profile) {
		/* pending: true — the charge point accepted the profile but
		 * has not connected with it yet (profile_op.c). */
		const cJSON *pd =
		    cJSON_GetObjectItemCaseSensitive(r->params, "pending");
		if (pd && !cJSON_IsBool(pd)) {
			snprintf(why, whylen, "pending: true or false");
			return -1;
		}
		out->pending = cJSON_IsTrue(pd);
		return 0;
	}
	const cJSON *pw =
	    cJSON_GetObjectItemCaseSensitive(r->params, "password");
	out->set_password = 1;
	if (cJSON_IsNull(pw)) {
		out->clear_password = 1;
		return 0;
	}
	if (!cJSON_IsString(pw)) {
		snprintf(why, whylen,
		         "password: required (a string, or null "
		         "to clear it)");
		return -1;
	}
	size_t n = strlen(pw->valuestring);
	if (n < CP_PASSWORD_MIN || n > CP_PASSWORD_MAX) {
		snprintf(why, whylen, "password: %d..%d characters",
		         CP_PASSWORD_MIN, CP_PASSWORD_MAX);
		return -1;
	}
	/* Printable ASCII: what a charger's AuthorizationKey can hold and a
	 * Basic header carries without charset questions. */
	for (size_t i = 0; i < n; i++)
		if (pw->valuestring[i] < 0x20 || pw->valuestring[i] > 0x7e) {
			snprintf(why, whylen,
			         "password: printable ASCII characters only");
			return -1;
		}
	memcpy(out->password, pw->valuestring, n + 1);
	return 0;
}

static enum hres cp_sec_op_run(struct db *db, struct cp_sec_op *op)
{
	const char *hash = NULL;
	if (op->set_password && !op->clear_password && !op->hash[0]) {
		/* A retried batch reuses the hash computed the first time. */
		int rc = cp_auth_hash(op->password, op->hash, sizeof op->hash,
		                      op->err, sizeof op->err);
		explicit_bzero(op->password, sizeof op->password);
		if (rc)
			return H_INTERNAL;
	}
	if (op->hash[0])
		hash = op->hash;
	/* sec_changed_at tells the other nodes' incremental reloads (and
	 * ours) to read the row again (cp_auth.c); the trigger of sql/009
	 * sets it too, but only when a value differs. */
	long long n;
	if (op->pending)
		n = db_exec(
		    db,
		    "UPDATE charge_points SET security_profile_pending = "
		    "?, security_profile_pending_since = UTC_TIMESTAMP(3), "
		    "sec_changed_at = UTC_TIMESTAMP(3) WHERE id = ?",
		    "is", op->profile, op->cp_id);
	else if (op->set_password && op->profile >= 0)
		n = db_exec(
		    db,
		    "UPDATE charge_points SET auth_hash = ?, "
		    "security_profile = ?, security_profile_pending = "
		    "NULL, sec_changed_at = UTC_TIMESTAMP(3) WHERE id = ?",
		    "sis", hash, op->profile, op->cp_id);
	else if (op->set_password)
		n = db_exec(
		    db,
		    "UPDATE charge_points SET auth_hash = ?, sec_changed_at = "
		    "UTC_TIMESTAMP(3) WHERE id = ?",
		    "ss", hash, op->cp_id);
	else
		n = db_exec(db,
		            "UPDATE charge_points SET security_profile = ?, "
		            "security_profile_pending = NULL, sec_changed_at = "
		            "UTC_TIMESTAMP(3) WHERE id = ?",
		            "is", op->profile, op->cp_id);
	if (n < 0)
		return H_DB_ERROR;
	op->found = n > 0;
	if (!op->found)
		return H_OK;
	/* The state the handshake must now see, whole. */
	struct db_rows rows;
	if (db_query(db, &rows,
	             "SELECT security_profile, auth_hash, "
	             "COALESCE(security_profile_pending, 0) FROM "
	             "charge_points WHERE id = ?",
	             "s", op->cp_id))
		return H_DB_ERROR;
	int rc = db_next(&rows);
	if (rc > 0) {
		op->new_profile = (int)db_int(&rows, 0);
		const char *h = db_str(&rows, 1);
		snprintf(op->hash, sizeof op->hash, "%s", h ? h : "");
		op->new_pending = (int)db_int(&rows, 2);
	}
	db_rows_end(&rows);
	return rc < 0 ? H_DB_ERROR : H_OK;
}

static void cp_sec_op_fail(struct cp_sec_op *op, enum hres r)
{
	if (r == H_DB_ERROR)
		control_fail(op->client, "db_error", NULL,
		             "the database refused the change");
	else
		control_fail(op->client, "internal", NULL, "%s",
		             op->err[0] ? op->err : "internal error");
}

static void cp_sec_op_apply(struct cp_sec_op *op)
{
	if (!op->found) {
		control_fail(op->client, "not_found", NULL,
		             "no charge point \"%s\" is registered", op->cp_id);
		return;
	}
	struct cp_sec *s = cp_sec_new(op->new_profile, op->hash);
	/* New credentials do not bring a retired charge point back. */
	if (s) {
		s->retired = cp_auth_is_retired(op->cp_id);
		s->pending = op->new_pending;
	}
	if (!s || cp_auth_known_set(op->cp_id, s)) {
		free(s);
		control_fail(op->client, "internal", NULL, "out of memory");
		return;
	}
	log_info("ocppd: %s | security: profile %d%s, password %s", op->cp_id,
	         op->new_profile,
	         op->new_pending ? " (a higher one pending)" : "",
	         op->set_password ? (op->clear_password ? "cleared" : "changed")
	                          : (op->hash[0] ? "set" : "not set"));
	cJSON *o = cJSON_CreateObject();
	if (o) {
		json_add_str(o, "cp_id", op->cp_id);
		json_add_int(o, "profile", op->new_profile);
		if (op->new_pending)
			json_add_int(o, "pending_profile", op->new_pending);
		cJSON_AddBoolToObject(o, "password_set", op->hash[0] != '\0');
	}
	control_ok(op->client, o);
}

/* The job: hashed and written by a worker (crypt costs milliseconds:
 * never on the loop), applied and answered on the loop. */
struct cp_sec_job {
	struct job job;
	struct cp_sec_op op;
};

static enum hres sec_run(struct job *j, struct batch *b)
{
	return cp_sec_op_run(b->db, &((struct cp_sec_job *)j)->op);
}

static void sec_done(struct job *j, enum hres r)
{
	struct cp_sec_op *op = &((struct cp_sec_job *)j)->op;
	if (r == H_OK)
		cp_sec_op_apply(op);
	else
		cp_sec_op_fail(op, r);
}

static void sec_fail(struct job *j)
{
	control_fail(((struct cp_sec_job *)j)->op.client, "db_unavailable",
	             NULL, "the database is unavailable");
}

static void sec_free(struct job *j)
{
	struct cp_sec_job *s = (struct cp_sec_job *)j;
	explicit_bzero(&s->op, sizeof s->op);
	free(s);
}

static const struct job_ops cp_sec_ops = {
    .run = sec_run, .done = sec_done, .fail = sec_fail, .free = sec_free};

void cp_sec_request(const struct control_req *r)
{
	char why[256];
	struct cp_sec_job *s = calloc(1, sizeof *s);
	if (!s) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (cp_sec_op_parse(r, &s->op, why, sizeof why)) {
		sec_free(&s->job);
		control_fail(r->client, "invalid_params", NULL, "%s", why);
		return;
	}
	s->job.ops = &cp_sec_ops;
	s->job.who = s->op.cp_id;
	s->job.what = "credentials";
	/* Worker 0, where the map reloads run (cp_auth.h). */
	if (dbq_submit(&s->job, NULL, 0)) {
		sec_free(&s->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
