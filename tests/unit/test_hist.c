/*
 * test_hist.c — the latency histogram (cpsim's load, ocppd's replies) and its
 * summary (text and --json).
 */
#include "check.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../tools/cpsim/frame.c"
#include "../../lib/hist.c"
#include "../../tools/cpsim/load_report.c"

static void test_index_monotonic(void)
{
	uint64_t v;
	unsigned prev = 0, i;

	for (v = 0; v < 100000; v++) {
		i = hist_index(v);
		if (i < prev || i >= HIST_BUCKETS)
			CHECK_FAIL_("index %u at %llu", i,
			            (unsigned long long)v);
		/* The value lies in its bucket. */
		if (hist_bucket_low(i) > v)
			CHECK_FAIL_("bucket %u starts above %llu", i,
			            (unsigned long long)v);
		prev = i;
	}
	CHECK_INT(hist_index(31), 31);
	CHECK_INT(hist_index(32), 32);
	CHECK_INT(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
}

static void test_percentiles(void)
{
	struct hist h;
	uint64_t v, p50, p99;

	hist_init(&h);
	CHECK_INT(hist_percentile(&h, 50), 0);
	/* 1..100000 us: p50 ~ 50000, p99 ~ 99000 within 3%. */
	for (v = 1; v <= 100000; v++)
		hist_add(&h, v);
	CHECK_INT(h.count, 100000);
	CHECK_INT(h.min, 1);
	CHECK_INT(h.max, 100000);
	CHECK_INT(hist_mean(&h), 50000);
	p50 = hist_percentile(&h, 50);
	p99 = hist_percentile(&h, 99);
	CHECK(p50 >= 48500 && p50 <= 51500);
	CHECK(p99 >= 96000 && p99 <= 100000);
	CHECK_INT(hist_percentile(&h, 100), 100000);
	CHECK_INT(hist_percentile(&h, 0), 1);

	/* One slow outlier shows at max and p100, not at p99. */
	hist_init(&h);
	for (v = 0; v < 1000; v++)
		hist_add(&h, 500);
	hist_add(&h, 5000000);
	CHECK_INT(hist_percentile(&h, 99), 500);
	CHECK_INT(hist_percentile(&h, 100), 5000000);
}

static void test_codes(void)
{
	struct load_stats s;
	int i;
	char code[16];

	load_stats_init(&s);
	load_stats_callerror(&s, "FormationViolationXYZ", 18);
	load_stats_callerror(&s, "FormationViolation", 18);
	CHECK_INT(s.ncodes, 1);
	CHECK_INT(s.codes[0].n, 2);
	for (i = 0; i < 20; i++) {
		snprintf(code, sizeof code, "C%d", i);
		load_stats_callerror(&s, code, strlen(code));
	}
	CHECK_INT(s.ncodes, LOAD_CODES);
	CHECK_STR(s.codes[LOAD_CODES - 1].code, "other");
	load_stats_http(&s, 404);
	load_stats_http(&s, 404);
	load_stats_http(&s, 401);
	CHECK_INT(s.nhttp, 2);
	CHECK_INT(s.http[0].n, 2);
}

static void fill(struct load_stats *s)
{
	uint64_t v;

	load_stats_init(s);
	s->url = "ws://127.0.0.1:9000/ocpp/\"LOAD\"";
	s->mix = "realistic";
	s->inflight = 1;
	s->requested = s->connected = s->booted = s->held = 100;
	s->connect_secs = 0.5;
	s->traffic_secs = 2;
	s->sent = s->answered = 100000;
	for (v = 0; v < 1000; v++)
		hist_add(&s->lat, 1000 + v);
	s->pid = 1;
	s->rss_before_kb = 1000;
	s->rss_after_kb = 1500;
	load_stats_callerror(s, "Bad\"Code", 8);
	s->callerrors = 1;
}

static void test_json_summary(void)
{
	struct load_stats s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cJSON *j;

	fill(&s);
	s.failure = "errors during the run";
	load_report_json(f, &s);
	fclose(f);
	j = cJSON_Parse(buf);
	CHECK(j != NULL);
	CHECK_INT(cJSON_GetObjectItem(j, "msgs_per_sec")->valuedouble, 50000);
	CHECK_INT(cJSON_GetObjectItem(j, "server_kb_per_conn")->valuedouble, 5);
	CHECK(cJSON_IsFalse(cJSON_GetObjectItem(j, "ok")));
	CHECK_STR(cJSON_GetObjectItem(j, "failure")->valuestring,
	          "errors during the run");
	CHECK_STR(cJSON_GetObjectItem(j, "url")->valuestring,
	          "ws://127.0.0.1:9000/ocpp/\"LOAD\"");
	CHECK_INT(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "callerror_codes"),
	                              "Bad\"Code")
	              ->valuedouble,
	          1);
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "latency_ms"), "p99")
	          ->valuedouble > 1.9);
	cJSON_Delete(j);
	free(buf);
}

static void test_text_summary(void)
{
	struct load_stats s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fill(&s);
	load_report_text(f, &s);
	fclose(f);
	CHECK(strstr(buf, "100 requested, 100 connected, 100 booted"));
	CHECK(strstr(buf, "sent 100000, answered 100000, 50000 msgs/s"));
	CHECK(strstr(buf, "latency: p50 1.4") ||
	      strstr(buf, "latency: p50 1.5"));
	CHECK(strstr(buf, "5.0 KiB per connection"));
	CHECK(strstr(buf, "\ncpsim: load ok\n"));
	free(buf);
}

static void test_vmrss(void)
{
	CHECK(load_vmrss_kb((int)getpid()) > 0);
	CHECK_INT(load_vmrss_kb(999999999), -1);
}

int main(void)
{
	RUN(test_index_monotonic);
	RUN(test_percentiles);
	RUN(test_codes);
	RUN(test_json_summary);
	RUN(test_text_summary);
	RUN(test_vmrss);
	CHECK_EXIT();
}
