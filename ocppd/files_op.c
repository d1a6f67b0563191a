/*
 * files_op.c — see files_op.h and docs/files.md.
 */
#include "files_op.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "batch.h"
#include "dbq.h"
#include "handlers.h"
#include "hex.h"
#include "jsonutil.h"
#include "log.h"
#include "timeutil.h"

#define TOKEN_BYTES 32
#define TOKEN_HEX   (2 * TOKEN_BYTES)

static struct {
	const struct csms_config *cfg;
	char base[256]; /* public_url without its trailing '/' */
	int next_request;
} fs;

void files_init(const struct csms_config *cfg)
{
	fs.cfg = cfg;
	if (cfg->public_url[0])
		snprintf(fs.base, sizeof fs.base, "%s", cfg->public_url);
	else
		snprintf(fs.base, sizeof fs.base, "http://127.0.0.1:%d",
		         cfg->http_port);
	size_t n = strlen(fs.base);
	while (n && fs.base[n - 1] == '/')
		fs.base[--n] = '\0';
	/* Request ids a restart does not repeat soon: seconds since start of
	 * 2026, wrapping long before INT_MAX. */
	fs.next_request =
	    (int)((time_now_ms() / 1000 - 1767225600LL) % 1000000000LL);
	if (fs.next_request < 1)
		fs.next_request = 1;
}

static int next_request_id(void)
{
	if (fs.next_request >= 2000000000)
		fs.next_request = 1;
	return fs.next_request++;
}

