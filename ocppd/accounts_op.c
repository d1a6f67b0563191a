/*
 * accounts_op.c — account_set, account_delete; see accounts_op.h.
 */
#include "accounts_op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "batch.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"
#include "utf8.h"

int account_op_parse(const char *op, const cJSON *params, struct account_op *a,
                     char *why, size_t whylen)
{
	memset(a, 0, sizeof *a);
	if (!strcmp(op, "account_delete"))
		a->del = 1;
	else if (strcmp(op, "account_set")) {
		snprintf(why, whylen, "unknown op %s", op);
		return -1;
	}
	for (const cJSON *m = params ? params->child : NULL; m; m = m->next)
		if (strcmp(m->string, "user") &&
		    (a->del || strcmp(m->string, "role"))) {
			snprintf(why, whylen, "%.60s: unknown field",
			         m->string);
			return -1;
		}
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(params, "user");
	if (!cJSON_IsString(u) || !u->valuestring[0]) {
		snprintf(why, whylen, "user: required (a login name)");
		return -1;
	}
	/* What REMOTE_USER can be: printable UTF-8, no control characters
	 * (the web tier compares it byte for byte). */
	long n = 0;
	for (const char *s = u->valuestring; *s; n++) {
		size_t len = utf8_decode(s, SIZE_MAX, NULL);
		if (!len || (unsigned char)*s < 0x20 || *s == 0x7F) {
			snprintf(why, whylen,
			         "user: not valid UTF-8 or has "
			         "control characters");
			return -1;
		}
		s += len;
	}
	if (n > ACCOUNT_USER_MAX) {
		snprintf(why, whylen, "user: longer than %d characters",
		         ACCOUNT_USER_MAX);
		return -1;
	}
	snprintf(a->user, sizeof a->user, "%s", u->valuestring);
	if (a->del)
		return 0;
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(params, "role");
	if (!cJSON_IsString(r) || (strcmp(r->valuestring, "viewer") &&
	                           strcmp(r->valuestring, "operator") &&
	                           strcmp(r->valuestring, "admin"))) {
		snprintf(why, whylen,
		         "role: must be viewer, operator or admin");
		return -1;
	}
	snprintf(a->role, sizeof a->role, "%s", r->valuestring);
	return 0;
}

struct account_job {
	struct job job;
	struct account_op a;
	uint64_t client;
	char who[CONTROL_WHO_MAX + 1];
	char *detail;
	int found;    /* delete: the row was there; set: it existed before */
	char old[16]; /* the role before, "" none */
};

static enum hres account_job_run(struct job *j, struct batch *b)
{
	struct account_job *aj = (struct account_job *)j;
	struct db_rows rows;
	/* A batch that failed runs again: start from nothing. */
	aj->found = 0;
	aj->old[0] = '\0';
	if (db_query(b->db, &rows,
	             "SELECT role FROM web_users WHERE user = ? FOR UPDATE",
	             "s", aj->a.user))
		return H_DB_ERROR;
	int rc = db_next(&rows);
	if (rc == 1) {
		aj->found = 1;
		snprintf(aj->old, sizeof aj->old, "%s",
		         db_str(&rows, 0) ? db_str(&rows, 0) : "");
	}
	db_rows_end(&rows);
	if (rc < 0)
		return H_DB_ERROR;
	long long n;
	if (aj->a.del) {
		if (!aj->found)
			return H_OK;
		n = db_exec(b->db, "DELETE FROM web_users WHERE user = ?", "s",
		            aj->a.user);
	} else {
		n = db_exec(b->db,
		            "INSERT INTO web_users (user, role, updated_by) "
		            "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
		            "role = VALUES(role), updated_by = "
		            "VALUES(updated_by), updated_at = "
		            "UTC_TIMESTAMP(3)",
		            "sss", aj->a.user, aj->a.role, aj->who);
	}
	if (n < 0 || audit_write(b->db, aj->who, "account",
	                         aj->a.del ? "account_delete" : "account_set",
	                         aj->a.user, aj->detail))
		return H_DB_ERROR;
	return H_OK;
}

static void account_job_done(struct job *j, enum hres r)
{
	struct account_job *aj = (struct account_job *)j;
	const char *op = aj->a.del ? "account_delete" : "account_set";
	if (r != H_OK) {
		control_fail(aj->client,
		             r == H_DB_ERROR ? "db_error" : "internal", NULL,
		             "%s %s: %s", op, aj->a.user,
		             r == H_DB_ERROR ? "database error" : "failed");
		return;
	}
	if (aj->a.del && !aj->found) {
		control_fail(aj->client, "not_found", NULL, "no account %s",
		             aj->a.user);
		return;
	}
	log_info("ocppd: control | %s | user=%s%s%s by %s", op, aj->a.user,
	         aj->a.del ? "" : " role=", aj->a.role, aj->who);
	cJSON *o = cJSON_CreateObject();
	if (!o || json_add_str(o, "user", aj->a.user) ||
	    (aj->a.del
	         ? !cJSON_AddTrueToObject(o, "deleted")
	         : json_add_str(o, "role", aj->a.role) ||
	               !cJSON_AddBoolToObject(o, "created", !aj->found))) {
		cJSON_Delete(o);
		control_fail(aj->client, "internal", NULL, "out of memory");
		return;
	}
	control_ok(aj->client, o);
}

static void account_job_fail(struct job *j)
{
	control_fail(((struct account_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void account_job_free(struct job *j)
{
	free(((struct account_job *)j)->detail);
	free(j);
}

static const struct job_ops account_job_ops = {.run = account_job_run,
                                               .done = account_job_done,
                                               .fail = account_job_fail,
                                               .free = account_job_free};

void accounts_request(const struct control_req *r)
{
	char why[256];
	struct account_job *aj = calloc(1, sizeof *aj);
	if (!aj) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	if (account_op_parse(r->op, r->params, &aj->a, why, sizeof why)) {
		free(aj);
		control_fail(r->client, "invalid_params", control_field_of(why),
		             "%s", why);
		return;
	}
	aj->client = r->client;
	snprintf(aj->who, sizeof aj->who, "%s",
	         r->requested_by[0] ? r->requested_by : "unknown");
	aj->detail = audit_detail(r->params);
	aj->job.ops = &account_job_ops;
	aj->job.who = "";
	aj->job.what = r->op;
	/* One route for every account: changes apply in order. */
	if (dbq_submit(&aj->job, "accounts", 0)) {
		account_job_free(&aj->job);
		control_fail(r->client, "busy", NULL,
		             "the database queue is full");
	}
}
