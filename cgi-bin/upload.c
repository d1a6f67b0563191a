/*
 * upload.c — the files charge points send and fetch over HTTP
 * (docs/files.md), a FastCGI program beside api and dashboard, reached at
 * /files/ (outside /cgi-bin/: a charge point has no login, the URL's token
 * is its credential):
 *
 *   PUT or POST /files/u/{cp_id}/{token}   a diagnostics or log file
 *   GET or HEAD /files/f/{cp_id}/{token}   a hosted firmware image
 *
 * The web tier writes no database row: the file goes to a temporary name
 * under files_dir, then ocppd is asked over the control socket to consume
 * the token and record the file (file_upload), and only then does the
 * file get its name.  A download asks ocppd to check the token and log
 * it (file_fetch) before a byte is sent.  Every refusal is 403 whatever
 * the reason (unknown, expired, used, another charge point's), an upload
 * over upload_max_bytes is 413 with nothing kept, any other method 405.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cgi.h"
#include "config.h"
#include "ctl_client.h"
#include "filestore.h"
#include "log.h"
#include "multipart.h"

#define CTL_WAIT_MS 10000

struct upload_ctx {
	struct csms_config cfg;
	char cfg_err[600];
};

static void answer(struct cgi_req *req, int status, const char *reason,
                   const char *extra_headers, const char *body)
{
	fprintf(req->out,
	        "Status: %d %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	        "Cache-Control: no-store\r\n%s\r\n%s\n",
	        status, reason, extra_headers ? extra_headers : "", body);
}

/* Reads what is left of the body and drops it: the web server has it
 * already, and a FastCGI answer before the input is read may be lost. */
static void drain(struct cgi_req *req)
{
	char buf[65536];
	while (cgi_read(req, buf, sizeof buf) > 0)
		;
}

static int is_token(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* "/u/CP_1/<token>" -> kind 'u', cp "CP_1", token.  0 or -1. */
static int parse_path(const char *path, char *kind, char *cp, size_t cplen,
                      char *token, size_t toklen)
{
	if (path[0] != '/' || (path[1] != 'u' && path[1] != 'f') ||
	    path[2] != '/')
		return -1;
	*kind = path[1];
	const char *c = path + 3;
	const char *slash = strrchr(c, '/');
	if (!slash || slash == c || (size_t)(slash - c) >= cplen ||
	    strlen(slash + 1) >= toklen)
		return -1;
	memcpy(cp, c, (size_t)(slash - c));
	cp[slash - c] = '\0';
	snprintf(token, toklen, "%s", slash + 1);
	return 0;
}

/* The stored name's extension from the sender's file name: the last
 * ".xyz" of up to 8 letters or digits, lowercased; "" otherwise. */
static void extension_of(const char *name, char *out, size_t len)
{
	out[0] = '\0';
	const char *dot = name ? strrchr(name, '.') : NULL;
	if (!dot || !dot[1] || strlen(dot + 1) > 8)
		return;
	size_t w = 0;
	for (const char *p = dot + 1; *p && w + 1 < len; p++) {
		char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))) {
			out[0] = '\0';
			return;
		}
		out[w++] = ch;
	}
	out[w] = '\0';
}

/* The file part's name as sent, with anything but printable ASCII as
 * '_' (it is shown on the dashboard, escaped, and kept in the row). */
static void clean_name(const char *in, char *out, size_t len)
{
	size_t w = 0;
	for (; in && *in && w + 1 < len; in++)
		out[w++] =
		    *in >= 0x20 && *in < 0x7f && *in != '/' && *in != '\\'
		        ? *in
		        : '_';
	out[w] = '\0';
}

static int ask_ocppd(const struct csms_config *cfg, const char *op,
                     const char *cp, cJSON *params, cJSON **ans)
{
	char err[256];
	*ans = NULL;
	if (ctl_call(cfg, op, cp, params, "upload", CTL_WAIT_MS, ans, err,
	             sizeof err)) {
		log_error("upload: %s %s: %s", op, cp, err);
		return -1;
	}
	return 0;
}