/* SHA-256 of text as 64 hex digits. */
static int sha256_hex(const char *text, size_t len, char out[TOKEN_HEX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (EVP_Digest(text, len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		return -1;
	hex_encode(md, mdlen, out);
	return 0;
}

static int is_hex64(const char *s)
{
	if (!s || strlen(s) != TOKEN_HEX)
		return 0;
	for (const char *p = s; *p; p++)
		if (hex_value(*p) < 0 || (*p >= 'A' && *p <= 'F'))
			return 0;
	return 1;
}

/* ---- the token's row ------------------------------------------------- */

struct token_job {
	struct job job;
	char cp_id[CONTROL_CP_ID_MAX + 1];
	char kind[16];
	char action[32];
	char hash[TOKEN_HEX + 1];
	int request_id;
	long long firmware_id; /* 0: an upload */
	int64_t now_ms, expires_ms;
};

static enum hres token_run(struct job *j, struct batch *b)
{
	struct token_job *k = (struct token_job *)j;
	if (!k->firmware_id)
		return db_exec(b->db,
		               "INSERT INTO file_tokens (token_hash, cp_id, "
		               "kind, request_id, created_at, expires_at) "
		               "VALUES (?, ?, ?, ?, ?, ?)",
		               "sssitt", k->hash, k->cp_id, k->kind,
		               k->request_id, k->now_ms, k->expires_ms) < 0
		           ? H_DB_ERROR
		           : H_OK;
	if (db_exec(b->db,
	            "INSERT INTO firmware_jobs (cp_id, firmware_id, action, "
	            "request_id, status, created_at, updated_at) "
	            "VALUES (?, ?, ?, ?, 'Requested', ?, ?)",
	            "slsitt", k->cp_id, k->firmware_id, k->action,
	            k->request_id, k->now_ms, k->now_ms) < 0)
		return H_DB_ERROR;
	long long job_id = (long long)db_insert_id(b->db);
	if (db_exec(b->db,
	            "INSERT INTO firmware_job_steps (job_id, ts, status, "
	            "detail) VALUES (?, ?, 'Requested', ?)",
	            "lts", job_id, k->now_ms, k->action) < 0 ||
	    db_exec(b->db,
	            "INSERT INTO file_tokens (token_hash, cp_id, kind, "
	            "request_id, firmware_id, job_id, created_at, expires_at) "
	            "VALUES (?, ?, 'firmware', ?, ?, ?, ?, ?)",
	            "ssilltt", k->hash, k->cp_id, k->request_id, k->firmware_id,
	            job_id, k->now_ms, k->expires_ms) < 0)
		return H_DB_ERROR;
	return H_OK;
}

static void token_done(struct job *j, enum hres r)
{
	struct token_job *k = (struct token_job *)j;
	if (r != H_OK)
		log_error("ocppd: %s | %s | the %s URL's token was not "
		          "written: its upload or download will be refused",
		          k->cp_id, k->action, k->kind);
}

static void token_fail(struct job *j)
{
	token_done(j, H_DB_ERROR);
}

static void job_free(struct job *j)
{
	free(j);
}

static const struct job_ops token_ops = {
    .run = token_run, .done = token_done, .fail = token_fail, .free = job_free};

/* Percent-encodes a charge point id for a URL path segment. */
static void path_segment(const char *s, char *out, size_t len)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int plain = (*p >= 'A' && *p <= 'Z') ||
		            (*p >= 'a' && *p <= 'z') ||
		            (*p >= '0' && *p <= '9') || strchr("-._~", *p);
		if (w + 4 >= len)
			break;
		if (plain) {
			out[w++] = (char)*p;
		} else {
			out[w++] = '%';
			out[w++] = digits[*p >> 4];
			out[w++] = digits[*p & 15];
		}
	}
	out[w] = '\0';
}

/* A new token for cp_id's request: its URL in url, its row queued. */
static int new_token(const char *cp_id, const char *action, const char *kind,
                     int request_id, long long firmware_id, char *url,
                     size_t urllen, char *why, size_t whylen)
{
	unsigned char rnd[TOKEN_BYTES];
	char token[TOKEN_HEX + 1];
	if (RAND_bytes(rnd, sizeof rnd) != 1) {
		snprintf(why, whylen, "no random bytes for the URL's token");
		return -1;
	}
	hex_encode(rnd, sizeof rnd, token);
	struct token_job *k = calloc(1, sizeof *k);
	if (!k) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if (sha256_hex(token, TOKEN_HEX, k->hash)) {
		free(k);
		snprintf(why, whylen, "no SHA-256 for the URL's token");
		return -1;
	}
	snprintf(k->cp_id, sizeof k->cp_id, "%s", cp_id);
	snprintf(k->kind, sizeof k->kind, "%s", kind);
	snprintf(k->action, sizeof k->action, "%s", action);
	k->request_id = request_id;
	k->firmware_id = firmware_id;
	k->now_ms = time_now_ms();
	k->expires_ms =
	    k->now_ms + 1000LL * (firmware_id ? fs.cfg->firmware_token_ttl
	                                      : fs.cfg->upload_token_ttl);
	k->job.ops = &token_ops;
	k->job.who = k->cp_id;
	k->job.what = "file token";
	char seg[3 * CONTROL_CP_ID_MAX + 1];
	path_segment(cp_id, seg, sizeof seg);
	snprintf(url, urllen, "%s/files/%s/%s/%s", fs.base,
	         firmware_id ? "f" : "u", seg, token);
	/* The call's own route: the upload that follows finds the row. */
	if (dbq_submit(&k->job, k->cp_id, 0)) {
		free(k);
		snprintf(why, whylen, "database queue full");
		return -1;
	}
	return 0;
}

/* "firmwareId": an uploaded image's id, taken out of the payload.  0 none,
 * -1 bad. */
static long long take_firmware_id(cJSON *payload, char *why, size_t whylen)
{
	cJSON *v =
	    cJSON_DetachItemFromObjectCaseSensitive(payload, "firmwareId");
	if (!v)
		return 0;
	long long id =
	    cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 9e15
	        ? (long long)v->valuedouble
	        : -1;
	if (id < 0 && cJSON_IsString(v))
		id = atoll(v->valuestring) > 0 ? atoll(v->valuestring) : -1;
	cJSON_Delete(v);
	if (id < 0)
		snprintf(why, whylen, "firmwareId: a firmware image's id");
	return id;
}

static int set_str(cJSON *o, const char *name, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, name);
	return cJSON_AddStringToObject(o, name, value) ? 0 : -1;
}

static int now_if_absent(cJSON *o, const char *name)
{
	if (cJSON_GetObjectItemCaseSensitive(o, name))
		return 0;
	char ts[32];
	time_format_iso8601(time_now_ms(), ts);
	return cJSON_AddStringToObject(o, name, ts) ? 0 : -1;
}

/* requestId as given, or a new one written in. */
static int request_id_of(cJSON *payload)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(payload, "requestId");
	if (cJSON_IsNumber(v))
		return (int)v->valuedouble;
	int id = next_request_id();
	cJSON_AddNumberToObject(payload, "requestId", id);
	return id;
}

