/*
 * file_jobs.c — see file_jobs.h.
 */
#include "file_jobs.h"

#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

struct sink {
	long long bytes;
};

static size_t count(char *p, size_t size, size_t n, void *ud)
{
	(void)p;
	((struct sink *)ud)->bytes += (long long)(size * n);
	return size * n;
}

struct source {
	const char *p;
	size_t left;
};

static size_t feed(char *buf, size_t size, size_t n, void *ud)
{
	struct source *s = ud;
	size_t k = size * n < s->left ? size * n : s->left;
	memcpy(buf, s->p, k);
	s->p += k;
	s->left -= k;
	return k;
}

/* The HTTP status of the transfer, 0 when none came. */
static long transfer(const char *url, const char *action, const char *body,
                     size_t len, long long *got)
{
	CURL *c = curl_easy_init();
	if (!c)
		return 0;
	struct sink sink = {0};
	struct source src = {body, len};
	curl_mime *mime = NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	if (!strcmp(action, "GetDiagnostics")) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, feed);
		curl_easy_setopt(c, CURLOPT_READDATA, &src);
		curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	} else if (!strcmp(action, "GetLog")) {
		mime = curl_mime_init(c);
		curl_mimepart *part = curl_mime_addpart(mime);
		curl_mime_name(part, "file");
		curl_mime_filename(part, "cpsim.log");
		curl_mime_type(part, "text/plain");
		curl_mime_data(part, body, len);
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	}
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (got)
		*got = sink.bytes;
	curl_mime_free(mime);
	curl_easy_cleanup(c);
	return status;
}

static void status(file_jobs_send send, void *ud, const struct answer *a,
                   const char *st)
{
	char p[160];
	const char *action =
	    !strcmp(a->what, "GetDiagnostics") ? "DiagnosticsStatusNotification"
	    : !strcmp(a->what, "GetLog")       ? "LogStatusNotification"
	    : !strcmp(a->what, "UpdateFirmware")
	        ? "FirmwareStatusNotification"
	        : "SignedFirmwareStatusNotification";
	if (!strcmp(a->what, "GetLog") ||
	    !strcmp(a->what, "SignedUpdateFirmware"))
		snprintf(p, sizeof p, "{\"status\":\"%s\",\"requestId\":%d}",
		         st, a->request_id);
	else
		snprintf(p, sizeof p, "{\"status\":\"%s\"}", st);
	send(ud, action, p);
}

void file_jobs_run(const struct answer *a, const char *cp_id,
                   file_jobs_send send, void *ud)
{
	int upload =
	    !strcmp(a->what, "GetDiagnostics") || !strcmp(a->what, "GetLog");
	if (upload) {
		char body[512];
		int n = snprintf(body, sizeof body,
		                 "cpsim %s: %s log\nline 2\nline 3\n", cp_id,
		                 a->what);
		status(send, ud, a, "Uploading");
		long st = transfer(a->url, a->what, body, (size_t)n, NULL);
		status(send, ud, a,
		       st >= 200 && st < 300
		           ? "Uploaded"
		           : (!strcmp(a->what, "GetLog") ? "UploadFailure"
		                                         : "UploadFailed"));
		return;
	}
	long long got = 0;
	status(send, ud, a, "Downloading");
	long st = transfer(a->url, a->what, NULL, 0, &got);
	if (st != 200) {
		status(send, ud, a, "DownloadFailed");
		return;
	}
	status(send, ud, a, "Downloaded");
	if (!strcmp(a->what, "SignedUpdateFirmware"))
		status(send, ud, a, "SignatureVerified");
	status(send, ud, a, "Installing");
	status(send, ud, a, "Installed");
}
