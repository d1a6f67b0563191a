/*
 * cp_boot_op.c — see cp_boot_op.h.
 */
#include "cp_boot_op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "ctl_proto.h"
#include "dbq.h"
#include "jsonutil.h"
#include "log.h"

static const char *const answers[] = CTL_BOOT_ANSWERS;

struct boot_job {
	struct job job;
	uint64_t client;
	char cp_id[CONTROL_CP_ID_MAX + 1];
	const char *answer; /* one of answers[] */
	int found, connected;
};

static enum hres boot_run(struct job *j, struct batch *b)
{
	struct boot_job *k = (struct boot_job *)j;
	/* CLIENT_FOUND_ROWS: 1 for a row that already had this answer. */
	long long n = db_exec(b->db,
	                      "UPDATE charge_points SET boot_answer = ? "
	                      "WHERE id = ?",
	                      "ss", k->answer, k->cp_id);
	if (n < 0)
		return H_DB_ERROR;
	k->found = n > 0;
	if (!k->found)
		return H_OK;
	struct db_rows r;
	if (db_query(b->db, &r,
	             "SELECT connected FROM charge_points WHERE id = ?", "s",
	             k->cp_id))
		return H_DB_ERROR;
	int rc = db_next(&r);
	k->connected = rc > 0 && db_int(&r, 0) == 1;
	db_rows_end(&r);
	return rc < 0 ? H_DB_ERROR : H_OK;
}

static void boot_done(struct job *j, enum hres r)
{
	struct boot_job *k = (struct boot_job *)j;
	if (r != H_OK) {
		control_fail(k->client,
		             r == H_DB_ERROR ? "db_error" : "internal", NULL,
		             "cp_set_boot: %s",
		             r == H_DB_ERROR ? "database error" : "failed");
		return;
	}
	if (!k->found) {
		control_fail(k->client, "not_found", NULL, "no charge point %s",
		             k->cp_id);
		return;
	}
	log_info("ocppd: control | cp_set_boot | %s boot_answer=%s", k->cp_id,
	         k->answer);
	cJSON *o = cJSON_CreateObject();
	if (!o || json_add_str(o, "id", k->cp_id) ||
	    json_add_str(o, "boot_answer", k->answer) ||
	    !cJSON_AddBoolToObject(o, "connected", k->connected)) {
		cJSON_Delete(o);
		control_fail(k->client, "internal", NULL, "out of memory");
		return;
	}
	control_ok(k->client, o);
}

static void boot_fail(struct job *j)
{
	control_fail(((struct boot_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void boot_free(struct job *j)
{
	free(j);
}

static const struct job_ops boot_ops = {
    .run = boot_run, .done = boot_done, .fail = boot_fail, .free = boot_free};

void cp_boot_request(const struct control_req *r)
{
	if (!r->cp_id[0]) {
		control_fail(r->client, "invalid_params", NULL,
		             "cp_id: required");
		return;
	}
	const char *v = json_str(r->params, "boot_answer", NULL);
	const char *answer = NULL;
	for (int i = 0; v && answers[i]; i++)
		if (!strcmp(v, answers[i]))
			answer = answers[i];
	if (!answer) {
		static const char why[] =
		    "boot_answer: required, \"Accepted\", "
		    "\"Pending\" or \"Rejected\"";
		control_fail(r->client, "invalid_params", control_field_of(why),
		             "%s", why);
		return;
	}
	struct boot_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	k->job.ops = &boot_ops;
	k->job.what = "boot answer";
	k->client = r->client;
	k->answer = answer;
	snprintf(k->cp_id, sizeof k->cp_id, "%s", r->cp_id);
	k->job.who = k->cp_id;
	if (dbq_submit(&k->job, k->cp_id, 0)) {
		free(k);
		control_fail(r->client, "busy", NULL, "database queue full");
	}
}
