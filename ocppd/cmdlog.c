/*
 * cmdlog.c — the commands table; see cmdlog.h.
 */
#include "cmdlog.h"

#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "bulk_state.h"
#include "cert_installed.h"
#include "charging_profiles.h"
#include "dbq.h"
#include "local_list_state.h"
#include "log.h"
#include "ocpp_secret.h"
#include "device_vars.h"
#include "reservations.h"

/* The job: one row's write in the charge point's own queue. */
struct cmd_job {
	struct job job;
	struct cmd_record rec;
};

static void cmd_record_clear(struct cmd_record *rec)
{
	free(rec->uid);
	free(rec->cp_id);
	free(rec->action);
	free(rec->params);
	free(rec->status);
	free(rec->response);
	free(rec->requested_by);
}

static enum hres cmd_run(struct job *j, struct batch *b)
{
	struct cmd_record *rec = &((struct cmd_job *)j)->rec;
	rec->node_id = b->cfg->node_id;
	return cmdlog_write(b->db, rec) ? H_DB_ERROR : H_OK;
}

static void cmd_fail(struct job *j)
{
	const struct cmd_record *r = &((struct cmd_job *)j)->rec;
	log_warn("ocpp: %s | %s | database unavailable: command %s "
	         "not recorded",
	         r->cp_id, r->action, r->uid);
}

static void cmd_free(struct job *j)
{
	struct cmd_job *c = (struct cmd_job *)j;
	cmd_record_clear(&c->rec);
	free(c);
}

static const struct job_ops cmd_ops = {
    .run = cmd_run, .fail = cmd_fail, .free = cmd_free};

void cmdlog_submit(const char *cp_id, const char *uid, const char *action,
                   const cJSON *params, const char *requested_by,
                   int64_t created_ms, int64_t finished_ms, const char *status,
                   const cJSON *response, int outcome)
{
	struct cmd_job *c = calloc(1, sizeof *c);
	if (!c)
		goto oom;
	c->job.ops = &cmd_ops;
	c->job.what = "command history";
	struct cmd_record *rec = &c->rec;
	rec->uid = strdup(uid);
	rec->cp_id = strdup(cp_id);
	rec->action = strdup(action);
	rec->status = strdup(status);
	rec->requested_by =
	    requested_by && *requested_by ? strdup(requested_by) : NULL;
	/* The history is read by every operator and copied into backups:
	 * an AuthorizationKey in a payload or an answer is masked here. */
	rec->params = params ? ocpp_secret_print(params) : NULL;
	rec->response = response ? ocpp_secret_print(response) : NULL;
	rec->created_ms = created_ms;
	rec->finished_ms = finished_ms;
	rec->outcome = outcome;
	if (!rec->uid || !rec->cp_id || !rec->action || !rec->status ||
	    (params && !rec->params) || (response && !rec->response) ||
	    (requested_by && *requested_by && !rec->requested_by))
		goto oom;
	c->job.who = rec->cp_id;
	if (dbq_submit(&c->job, rec->cp_id, 0)) {
		log_warn("ocpp: %s | %s | database queue full: command %s not "
		         "recorded",
		         cp_id, action, uid);
		cmd_free(&c->job);
	}
	return;
oom:
	log_error("ocpp: %s | %s | out of memory: command %s not recorded",
	          cp_id, action, uid);
	if (c)
		cmd_free(&c->job);
}

static int cmdlog_row(struct db *db, const struct cmd_record *r);

/* The row, and what the command makes of other tables in the same
 * transaction (a reservation held or ended, a local list's version, a
 * charging profile). */
int cmdlog_write(struct db *db, const struct cmd_record *r)
{
	return cmdlog_row(db, r) || reservations_command(db, r) ||
	               local_list_command(db, r) ||
	               charging_profiles_command(db, r) ||
	               bulk_command(db, r) || cert_installed_command(db, r) ||
	               device_vars_command(db, r)
	           ? -1
	           : 0;
}

static int cmdlog_row(struct db *db, const struct cmd_record *r)
{
	if (r->outcome) {
		/* The outcome of a command recorded as pending: an UPDATE
		 * (CLIENT_FOUND_ROWS: 1 when the row exists). */
		long long n = db_exec(db,
		                      "UPDATE commands SET finished_at = ?, "
		                      "status = ?, response = ? WHERE uid = ?",
		                      "tsss", r->finished_ms, r->status,
		                      r->response, r->uid);
		if (n != 0)
			return n < 0 ? -1 : 0;
		/* The pending row was lost (database outage): insert. */
	}
	return db_exec(db,
	               "INSERT INTO commands (uid, created_at, finished_at, "
	               "cp_id, action, params, status, response, "
	               "requested_by, node_id) "
	               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, '')) "
	               "ON DUPLICATE KEY UPDATE "
	               "finished_at = VALUES(finished_at), "
	               "status = VALUES(status), response = VALUES(response)",
	               "sttsssssss", r->uid, r->created_ms, r->finished_ms,
	               r->cp_id, r->action, r->params, r->status, r->response,
	               r->requested_by, r->node_id ? r->node_id : "") < 0
	           ? -1
	           : 0;
}

/* What a command's row says when the node that sent it stopped before
 * the answer: the link is gone with the node, as for a dropped link. */
#define NODE_LOST_STATUS "offline"
#define NODE_LOST_RESPONSE                                                     \
	"{\"code\":\"node_lost\",\"message\":\"the ocppd node holding the "    \
	"link stopped before the charge point answered\"}"

int cmdlog_node_restarted(struct db *db, const struct csms_config *cfg)
{
	long long n;
	do
		n = db_exec(db,
		            "UPDATE commands SET status = '" NODE_LOST_STATUS
		            "', finished_at = UTC_TIMESTAMP(3), response = ? "
		            "WHERE node_id <=> NULLIF(?, '') "
		            "AND status = 'pending' LIMIT 5000",
		            "ss", NODE_LOST_RESPONSE, cfg->node_id);
	while (n == 5000);
	if (n > 0)
		log_warn("ocppd: pending commands of this node's previous run "
		         "marked offline");
	return n < 0 ? -1 : 0;
}

long long cmdlog_silent_nodes(struct db *db, const struct csms_config *cfg,
                              int silent_s)
{
	return db_exec(
	    db,
	    "UPDATE commands c JOIN nodes n ON n.node_id = c.node_id "
	    "SET c.status = '" NODE_LOST_STATUS
	    "', c.finished_at = UTC_TIMESTAMP(3), c.response = ? "
	    "WHERE c.status = 'pending' AND n.node_id <> ? "
	    "AND n.seen_at < UTC_TIMESTAMP(3) - INTERVAL ? SECOND",
	    "ssi", NODE_LOST_RESPONSE, cfg->node_id, silent_s);
}
