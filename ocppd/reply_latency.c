/*
 * reply_latency.c — the server's own reply latency; see reply_latency.h.
 *
 * One log-linear histogram (lib/hist.h, within about 3%): adding a sample
 * is a few instructions, and it never grows.
 */
#include "reply_latency.h"

#include "hist.h"
#include "jsonutil.h"
#include "timeutil.h"

static struct hist h;
static int64_t since_ms; /* 0: not started */

static void start_over(void)
{
	hist_init(&h);
	since_ms = time_now_ms();
}

void reply_latency_add(int64_t rx_us)
{
	if (!since_ms)
		start_over();
	int64_t us = time_mono_us() - rx_us;
	hist_add(&h, us > 0 ? (uint64_t)us : 0);
}

int reply_latency_status_add(cJSON *o, int reset)
{
	char ts[32];
	if (!since_ms)
		start_over();
	time_format_iso8601(since_ms, ts);
	cJSON *r = cJSON_CreateObject();
	if (!r || json_add_str(r, "since", ts) ||
	    json_add_int(r, "count", (long long)h.count) ||
	    json_add_int(r, "p50", (long long)hist_percentile(&h, 50)) ||
	    json_add_int(r, "p90", (long long)hist_percentile(&h, 90)) ||
	    json_add_int(r, "p99", (long long)hist_percentile(&h, 99)) ||
	    json_add_int(r, "max", (long long)(h.count ? h.max : 0)) ||
	    !cJSON_AddItemToObject(o, "reply_us", r)) {
		cJSON_Delete(r);
		return -1;
	}
	if (reset)
		start_over();
	return 0;
}