static int empty_str(const cJSON *v)
{
	return !v || (cJSON_IsString(v) && !v->valuestring[0]);
}

int files_prepare_call(const char *action, const char *cp_id, cJSON *payload,
                       char *why, size_t whylen)
{
	char url[1024];
	if (!cJSON_IsObject(payload) || !cp_id || !cp_id[0])
		return 0;
	if (!strcmp(action, "GetDiagnostics")) {
		if (!empty_str(
		        cJSON_GetObjectItemCaseSensitive(payload, "location")))
			return 0;
		if (new_token(cp_id, action, "diagnostics", next_request_id(),
		              0, url, sizeof url, why, whylen))
			return -1;
		return set_str(payload, "location", url);
	}
	if (!strcmp(action, "GetLog")) {
		cJSON *log = cJSON_GetObjectItemCaseSensitive(payload, "log");
		if (!log)
			log = cJSON_AddObjectToObject(payload, "log");
		if (!cJSON_IsObject(log) ||
		    !empty_str(cJSON_GetObjectItemCaseSensitive(
		        log, "remoteLocation")))
			return 0; /* the operator's own, or the schema says */
		if (!cJSON_GetObjectItemCaseSensitive(payload, "logType"))
			cJSON_AddStringToObject(payload, "logType",
			                        "DiagnosticsLog");
		int rid = request_id_of(payload);
		if (new_token(cp_id, action, "log", rid, 0, url, sizeof url,
		              why, whylen))
			return -1;
		return set_str(log, "remoteLocation", url);
	}
	/* 2.0.1's UpdateFirmware has the signed one's shape (its send_op
	 * always gives it a firmware object); its job keeps its own name. */
	int is_signed = !strcmp(action, "SignedUpdateFirmware") ||
	                (!strcmp(action, "UpdateFirmware") &&
	                 cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(
	                     payload, "firmware")));
	if (!is_signed && strcmp(action, "UpdateFirmware"))
		return 0;
	long long fw = take_firmware_id(payload, why, whylen);
	if (fw <= 0)
		return (int)fw;
	if (!is_signed) {
		if (now_if_absent(payload, "retrieveDate") ||
		    new_token(cp_id, action, "firmware", next_request_id(), fw,
		              url, sizeof url, why, whylen))
			return -1;
		return set_str(payload, "location", url);
	}
	int rid = request_id_of(payload);
	cJSON *f = cJSON_GetObjectItemCaseSensitive(payload, "firmware");
	if (!f)
		f = cJSON_AddObjectToObject(payload, "firmware");
	if (!cJSON_IsObject(f)) {
		snprintf(why, whylen, "firmware: an object");
		return -1;
	}
	if (now_if_absent(f, "retrieveDateTime") ||
	    new_token(cp_id, action, "firmware", rid, fw, url, sizeof url, why,
	              whylen))
		return -1;
	return set_str(f, "location", url);
}

/* ---- the upload program's ops ---------------------------------------- */

enum file_op { OP_UPLOAD, OP_FETCH, OP_FIRMWARE_ADD, OP_FIRMWARE_DELETE };

struct file_job {
	struct job job;
	enum file_op op;
	uint64_t client;
	char cp_id[CONTROL_CP_ID_MAX + 1];
	char hash[TOKEN_HEX + 1];
	char sha256[TOKEN_HEX + 1];
	char name[256];   /* the sender's file name, the image's name */
	char ext[16];     /* the stored name's extension, "" none */
	char stored[256]; /* firmware_add: given; file_upload: made */
	char addr[64];
	char by[CONTROL_WHO_MAX + 1];
	char *signature, *cert; /* firmware_add, may be NULL */
	long long size;
	int64_t now_ms;
	/* the outcome */
	int found;
	long long id;
	char kind[16];
	int request_id;
};

/* What the stored name may carry of a charge point id: [A-Za-z0-9_-],
 * the rest as '_' (the id itself is in the row). */
static void name_part(const char *s, char *out, size_t len)
{
	size_t w = 0;
	for (; *s && w + 1 < len; s++)
		out[w++] = (*s >= 'A' && *s <= 'Z') ||
		                   (*s >= 'a' && *s <= 'z') ||
		                   (*s >= '0' && *s <= '9') || *s == '-'
		               ? *s
		               : '_';
	out[w] = '\0';
}

