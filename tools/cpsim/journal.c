/*
 * journal.c — the --journal file; see journal.h.
 *
 * Lines are written with stdio and flushed by the caller's tick (load
 * mode writes thousands a second) and at close; session mode flushes
 * after each line.  A line is written only after the answer arrived, so
 * every line is a message the central system acknowledged.
 */
#include "journal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

struct journal {
	FILE *f;
};

struct journal *journal_open(const char *path, char *err, size_t errlen)
{
	struct journal *j = calloc(1, sizeof *j);

	if (!j) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	j->f = fopen(path, "a");
	if (!j->f) {
		snprintf(err, errlen, "--journal %s: %s", path,
		         strerror(errno));
		free(j);
		return NULL;
	}
	return j;
}

void journal_flush(struct journal *j)
{
	if (j)
		fflush(j->f);
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	fclose(j->f);
	free(j);
}

int journal_format_start(char *buf, size_t n, const char *cp, int connector,
                         long long tx_id, long long meter_start, const char *ts)
{
	char ecp[512], ets[128];
	int len;

	if (frame_json_escape(cp, strlen(cp), ecp, sizeof ecp) < 0 ||
	    frame_json_escape(ts, strlen(ts), ets, sizeof ets) < 0)
		return -1;
	len = snprintf(buf, n,
	               "{\"action\":\"StartTransaction\",\"cp\":\"%s\","
	               "\"connector\":%d,\"transactionId\":%lld,"
	               "\"meterStart\":%lld,\"ts\":\"%s\"}",
	               ecp, connector, tx_id, meter_start, ets);
	return len < 0 || (size_t)len >= n ? -1 : len;
}

int journal_format_stop(char *buf, size_t n, const char *cp, long long tx_id,
                        long long meter_stop, const char *ts)
{
	char ecp[512], ets[128];
	int len;

	if (frame_json_escape(cp, strlen(cp), ecp, sizeof ecp) < 0 ||
	    frame_json_escape(ts, strlen(ts), ets, sizeof ets) < 0)
		return -1;
	len = snprintf(buf, n,
	               "{\"action\":\"StopTransaction\",\"cp\":\"%s\","
	               "\"transactionId\":%lld,\"meterStop\":%lld,"
	               "\"ts\":\"%s\"}",
	               ecp, tx_id, meter_stop, ets);
	return len < 0 || (size_t)len >= n ? -1 : len;
}

void journal_start(struct journal *j, const char *cp, int connector,
                   long long tx_id, long long meter_start, const char *ts)
{
	char line[1024];

	if (j && journal_format_start(line, sizeof line, cp, connector, tx_id,
	                              meter_start, ts) > 0)
		fprintf(j->f, "%s\n", line);
}

void journal_stop(struct journal *j, const char *cp, long long tx_id,
                  long long meter_stop, const char *ts)
{
	char line[1024];

	if (j && journal_format_stop(line, sizeof line, cp, tx_id, meter_stop,
	                             ts) > 0)
		fprintf(j->f, "%s\n", line);
}

static int num(const cJSON *o, const char *key, long long *v)
{
	const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(x))
		return -1;
	*v = (long long)x->valuedouble;
	return 0;
}

int journal_frame(struct journal *j, const char *cp, const char *call_frame,
                  const struct cJSON *res)
{
	cJSON *call = cJSON_Parse(call_frame);
	const cJSON *action, *p, *ts;
	long long conn, meter, tx;
	int rc = -1;

	action = cJSON_GetArrayItem(call, 2);
	p = cJSON_GetArrayItem(call, 3);
	if (!cJSON_IsString(action) || !cJSON_IsObject(p))
		goto out;
	if (strcmp(action->valuestring, "StartTransaction") &&
	    strcmp(action->valuestring, "StopTransaction")) {
		rc = 0;
		goto out;
	}
	ts = cJSON_GetObjectItemCaseSensitive(p, "timestamp");
	if (!cJSON_IsString(ts))
		goto out;
	if (!strcmp(action->valuestring, "StartTransaction")) {
		if (num(p, "connectorId", &conn) ||
		    num(p, "meterStart", &meter))
			goto out;
		if (num(res, "transactionId", &tx)) {
			rc = 0; /* not a started transaction */
			goto out;
		}
		journal_start(j, cp, (int)conn, tx, meter, ts->valuestring);
		rc = 1;
	} else if (!strcmp(action->valuestring, "StopTransaction")) {
		if (num(p, "transactionId", &tx) || num(p, "meterStop", &meter))
			goto out;
		journal_stop(j, cp, tx, meter, ts->valuestring);
		rc = 1;
	}
out:
	cJSON_Delete(call);
	return rc;
}
