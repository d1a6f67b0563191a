/*
 * webcmd.c — asynchronous commands for the API and the dashboard; see
 * webcmd.h.
 */
#include "webcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl_client.h"
#include "log.h"
#include "timeutil.h"
#include "webctl.h"
#include "webroute.h"

/* How often a wait looks at the history: a command answered by a live
 * charge point takes tens of milliseconds. */
#define POLL_MS 50

static const char sql_state[] =
    "SELECT finished_at IS NOT NULL FROM commands WHERE uid = ?";

char *webcmd_line(const char *op, const char *cp_id, const cJSON *params,
                  const char *who, int timeout_s, int async)
{
	cJSON *line = cJSON_CreateObject();
	if (!line)
		return NULL;
	cJSON_AddStringToObject(line, "op", op);
	if (cp_id)
		cJSON_AddStringToObject(line, "cp_id", cp_id);
	if (params)
		cJSON_AddItemToObject(line, "params",
		                      cJSON_Duplicate(params, 1));
	if (who)
		cJSON_AddStringToObject(line, "requested_by", who);
	if (timeout_s > 0)
		cJSON_AddNumberToObject(line, "timeout", timeout_s);
	if (async)
		cJSON_AddTrueToObject(line, "async");
	char *text = cJSON_PrintUnformatted(line);
	cJSON_Delete(line);
	return text;
}

int webcmd_roundtrip(const struct csms_config *cfg, const char *line,
                     int wait_ms, cJSON **answer, char *err, size_t errlen)
{
	struct ctl_client c;
	char *reply = NULL;
	*answer = NULL;
	if (ctl_connect(&c, cfg, err, errlen))
		return -1;
	int rc = ctl_roundtrip(&c, line, wait_ms, &reply, err, errlen);
	ctl_close(&c);
	if (rc)
		return -2;
	*answer = cJSON_Parse(reply);
	free(reply);
	if (!cJSON_IsObject(*answer)) {
		cJSON_Delete(*answer);
		*answer = NULL;
		snprintf(err, errlen, "unparsable answer from ocppd");
		return -2;
	}
	return 0;
}

/* The line to one node's control listener: webcmd_roundtrip's codes. */
static int roundtrip_addr(const struct csms_config *cfg, const char *addr,
                          const char *line, int wait_ms, cJSON **answer,
                          char *err, size_t errlen)
{
	char secret[CTL_SECRET_MAX + 1], why[300];
	struct ctl_client c;
	char *reply = NULL;
	*answer = NULL;
	/* Read per request: a rotated secret counts at once, and a web
	 * tier without the file still reaches a loopback listener that
	 * asks for none. */
	if (ctl_secret_load(cfg->control_secret_file, secret, sizeof secret,
	                    why, sizeof why) < 0) {
		log_warn("web: %s", why);
		secret[0] = '\0';
	}
	int rc =
	    ctl_connect_addr(&c, addr, secret, CTL_CONNECT_MS, err, errlen);
	memset(secret, 0, sizeof secret);
	if (rc)
		return -1;
	rc = ctl_roundtrip(&c, line, wait_ms, &reply, err, errlen);
	ctl_close(&c);
	if (rc)
		return -2;
	*answer = cJSON_Parse(reply);
	free(reply);
	if (!cJSON_IsObject(*answer)) {
		cJSON_Delete(*answer);
		*answer = NULL;
		snprintf(err, errlen, "unparsable answer from ocppd at %s",
		         addr);
		return -2;
	}
	return 0;
}

/* Any node: the configured socket, else (not configured, or not
 * reachable) the live nodes in turn until one can be reached. */
static int roundtrip_any(const struct csms_config *cfg, struct db *db,
                         const char *line, int wait_ms, cJSON **answer,
                         char *err, size_t errlen)
{
	int rc = -1;
	if (cfg->control_socket[0] || cfg->control_tcp_port > 0) {
		rc = webcmd_roundtrip(cfg, line, wait_ms, answer, err, errlen);
		if (rc != -1)
			return rc;
	} else {
		snprintf(err, errlen, "no control socket configured");
	}
	struct webroute_node nodes[WEBROUTE_NODES_MAX];
	int n = webroute_live(db, nodes, WEBROUTE_NODES_MAX);
	for (int i = 0; i < n; i++) {
		char why[300];
		rc = roundtrip_addr(cfg, nodes[i].addr, line, wait_ms, answer,
		                    why, sizeof why);
		if (rc != -1)
			return rc;
		log_warn("web: node %s: %s", nodes[i].node_id, why);
	}
	return -1;
}

/*
 * The node holding the link cannot be reached and the database names no
 * other yet: the node stopped (or is cut off) and its charge points are
 * reconnecting elsewhere.  For the caller that is the charge point being
 * offline, not the control plane being down: the same answer ocppd gives
 * for a link that dropped, naming the node.
 */