static enum hres upload_run(struct file_job *k, struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT id, kind, request_id FROM file_tokens "
	             "WHERE token_hash = ? AND cp_id = ? AND kind IN "
	             "('diagnostics', 'log') AND used_at IS NULL AND "
	             "expires_at > ? FOR UPDATE",
	             "sst", k->hash, k->cp_id, k->now_ms))
		return H_DB_ERROR;
	int n = db_next(&r);
	long long tid = 0;
	if (n > 0) {
		tid = db_int(&r, 0);
		snprintf(k->kind, sizeof k->kind, "%s", db_str(&r, 1));
		k->request_id = (int)db_int(&r, 2);
	}
	db_rows_end(&r);
	if (n < 0)
		return H_DB_ERROR;
	if (!n)
		return H_OK;
	char cp[64], ts[32];
	name_part(k->cp_id, cp, sizeof cp);
	time_t secs = (time_t)(k->now_ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(k->stored, sizeof k->stored, "%s-%s-%d-%s-%lld%s%s", k->kind,
	         cp, k->request_id, ts, tid, k->ext[0] ? "." : "", k->ext);
	if (db_exec(db, "UPDATE file_tokens SET used_at = ? WHERE id = ?", "tl",
	            k->now_ms, tid) < 0 ||
	    db_exec(db,
	            "INSERT INTO cp_files (cp_id, kind, request_id, "
	            "stored_name, orig_name, size, sha256, received_at, "
	            "remote_addr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	            "ssisslsts", k->cp_id, k->kind, k->request_id, k->stored,
	            k->name[0] ? k->name : NULL, k->size, k->sha256, k->now_ms,
	            k->addr[0] ? k->addr : NULL) < 0)
		return H_DB_ERROR;
	k->id = (long long)db_insert_id(db);
	k->found = 1;
	return H_OK;
}

static enum hres fetch_run(struct file_job *k, struct db *db)
{
	struct db_rows r;
	if (db_query(db, &r,
	             "SELECT f.id, f.stored_name, f.size, f.name, t.job_id, "
	             "t.request_id FROM file_tokens t JOIN firmware f ON "
	             "f.id = t.firmware_id WHERE t.token_hash = ? AND "
	             "t.cp_id = ? AND t.kind = 'firmware' AND t.expires_at > ?",
	             "sst", k->hash, k->cp_id, k->now_ms))
		return H_DB_ERROR;
	int n = db_next(&r);
	long long job = 0;
	if (n > 0) {
		k->id = db_int(&r, 0);
		snprintf(k->stored, sizeof k->stored, "%s", db_str(&r, 1));
		k->size = db_int(&r, 2);
		snprintf(k->name, sizeof k->name, "%s", db_str(&r, 3));
		job = db_int(&r, 4);
		k->request_id = (int)db_int(&r, 5);
	}
	db_rows_end(&r);
	if (n < 0)
		return H_DB_ERROR;
	if (!n)
		return H_OK;
	k->found = 1;
	/* Every download is a step of its job: who fetched it, when. */
	char detail[128];
	snprintf(detail, sizeof detail, "downloaded by %s",
	         k->addr[0] ? k->addr : "-");
	if (job && db_exec(db,
	                   "INSERT INTO firmware_job_steps (job_id, ts, "
	                   "status, detail) VALUES (?, ?, 'Fetched', ?)",
	                   "lts", job, k->now_ms, detail) < 0)
		return H_DB_ERROR;
	return H_OK;
}

static enum hres firmware_add_run(struct file_job *k, struct db *db)
{
	if (db_exec(db,
	            "INSERT INTO firmware (name, stored_name, size, sha256, "
	            "signature, signing_cert, uploaded_by, uploaded_at) "
	            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	            "sslsssst", k->name, k->stored, k->size, k->sha256,
	            k->signature, k->cert, k->by[0] ? k->by : NULL,
	            k->now_ms) < 0)
		return H_DB_ERROR;
	k->id = (long long)db_insert_id(db);
	k->found = 1;
	return H_OK;
}

/* The image's row and its URLs go; the web tier then removes the file
 * (cgi-bin/filesweep.h: no row names it).  Its jobs stay as history
 * until files_retention_days. */