static void do_upload(struct cgi_req *req, struct upload_ctx *ctx,
                      const char *cp, const char *token)
{
	const struct csms_config *cfg = &ctx->cfg;
	int is_put = !strcmp(req->method, "PUT");
	long long max = cfg->upload_max_bytes;
	/* multipart carries headers and delimiters around the file */
	long long body_max = is_put ? max : max + 65536;
	if (req->content_length > body_max) {
		drain(req);
		answer(req, 413, "Content Too Large", NULL,
		       "the file is larger than upload_max_bytes");
		return;
	}
	struct filestore fs;
	if (filestore_open(&fs, cfg->files_dir)) {
		log_error("upload: %s: %s", cfg->files_dir, strerror(errno));
		drain(req);
		answer(req, 500, "Internal Server Error", NULL,
		       "files_dir cannot be written");
		return;
	}
	char name[256] = "";
	int too_large = 0, bad = 0;
	if (is_put) {
		char buf[65536];
		long n;
		while ((n = cgi_read(req, buf, sizeof buf)) > 0) {
			if (fs.size + n > max) {
				too_large = 1;
				break;
			}
			if (filestore_write(&fs, buf, (size_t)n)) {
				bad = 2;
				break;
			}
		}
		if (n < 0)
			bad = 1;
		const char *fn = cgi_getenv(req, "HTTP_X_FILE_NAME");
		clean_name(fn, name, sizeof name);
	} else {
		char boundary[80];
		char *body = NULL;
		size_t len = 0;
		struct multipart_part parts[MULTIPART_MAX_PARTS];
		const struct multipart_part *file = NULL;
		if (multipart_boundary(cgi_getenv(req, "CONTENT_TYPE"),
		                       boundary, sizeof boundary) ||
		    cgi_read_body(req, &body, &len, (size_t)body_max)) {
			bad = 1;
		} else {
			int n = multipart_parse(body, len, boundary, parts,
			                        MULTIPART_MAX_PARTS);
			for (int i = 0; i < n && !file; i++)
				if (parts[i].filename[0])
					file = &parts[i];
			if (!file)
				bad = 1;
			else if ((long long)file->len > max)
				too_large = 1;
			else if (filestore_write(&fs, file->data, file->len))
				bad = 2;
			else
				clean_name(file->filename, name, sizeof name);
		}
		free(body);
	}
	if (too_large || bad) {
		filestore_abort(&fs);
		drain(req);
		if (too_large)
			answer(req, 413, "Content Too Large", NULL,
			       "the file is larger than upload_max_bytes");
		else if (bad == 2)
			answer(req, 500, "Internal Server Error", NULL,
			       "the file could not be written");
		else
			answer(req, 400, "Bad Request", NULL,
			       "a PUT body, or a multipart/form-data POST "
			       "with one file part");
		return;
	}
	if (filestore_finish(&fs)) {
		filestore_abort(&fs);
		answer(req, 500, "Internal Server Error", NULL,
		       "the file could not be written");
		return;
	}
	char ext[16];
	extension_of(name, ext, sizeof ext);
	cJSON *p = cJSON_CreateObject(), *ans = NULL;
	if (!p || !cJSON_AddStringToObject(p, "token", token) ||
	    !cJSON_AddNumberToObject(p, "size", (double)fs.size) ||
	    !cJSON_AddStringToObject(p, "sha256", fs.sha256) ||
	    !cJSON_AddStringToObject(p, "name", name) ||
	    !cJSON_AddStringToObject(p, "ext", ext) ||
	    !cJSON_AddStringToObject(
	        p, "remote_addr", req->remote_addr ? req->remote_addr : "") ||
	    ask_ocppd(cfg, "file_upload", cp, p, &ans)) {
		cJSON_Delete(p);
		filestore_abort(&fs);
		answer(req, 503, "Service Unavailable", NULL,
		       "ocppd cannot be reached; try again later");
		return;
	}
	cJSON_Delete(p);
	const char *code = ctl_answer_code(ans);
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(ans, "result");
	const char *stored = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(res, "stored_name"));
	if (!ctl_answer_ok(ans) || !stored) {
		filestore_abort(&fs);
		if (code && !strcmp(code, "not_found"))
			answer(req, 403, "Forbidden", NULL,
			       "this upload URL is not valid (unknown, "
			       "expired or used)");
		else
			answer(req, 503, "Service Unavailable", NULL,
			       "the file could not be recorded; try again");
		cJSON_Delete(ans);
		return;
	}
	if (filestore_commit(&fs, stored)) {
		/* Recorded but not kept under its name: say so loudly. */
		log_error("upload: %s: %s/%s: %s", cp, cfg->files_dir, stored,
		          strerror(errno));
		filestore_abort(&fs);
		answer(req, 500, "Internal Server Error", NULL,
		       "the file could not be stored");
		cJSON_Delete(ans);
		return;
	}
	log_info("upload: %s | %s, %lld bytes", cp, stored, fs.size);
	char body[400];
	snprintf(body, sizeof body, "stored %s (%lld bytes)", stored, fs.size);
	answer(req, 201, "Created", NULL, body);
	cJSON_Delete(ans);
}

