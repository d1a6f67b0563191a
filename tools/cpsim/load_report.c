/*
 * load_report.c — counters and the final summary of a load run.
 */
#include "load_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"

void load_stats_init(struct load_stats *s)
{
	memset(s, 0, sizeof *s);
	hist_init(&s->lat);
	s->rss_before_kb = s->rss_after_kb = s->self_rss_kb = -1;
}

void load_stats_callerror(struct load_stats *s, const char *code, size_t len)
{
	int i;

	if (len >= sizeof s->codes[0].code)
		len = sizeof s->codes[0].code - 1;
	for (i = 0; i < s->ncodes; i++)
		if (strlen(s->codes[i].code) == len &&
		    !memcmp(s->codes[i].code, code, len)) {
			s->codes[i].n++;
			return;
		}
	if (s->ncodes == LOAD_CODES)
		i = LOAD_CODES - 1, len = 5, code = "other";
	else
		s->ncodes++;
	memcpy(s->codes[i].code, code, len);
	s->codes[i].code[len] = '\0';
	s->codes[i].n++;
}

void load_stats_http(struct load_stats *s, int status)
{
	int i;

	for (i = 0; i < s->nhttp; i++)
		if (s->http[i].status == status) {
			s->http[i].n++;
			return;
		}
	if (s->nhttp == LOAD_CODES)
		return;
	s->http[s->nhttp].status = status;
	s->http[s->nhttp++].n = 1;
}

long load_vmrss_kb(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6)) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static double ms(uint64_t us)
{
	return (double)us / 1000.0;
}

static double rate(const struct load_stats *s)
{
	return s->traffic_secs > 0 ? (double)s->answered / s->traffic_secs : 0;
}

/* Bytes of server memory per connection, or -1 when not measured. */
static double per_conn_kb(const struct load_stats *s)
{
	int n = s->connected;

	if (s->rss_before_kb < 0 || s->rss_after_kb < 0 || n <= 0)
		return -1;
	return (double)(s->rss_after_kb - s->rss_before_kb) / n;
}

void load_report_text(FILE *out, const struct load_stats *s)
{
	int i;

	fprintf(out, "cpsim load: %s mix=%s %s", s->url, s->mix,
	        s->rate > 0 ? "" : "closed-loop");
	if (s->rate > 0)
		fprintf(out, "rate=%.0f/s", s->rate);
	fprintf(out, " inflight=%d\n", s->inflight);
	fprintf(out,
	        "  connections: %d requested, %d connected, %d booted, "
	        "%d failed, %d closed early, %d held at the end\n",
	        s->requested, s->connected, s->booted, s->connect_failed,
	        s->closed_early, s->held);
	if (s->reconnect)
		fprintf(out,
		        "  reconnects: %d links dropped, %d re-established, "
		        "%llu calls resent, longest gap %.2f s, %d unanswered "
		        "at the end\n",
		        s->link_drops, s->reconnected,
		        (unsigned long long)s->resent, s->gap_max_secs,
		        s->unanswered_end);
	if (s->nhttp) {
		fprintf(out, "  handshakes refused:");
		for (i = 0; i < s->nhttp; i++)
			fprintf(out, " HTTP %d x%llu", s->http[i].status,
			        (unsigned long long)s->http[i].n);
		fputc('\n', out);
	}
	if (s->storm)
		fprintf(out,
		        "  storm: %d online in %.2f s (last link open at "
		        "%.2f s, last boot accepted at %.2f s), %llu "
		        "BootNotification Pending answers\n",
		        s->online, s->online_secs, s->open_secs, s->booted_secs,
		        (unsigned long long)s->boot_pending);
	fprintf(out, "  connect+boot: %.2f s (%.0f/s)\n", s->connect_secs,
	        s->connect_secs > 0 ? s->booted / s->connect_secs : 0);
	fprintf(out,
	        "  traffic: %.2f s, sent %llu, answered %llu, %.0f msgs/s\n",
	        s->traffic_secs, (unsigned long long)s->sent,
	        (unsigned long long)s->answered, rate(s));
	fprintf(
	    out,
	    "  latency: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms "
	    "(mean %.2f ms, n=%llu)\n",
	    ms(hist_percentile(&s->lat, 50)), ms(hist_percentile(&s->lat, 95)),
	    ms(hist_percentile(&s->lat, 99)), ms(s->lat.count ? s->lat.max : 0),
	    ms(hist_mean(&s->lat)), (unsigned long long)s->lat.count);
	fprintf(out,
	        "  errors: %llu CALLERRORs, %llu timeouts, %llu protocol, "
	        "%llu server calls",
	        (unsigned long long)s->callerrors,
	        (unsigned long long)s->timeouts,
	        (unsigned long long)s->protocol,
	        (unsigned long long)s->server_calls);
	for (i = 0; i < s->ncodes; i++)
		fprintf(out, "%s%s x%llu", i ? ", " : " (", s->codes[i].code,
		        (unsigned long long)s->codes[i].n);
	fprintf(out, "%s\n", s->ncodes ? ")" : "");
	if (s->rate > 0 && s->rate_shortfall)
		fprintf(out,
		        "  rate: %llu sends found every charge point busy "
		        "(target not reached)\n",
		        (unsigned long long)s->rate_shortfall);
	if (s->pid) {
		if (per_conn_kb(s) >= 0)
			fprintf(
			    out,
			    "  server memory (pid %d): VmRSS %ld KiB before, "
			    "%ld KiB after, %.1f KiB per connection\n",
			    s->pid, s->rss_before_kb, s->rss_after_kb,
			    per_conn_kb(s));
		else
			fprintf(out, "  server memory (pid %d): not measured\n",
			        s->pid);
	}
	if (s->self_rss_kb >= 0)
		fprintf(out, "  cpsim memory: VmRSS %ld KiB\n", s->self_rss_kb);
	fprintf(out, "cpsim: load %s%s\n", s->failure ? "FAILED: " : "ok",
	        s->failure ? s->failure : "");
}

