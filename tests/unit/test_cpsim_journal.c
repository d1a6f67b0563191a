/*
 * test_cpsim_journal.c — cpsim --journal: each line is one JSON object
 * with exactly the documented members, identities are escaped, and only
 * answered Start/StopTransaction calls are written.
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../tools/cpsim/frame.c"
#include "../../tools/cpsim/journal.c"

static int member_count(const cJSON *o)
{
	return cJSON_GetArraySize(o);
}

static void test_start_line(void)
{
	char buf[1024];
	cJSON *o;

	CHECK(journal_format_start(buf, sizeof buf, "CP \"1\"", 2, 123, 4500,
	                           "2026-01-02T03:04:05.678Z") > 0);
	CHECK_STR(buf,
	          "{\"action\":\"StartTransaction\",\"cp\":\"CP "
	          "\\\"1\\\"\",\"connector\":2,\"transactionId\":123,"
	          "\"meterStart\":4500,\"ts\":\"2026-01-02T03:04:05.678Z\"}");
	o = cJSON_Parse(buf);
	CHECK(o);
	CHECK_STR(cJSON_GetObjectItem(o, "cp")->valuestring, "CP \"1\"");
	CHECK_INT(member_count(o), 6);
	cJSON_Delete(o);
}

static void test_stop_line(void)
{
	char buf[1024];
	cJSON *o;

	CHECK(journal_format_stop(buf, sizeof buf, "LOAD0000001", 123, 4567,
	                          "2026-01-02T03:04:05.678Z") > 0);
	o = cJSON_Parse(buf);
	CHECK(o);
	CHECK_STR(cJSON_GetObjectItem(o, "action")->valuestring,
	          "StopTransaction");
	CHECK_INT(cJSON_GetObjectItem(o, "transactionId")->valuedouble, 123);
	CHECK_INT(cJSON_GetObjectItem(o, "meterStop")->valuedouble, 4567);
	CHECK_INT(member_count(o), 5);
	cJSON_Delete(o);
	CHECK_INT(journal_format_stop(buf, 20, "LOAD0000001", 1, 2, "x"), -1);
}

/* From frames as session mode sent them, to a file, read back. */
static void test_frames_to_file(void)
{
	char path[] = "/tmp/cpsim-journal-XXXXXX", err[256], line[1024];
	cJSON *res = cJSON_Parse("{\"transactionId\":42,\"idTagInfo\":"
	                         "{\"status\":\"Accepted\"}}");
	cJSON *nores = cJSON_Parse("{\"idTagInfo\":{\"status\":\"Invalid\"}}");
	struct journal *j;
	FILE *f;
	int fd = mkstemp(path), n = 0;

	CHECK(fd >= 0);
	close(fd);
	j = journal_open(path, err, sizeof err);
	CHECK(j);
	CHECK_INT(
	    journal_frame(j, "CP1",
	                  "[2,\"7\",\"StartTransaction\",{\"connectorId\":"
	                  "1,\"idTag\":\"T\",\"meterStart\":10,"
	                  "\"timestamp\":\"2026-01-01T00:00:00.000Z\"}]",
	                  res),
	    1);
	CHECK_INT(
	    journal_frame(j, "CP1",
	                  "[2,\"8\",\"StartTransaction\",{\"connectorId\":"
	                  "1,\"idTag\":\"T\",\"meterStart\":10,"
	                  "\"timestamp\":\"2026-01-01T00:00:00.000Z\"}]",
	                  nores),
	    0);
	CHECK_INT(
	    journal_frame(j, "CP1",
	                  "[2,\"9\",\"StopTransaction\",{\"transactionId\":"
	                  "42,\"meterStop\":99,\"timestamp\":"
	                  "\"2026-01-01T00:01:00.000Z\",\"reason\":"
	                  "\"Local\"}]",
	                  NULL),
	    1);
	CHECK_INT(journal_frame(j, "CP1", "[2,\"10\",\"Heartbeat\",{}]", NULL),
	          0);
	CHECK_INT(journal_frame(j, "CP1", "not json", NULL), -1);
	journal_close(j);
	cJSON_Delete(res);
	cJSON_Delete(nores);
	f = fopen(path, "r");
	CHECK(f);
	while (fgets(line, sizeof line, f)) {
		n++;
		if (n == 1)
			CHECK_STR(
			    line,
			    "{\"action\":\"StartTransaction\",\"cp\":\"CP1\","
			    "\"connector\":1,\"transactionId\":42,"
			    "\"meterStart\":10,\"ts\":"
			    "\"2026-01-01T00:00:00.000Z\"}\n");
		else
			CHECK_STR(
			    line,
			    "{\"action\":\"StopTransaction\",\"cp\":\"CP1\","
			    "\"transactionId\":42,\"meterStop\":99,\"ts\":"
			    "\"2026-01-01T00:01:00.000Z\"}\n");
	}
	fclose(f);
	unlink(path);
	CHECK_INT(n, 2);
}

static void test_open_fails(void)
{
	char err[256];

	CHECK(!journal_open("/nonexistent/dir/j.jsonl", err, sizeof err));
	CHECK(strstr(err, "/nonexistent/dir/j.jsonl"));
}

int main(void)
{
	RUN(test_start_line);
	RUN(test_stop_line);
	RUN(test_frames_to_file);
	RUN(test_open_fails);
	CHECK_EXIT();
}
