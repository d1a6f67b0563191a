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
#include "timeutil.h"

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