void load_report_json(FILE *out, const struct load_stats *s)
{
	char url[1024], why[512];
	int i;

	if (frame_json_escape(s->url, strlen(s->url), url, sizeof url) < 0)
		url[0] = '\0';
	if (!s->failure || frame_json_escape(s->failure, strlen(s->failure),
	                                     why, sizeof why) < 0)
		why[0] = '\0';
	fprintf(
	    out,
	    "{\"url\":\"%s\",\"mix\":\"%s\",\"rate\":%.0f,\"inflight\":%d,"
	    "\"requested\":%d,\"connected\":%d,\"booted\":%d,"
	    "\"connect_failed\":%d,\"closed_early\":%d,\"held\":%d,"
	    "\"link_drops\":%d,\"reconnected\":%d,\"resent\":%llu,"
	    "\"gap_max_secs\":%.3f,\"unanswered_end\":%d,"
	    "\"connect_secs\":%.3f,\"traffic_secs\":%.3f,"
	    "\"sent\":%llu,\"answered\":%llu,\"msgs_per_sec\":%.1f,"
	    "\"latency_ms\":{\"p50\":%.3f,\"p95\":%.3f,\"p99\":%.3f,"
	    "\"max\":%.3f,\"mean\":%.3f},"
	    "\"callerrors\":%llu,\"timeouts\":%llu,\"protocol_errors\":%llu,"
	    "\"server_calls\":%llu,\"rate_shortfall\":%llu,"
	    "\"callerror_codes\":{",
	    url, s->mix, s->rate, s->inflight, s->requested, s->connected,
	    s->booted, s->connect_failed, s->closed_early, s->held,
	    s->link_drops, s->reconnected, (unsigned long long)s->resent,
	    s->gap_max_secs, s->unanswered_end, s->connect_secs,
	    s->traffic_secs, (unsigned long long)s->sent,
	    (unsigned long long)s->answered, rate(s),
	    ms(hist_percentile(&s->lat, 50)), ms(hist_percentile(&s->lat, 95)),
	    ms(hist_percentile(&s->lat, 99)), ms(s->lat.count ? s->lat.max : 0),
	    ms(hist_mean(&s->lat)), (unsigned long long)s->callerrors,
	    (unsigned long long)s->timeouts, (unsigned long long)s->protocol,
	    (unsigned long long)s->server_calls,
	    (unsigned long long)s->rate_shortfall);
	for (i = 0; i < s->ncodes; i++) {
		char code[sizeof s->codes[0].code * 6];

		if (frame_json_escape(s->codes[i].code,
		                      strlen(s->codes[i].code), code,
		                      sizeof code) < 0)
			code[0] = '\0';
		fprintf(out, "%s\"%s\":%llu", i ? "," : "", code,
		        (unsigned long long)s->codes[i].n);
	}
	fprintf(out, "},\"http_refusals\":{");
	for (i = 0; i < s->nhttp; i++)
		fprintf(out, "%s\"%d\":%llu", i ? "," : "", s->http[i].status,
		        (unsigned long long)s->http[i].n);
	if (s->storm)
		fprintf(out,
		        "},\"online\":%d,\"online_secs\":%.3f,"
		        "\"open_secs\":%.3f,\"booted_secs\":%.3f,"
		        "\"boot_pending\":%llu",
		        s->online, s->online_secs, s->open_secs, s->booted_secs,
		        (unsigned long long)s->boot_pending);
	fprintf(out,
	        "%s\"server_pid\":%d,\"server_rss_before_kb\":%ld,"
	        "\"server_rss_after_kb\":%ld,",
	        s->storm ? "," : "},", s->pid, s->rss_before_kb,
	        s->rss_after_kb);
	if (per_conn_kb(s) >= 0)
		fprintf(out, "\"server_kb_per_conn\":%.2f,", per_conn_kb(s));
	else
		fprintf(out, "\"server_kb_per_conn\":null,");
	fprintf(out, "\"cpsim_rss_kb\":%ld,\"ok\":%s,\"failure\":%s%s%s}\n",
	        s->self_rss_kb, s->failure ? "false" : "true",
	        s->failure ? "\"" : "", s->failure ? why : "null",
	        s->failure ? "\"" : "");
}