static void do_fetch(struct cgi_req *req, struct upload_ctx *ctx,
                     const char *cp, const char *token)
{
	const struct csms_config *cfg = &ctx->cfg;
	cJSON *p = cJSON_CreateObject(), *ans = NULL;
	if (!p || !cJSON_AddStringToObject(p, "token", token) ||
	    !cJSON_AddStringToObject(
	        p, "remote_addr", req->remote_addr ? req->remote_addr : "") ||
	    ask_ocppd(cfg, "file_fetch", cp, p, &ans)) {
		cJSON_Delete(p);
		answer(req, 503, "Service Unavailable", NULL,
		       "ocppd cannot be reached; try again later");
		return;
	}
	cJSON_Delete(p);
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(ans, "result");
	const char *stored = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(res, "stored_name"));
	const char *code = ctl_answer_code(ans);
	if (!ctl_answer_ok(ans) || !stored || strchr(stored, '/') ||
	    stored[0] == '.') {
		if (code && !strcmp(code, "not_found"))
			answer(req, 403, "Forbidden", NULL,
			       "this firmware URL is not valid");
		else
			answer(req, 503, "Service Unavailable", NULL,
			       "try again later");
		cJSON_Delete(ans);
		return;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", cfg->files_dir, stored);
	cJSON_Delete(ans);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		log_error("upload: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		answer(req, 500, "Internal Server Error", NULL,
		       "the firmware image is missing");
		return;
	}
	fprintf(req->out,
	        "Status: 200 OK\r\nContent-Type: application/octet-stream\r\n"
	        "Content-Length: %lld\r\nCache-Control: no-store\r\n\r\n",
	        (long long)st.st_size);
	if (strcmp(req->method, "HEAD")) {
		char buf[65536];
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			if (fwrite(buf, 1, (size_t)n, req->out) != (size_t)n)
				break;
	}
	close(fd);
}

static void handle(struct cgi_req *req, void *arg)
{
	struct upload_ctx *ctx = arg;
	char kind = 0, cp[201], token[80];
	if (ctx->cfg_err[0]) {
		drain(req);
		answer(req, 500, "Internal Server Error", NULL, ctx->cfg_err);
		return;
	}
	/* lighttpd hands a prefix mount's whole path as SCRIPT_NAME, Apache
	 * splits it at the program: put them together, drop the mount. */
	char full[1024];
	const char *sn = cgi_getenv(req, "SCRIPT_NAME");
	snprintf(full, sizeof full, "%s%s", sn ? sn : "", req->path);
	const char *path = strncmp(full, "/files/", 7) ? req->path : full + 6;
	if (parse_path(path, &kind, cp, sizeof cp, token, sizeof token)) {
		drain(req);
		/* /files/f/CP_1 (no token) and friends: refused alike. */
		answer(req, 403, "Forbidden", NULL, "a tokened URL only");
		return;
	}
	int up = kind == 'u';
	const char *m = req->method;
	if (up ? strcmp(m, "PUT") && strcmp(m, "POST")
	       : strcmp(m, "GET") && strcmp(m, "HEAD")) {
		drain(req);
		answer(req, 405, "Method Not Allowed",
		       up ? "Allow: PUT, POST\r\n" : "Allow: GET, HEAD\r\n",
		       up ? "PUT or POST the file" : "GET the image");
		return;
	}
	if (!is_token(token)) {
		drain(req);
		answer(req, 403, "Forbidden", NULL, "a tokened URL only");
		return;
	}
	if (up)
		do_upload(req, ctx, cp, token);
	else
		do_fetch(req, ctx, cp, token);
}

int main(void)
{
	static struct upload_ctx ctx;
	char err[512];
	signal(SIGPIPE, SIG_IGN);
	log_open("info", "", err, sizeof err);
	const char *env = getenv("CSMS_CONF");
	if (config_load(&ctx.cfg, config_default_path(NULL), env && *env, err,
	                sizeof err)) {
		snprintf(ctx.cfg_err, sizeof ctx.cfg_err, "configuration: %s",
		         err);
		log_error("upload: %s", ctx.cfg_err);
	} else {
		log_open(ctx.cfg.log_level, "", err, sizeof err);
	}
	return cgi_main_loop(handle, &ctx) ? 1 : 0;
}
