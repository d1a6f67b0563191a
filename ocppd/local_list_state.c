/*
 * local_list_state.c — see local_list_state.h.
 */
#include "local_list_state.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonutil.h"

int local_list_stamp(struct db *db, const char *id_tag, int deleted)
{
	if (db_exec(db,
	            "UPDATE local_list_seq SET seq = LAST_INSERT_ID(seq + 1) "
	            "WHERE id = 1",
	            "") < 0)
		return -1;
	if (deleted)
		return db_exec(db,
		               "INSERT INTO local_list_gone (id_tag, list_seq) "
		               "VALUES (?, LAST_INSERT_ID()) ON DUPLICATE KEY "
		               "UPDATE list_seq = VALUES(list_seq)",
		               "s", id_tag) < 0
		           ? -1
		           : 0;
	return db_exec(db,
	               "UPDATE users SET list_seq = LAST_INSERT_ID() "
	               "WHERE id_tag = ?",
	               "s", id_tag) < 0 ||
	               db_exec(db,
	                       "DELETE FROM local_list_gone WHERE id_tag = ?",
	                       "s", id_tag) < 0
	           ? -1
	           : 0;
}

/*
 * GetLocalListVersion answered (ours after a boot, or an operator's): a
 * version other than the one confirmed means the charge point's list is
 * not ours (lost, or replaced), so the next update is Full; the same
 * version is in_sync again (the state was 'sending' while we asked).
 * Unanswered, the state stays 'sending' and the update goes out when it
 * is stale (local_list.c).
 */
static int version_answer(struct db *db, const struct cmd_record *r)
{
	if (!cmd_record_answered(r) || !r->response)
		return 0;
	cJSON *resp = cJSON_Parse(r->response);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(resp, "listVersion");
	if (!v) /* 2.0.1's name */
		v = cJSON_GetObjectItemCaseSensitive(resp, "versionNumber");
	if (!cJSON_IsNumber(v)) {
		cJSON_Delete(resp);
		return 0;
	}
	char answer[40];
	snprintf(answer, sizeof answer, "listVersion %.0f", v->valuedouble);
	long long version = (long long)v->valuedouble;
	cJSON_Delete(resp);
	return db_exec(
	           db,
	           "UPDATE local_lists SET updated_at = ?, last_answer = ?, "
	           "status = IF(version_confirmed = ?, 'in_sync', 'failed'), "
	           "version_confirmed = IF(version_confirmed = ?, "
	           "version_confirmed, 0) WHERE cp_id = ? AND status IN "
	           "('sending', 'in_sync', 'failed', 'no_answer')",
	           "tslls", r->finished_ms, answer, version, version,
	           r->cp_id) < 0
	           ? -1
	           : 0;
}

int local_list_command(struct db *db, const struct cmd_record *r)
{
	if (!strcmp(r->action, "GetLocalListVersion") && r->outcome)
		return version_answer(db, r);
	if (strcmp(r->action, "SendLocalList") || !r->outcome)
		return 0;
	const char *status;
	long long confirmed = -1; /* -1: unchanged */
	cJSON *resp = r->response ? cJSON_Parse(r->response) : NULL;
	const char *answer = json_str(resp, "status", NULL);
	if (!answer || !cmd_record_answered(r)) {
		status = "no_answer";
		answer = r->status;
	} else if (!strcmp(answer, "Accepted")) {
		status = "in_sync";
		cJSON *p = r->params ? cJSON_Parse(r->params) : NULL;
		confirmed = cJSON_HasObjectItem(p, "versionNumber")
		                ? json_int(p, "versionNumber", 0)
		                : json_int(p, "listVersion", 0);
		cJSON_Delete(p);
	} else if (!strcmp(answer, "NotSupported")) {
		status = "unsupported";
	} else {
		/* Failed, VersionMismatch: start again from a full list. */
		status = "failed";
		confirmed = 0;
	}
	/* A list an operator sent by hand replaces ours on the charge
	 * point: the next update is Full. */
	int ours =
	    r->requested_by && !strcmp(r->requested_by, LOCAL_LIST_SENDER);
	if (!ours && !strcmp(status, "in_sync"))
		confirmed = 0;
	long long n = db_exec(
	    db,
	    "INSERT INTO local_lists (cp_id, version_confirmed, status, "
	    "last_answer, updated_at) VALUES (?, GREATEST(?, 0), ?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE version_confirmed = IF(? < 0, "
	    "version_confirmed, ?), status = VALUES(status), "
	    "last_answer = VALUES(last_answer), updated_at = "
	    "VALUES(updated_at)",
	    "slsstll", r->cp_id, confirmed, status, answer, r->finished_ms,
	    confirmed, confirmed);
	cJSON_Delete(resp);
	return n < 0 ? -1 : 0;
}