static int owner_lost(const struct webroute_node *owner, cJSON **answer,
                      char *err, size_t errlen)
{
	char msg[300];
	snprintf(msg, sizeof msg,
	         "the ocppd node holding its link (%s) does not answer; the "
	         "charge point reconnects through another node: try again "
	         "shortly",
	         owner->node_id);
	cJSON *a = cJSON_CreateObject(), *e = cJSON_CreateObject();
	if (!a || !e || !cJSON_AddFalseToObject(a, "ok") ||
	    !cJSON_AddStringToObject(e, "code", "cp_offline") ||
	    !cJSON_AddStringToObject(e, "message", msg)) {
		cJSON_Delete(a);
		cJSON_Delete(e);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cJSON_AddItemToObject(a, "error", e);
	log_warn("web: node %s (%s) does not answer", owner->node_id,
	         owner->addr);
	*answer = a;
	return 0;
}

/* To the owner when a live node holds the link, else to any node. */
static int send_once(const struct csms_config *cfg, struct db *db,
                     const struct webroute_node *owner, int owned,
                     const char *line, int wait_ms, cJSON **answer, char *err,
                     size_t errlen)
{
	if (owned)
		return roundtrip_addr(cfg, owner->addr, line, wait_ms, answer,
		                      err, errlen);
	return roundtrip_any(cfg, db, line, wait_ms, answer, err, errlen);
}

int webcmd_send(const struct csms_config *cfg, struct db *db, const char *op,
                const char *cp_id, const char *line, int wait_ms,
                cJSON **answer, char *err, size_t errlen)
{
	*answer = NULL;
	if (!cp_id || !*cp_id || !webctl_is_command(op))
		return roundtrip_any(cfg, db, line, wait_ms, answer, err,
		                     errlen);
	struct webroute_node owner, again;
	int owned = webroute_owner(db, cp_id, &owner);
	if (owned < 0) {
		log_warn("web: %s: owner of %s not read: %s", op, cp_id,
		         db_error(db));
		owned = 0;
	}
	int rc = send_once(cfg, db, &owner, owned, line, wait_ms, answer, err,
	                   errlen);
	/* The link may have moved between the lookup and the send (a node
	 * stopped, the charge point reconnected through another): one more
	 * look, and one more try where it is now.  Never more: a charge
	 * point flapping between nodes gets its offline answer. */
	int offline = rc == 0 && !ctl_answer_ok(*answer) &&
	              ctl_answer_code(*answer) &&
	              !strcmp(ctl_answer_code(*answer), "cp_offline");
	if (!offline && !(rc == -1 && owned))
		return rc;
	if (webroute_owner(db, cp_id, &again) != 1 ||
	    (owned && !strcmp(again.node_id, owner.node_id) &&
	     !strcmp(again.addr, owner.addr)))
		return rc == -1 && owned
		           ? owner_lost(&owner, answer, err, errlen)
		           : rc;
	log_info("web: %s %s: the link moved to node %s: sent again", op, cp_id,
	         again.node_id);
	cJSON *second = NULL;
	char why[300];
	int rc2 = roundtrip_addr(cfg, again.addr, line, wait_ms, &second, why,
	                         sizeof why);
	if (rc2 == 0) {
		cJSON_Delete(*answer);
		*answer = second;
		return 0;
	}
	log_warn("web: %s %s: node %s: %s", op, cp_id, again.node_id, why);
	if (rc == 0)
		return 0; /* the first answer (offline) stands */
	snprintf(err, errlen, "%s", why);
	return rc2;
}

cJSON *webcmd_fanout(const struct csms_config *cfg, struct db *db,
                     const char *op, int wait_ms)
{
	struct webroute_node nodes[WEBROUTE_NODES_MAX];
	int n = webroute_live(db, nodes, WEBROUTE_NODES_MAX);
	if (n <= 0)
		return NULL;
	char *line = webcmd_line(op, NULL, NULL, NULL, 0, 0);
	cJSON *out = cJSON_CreateArray();
	for (int i = 0; line && out && i < n; i++) {
		cJSON *answer = NULL, *row = cJSON_CreateObject();
		char err[300];
		cJSON_AddStringToObject(row, "node_id", nodes[i].node_id);
		cJSON_AddStringToObject(row, "control_addr", nodes[i].addr);
		int rc = roundtrip_addr(cfg, nodes[i].addr, line, wait_ms,
		                        &answer, err, sizeof err);
		if (rc == 0 && ctl_answer_ok(answer)) {
			cJSON_AddTrueToObject(row, "ok");
			cJSON_AddItemToObject(
			    row, "result",
			    cJSON_DetachItemFromObject(answer, "result"));
		} else {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddFalseToObject(row, "ok");
			if (rc)
				log_warn("web: %s on node %s: %s", op,
				         nodes[i].node_id, err);
			cJSON_AddStringToObject(
			    e, "code",
			    rc ? "control_unavailable"
			       : (ctl_answer_code(answer) ?: "bad_answer"));
			cJSON_AddStringToObject(
			    e, "message",
			    rc ? err : ctl_answer_message(answer));
			cJSON_AddItemToObject(row, "error", e);
		}
		cJSON_Delete(answer);
		cJSON_AddItemToArray(out, row);
	}
	free(line);
	return out;
}

static void nap_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

int webcmd_wait(struct db *db, const char *uid, int finished, int wait_ms)
{
	int64_t until = time_now_ms() + wait_ms;
	for (;;) {
		struct db_rows rows;
		if (db_query(db, &rows, sql_state, "s", uid))
			return -1;
		int rc = db_next(&rows);
		int done = rc == 1 && (!finished || db_int(&rows, 0));
		db_rows_end(&rows);
		if (rc < 0)
			return -1;
		if (done)
			return 1;
		if (time_now_ms() >= until)
			return 0;
		nap_ms(POLL_MS);
	}
}

int webcmd_status_is_result(const char *status)
{
	static const char *const not_results[] = {
	    "pending", "callerror", "timeout", "offline", "error", NULL};
	if (!status)
		return 0;
	for (int i = 0; not_results[i]; i++)
		if (!strcmp(status, not_results[i]))
			return 0;
	return 1;
}