static enum hres firmware_delete_run(struct file_job *k, struct db *db)
{
	struct db_rows r;
	if (db_query(
	        db, &r,
	        "SELECT stored_name, size, name FROM firmware WHERE id = ? "
	        "FOR UPDATE",
	        "l", k->id))
		return H_DB_ERROR;
	int n = db_next(&r);
	if (n > 0) {
		snprintf(k->stored, sizeof k->stored, "%s", db_str(&r, 0));
		k->size = db_int(&r, 1);
		snprintf(k->name, sizeof k->name, "%s", db_str(&r, 2));
	}
	db_rows_end(&r);
	if (n <= 0)
		return n < 0 ? H_DB_ERROR : H_OK;
	if (db_exec(db, "DELETE FROM file_tokens WHERE firmware_id = ?", "l",
	            k->id) < 0 ||
	    db_exec(db, "DELETE FROM firmware WHERE id = ?", "l", k->id) < 0)
		return H_DB_ERROR;
	k->found = 1;
	return H_OK;
}

static enum hres file_run(struct job *j, struct batch *b)
{
	struct file_job *k = (struct file_job *)j;
	k->found = 0;
	switch (k->op) {
	case OP_UPLOAD:
		return upload_run(k, b->db);
	case OP_FETCH:
		return fetch_run(k, b->db);
	case OP_FIRMWARE_DELETE:
		return firmware_delete_run(k, b->db);
	default:
		return firmware_add_run(k, b->db);
	}
}

static void file_done(struct job *j, enum hres r)
{
	struct file_job *k = (struct file_job *)j;
	if (r != H_OK) {
		control_fail(k->client, "db_error", NULL, "database error");
		return;
	}
	if (!k->found && k->op == OP_FIRMWARE_DELETE) {
		control_fail(k->client, "not_found", NULL,
		             "no firmware image %lld", k->id);
		return;
	}
	if (!k->found) {
		/* One answer for unknown, expired, used and another charge
		 * point's token: the web tier says 403. */
		log_info("ocppd: %s | %s | refused: no such token, or "
		         "expired or used",
		         k->cp_id, k->job.what);
		control_fail(k->client, "not_found", NULL,
		             "no valid token for %s", k->cp_id);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	if (!o || json_add_int(o, "id", k->id) ||
	    json_add_str(o, "stored_name", k->stored) ||
	    json_add_int(o, "size", k->size) ||
	    (k->op != OP_FIRMWARE_ADD && k->op != OP_FIRMWARE_DELETE &&
	     (json_add_int(o, "request_id", k->request_id))) ||
	    (k->op == OP_UPLOAD && json_add_str(o, "kind", k->kind)) ||
	    (k->op == OP_FETCH && json_add_str(o, "name", k->name))) {
		cJSON_Delete(o);
		control_fail(k->client, "internal", NULL, "out of memory");
		return;
	}
	if (k->op == OP_UPLOAD)
		log_info("ocppd: %s | %s | %s %s, %lld bytes", k->cp_id,
		         k->job.what, k->kind, k->stored, k->size);
	else if (k->op == OP_FETCH)
		log_info("ocppd: %s | %s | firmware %lld to %s", k->cp_id,
		         k->job.what, k->id, k->addr[0] ? k->addr : "-");
	else if (k->op == OP_FIRMWARE_DELETE)
		log_info("ocppd: control | firmware_delete | %lld %s by %s",
		         k->id, k->stored, k->by[0] ? k->by : "-");
	else
		log_info("ocppd: control | firmware_add | %lld %s by %s", k->id,
		         k->stored, k->by[0] ? k->by : "-");
	control_ok(k->client, o);
}

static void file_fail(struct job *j)
{
	control_fail(((struct file_job *)j)->client, "db_unavailable", NULL,
	             "the database is unavailable");
}

static void file_free(struct job *j)
{
	struct file_job *k = (struct file_job *)j;
	free(k->signature);
	free(k->cert);
	free(k);
}

static const struct job_ops file_ops = {
    .run = file_run, .done = file_done, .fail = file_fail, .free = file_free};

/* A stored name as the upload program makes it: no path, no dot first. */
static int safe_name(const char *s)
{
	if (!s || !s[0] || s[0] == '.' || strlen(s) > 200)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || strchr("-_.", *s)))
			return 0;
	return 1;
}

static int bad(const struct control_req *r, const char *why)
{
	control_fail(r->client, "invalid_params", control_field_of(why), "%s",
	             why);
	return -1;
}

