/*
 * answer_get_log.c — GetDiagnostics and GetLog: with --files the charge
 * point accepts and uploads a small file to the location over HTTP
 * afterwards (FU_FILE, file_jobs.c); without, they are NotSupported.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "answer_int.h"

static int http_url(const char *url)
{
	return url &&
	       (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8));
}

void answer_get_diagnostics(struct cpstate *st, const cJSON *p,
                            struct answer *a)
{
	if (!st->files) {
		answer_set_error(a, "NotSupported", "GetDiagnostics");
		return;
	}
	const char *loc = answer_str_field(p, "location", 1, 0, a);
	if (!loc)
		return;
	/* An FTP location: accepted, nothing is sent (no FTP here). */
	snprintf(a->payload, sizeof a->payload, "{\"fileName\":\"diag.log\"}");
	if (!http_url(loc) || strlen(loc) >= sizeof a->url)
		return;
	a->fu = FU_FILE;
	snprintf(a->what, sizeof a->what, "GetDiagnostics");
	snprintf(a->url, sizeof a->url, "%s", loc);
}

void answer_get_log(struct cpstate *st, const cJSON *p, struct answer *a)
{
	if (!st->files) {
		answer_set_error(a, "NotSupported", "GetLog");
		return;
	}
	int rid;
	if (answer_int_field(p, "requestId", 1, &rid, a) < 0)
		return;
	const cJSON *log = cJSON_GetObjectItemCaseSensitive(p, "log");
	const char *loc = answer_str_field(log, "remoteLocation", 1, 512, a);
	if (!loc)
		return;
	snprintf(a->payload, sizeof a->payload,
	         "{\"status\":\"Accepted\",\"filename\":\"cpsim.log\"}");
	if (!http_url(loc))
		return;
	a->fu = FU_FILE;
	a->request_id = rid;
	snprintf(a->what, sizeof a->what, "GetLog");
	snprintf(a->url, sizeof a->url, "%s", loc);
}