static int parse(const struct control_req *r, struct file_job *k)
{
	const cJSON *p = r->params;
	long long size = json_int(p, "size", -1);
	const char *sha = json_str(p, "sha256", NULL);
	const char *name = json_str(p, "name", "");
	snprintf(k->addr, sizeof k->addr, "%s", json_str(p, "remote_addr", ""));
	if (k->op == OP_FIRMWARE_DELETE) {
		k->id = json_int(p, "id", -1);
		if (k->id <= 0)
			return bad(r, "id: required, a firmware image's id");
		snprintf(k->by, sizeof k->by, "%s", r->requested_by);
		return 0;
	}
	if (k->op == OP_FIRMWARE_ADD) {
		const char *stored = json_str(p, "stored_name", NULL);
		const char *sig = json_str(p, "signature", NULL);
		const char *cert = json_str(p, "signing_cert", NULL);
		if (!safe_name(stored))
			return bad(r, "stored_name: a file name in files_dir");
		if (!name[0] || strlen(name) > 255)
			return bad(r, "name: required, 255 bytes at most");
		if (sig && strlen(sig) > 800)
			return bad(r, "signature: 800 characters at most");
		if (cert && strlen(cert) > 5500)
			return bad(r, "signing_cert: 5500 characters at most");
		snprintf(k->stored, sizeof k->stored, "%s", stored);
		snprintf(k->name, sizeof k->name, "%s", name);
		k->signature = sig && sig[0] ? strdup(sig) : NULL;
		k->cert = cert && cert[0] ? strdup(cert) : NULL;
		snprintf(k->by, sizeof k->by, "%s", r->requested_by);
	} else {
		const char *token = json_str(p, "token", NULL);
		if (!r->cp_id[0])
			return bad(r, "cp_id: required");
		if (!is_hex64(token))
			return bad(r, "token: 64 hex digits");
		if (sha256_hex(token, TOKEN_HEX, k->hash))
			return bad(r, "token: no SHA-256");
	}
	if (k->op != OP_FETCH) {
		if (size < 0)
			return bad(r, "size: required, bytes");
		if (!is_hex64(sha))
			return bad(r, "sha256: 64 hex digits");
		snprintf(k->sha256, sizeof k->sha256, "%s", sha);
		k->size = size;
	}
	if (k->op == OP_UPLOAD) {
		const char *ext = json_str(p, "ext", "");
		for (const char *e = ext; *e; e++)
			if (!((*e >= 'a' && *e <= 'z') ||
			      (*e >= '0' && *e <= '9')))
				return bad(r,
				           "ext: lowercase letters and digits");
		if (strlen(ext) >= sizeof k->ext)
			return bad(r, "ext: 15 characters at most");
		snprintf(k->ext, sizeof k->ext, "%s", ext);
		if (strlen(name) > 255)
			return bad(r, "name: 255 bytes at most");
		snprintf(k->name, sizeof k->name, "%s", name);
	}
	return 0;
}

void files_request(const struct control_req *r)
{
	struct file_job *k = calloc(1, sizeof *k);
	if (!k) {
		control_fail(r->client, "internal", NULL, "out of memory");
		return;
	}
	k->op = !strcmp(r->op, "file_upload")       ? OP_UPLOAD
	        : !strcmp(r->op, "file_fetch")      ? OP_FETCH
	        : !strcmp(r->op, "firmware_delete") ? OP_FIRMWARE_DELETE
	                                            : OP_FIRMWARE_ADD;
	if (parse(r, k)) {
		file_free(&k->job);
		return;
	}
	k->client = r->client;
	k->now_ms = time_now_ms();
	snprintf(k->cp_id, sizeof k->cp_id, "%s", r->cp_id);
	k->job.ops = &file_ops;
	k->job.who = k->cp_id;
	k->job.what = r->op[5] == 'u'               ? "file upload"
	              : r->op[5] == 'f'             ? "file fetch"
	              : k->op == OP_FIRMWARE_DELETE ? "firmware delete"
	                                            : "firmware add";
	/* The charge point's route: after the call that made its token. */
	if (dbq_submit(&k->job, k->cp_id[0] ? k->cp_id : NULL, 0)) {
		file_free(&k->job);
		control_fail(r->client, "busy", NULL, "database queue full");
	}
}
