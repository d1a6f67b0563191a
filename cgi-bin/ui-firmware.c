/*
 * ui-firmware.c — see ui-firmware.h.
 *
 * An image is uploaded as multipart/form-data (field "image", optional
 * "signature" and "signing_cert" for SignedUpdateFirmware): written into
 * files_dir under a temporary name, recorded by ocppd (firmware_add), then
 * given its name — the web tier never writes the database.
 */
#include "ui-firmware.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgi.h"
#include "filestore.h"
#include "log.h"
#include "multipart.h"
#include "param.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"
#include "webctl.h"
#include "webrole.h"

#define LIST_ROWS 100

/* A loop no page took (an error half-way). */
static void free_loop(TMPL_loop *loop)
{
	if (loop)
		TMPL_free_varlist(TMPL_add_loop(NULL, "x", loop));
}

/* del_csrf: the form token when this user may delete images (admin),
 * else NULL. */
static TMPL_loop *image_rows(struct db_rows *rows, int *rc,
                             const char *del_csrf)
{
	TMPL_loop *loop = NULL;
	while ((*rc = db_next(rows)) == 1) {
		char when[32];
		ui_fmt_datetime(db_time_ms(rows, 5), when, sizeof when);
		const char *by = db_str(rows, 6);
		TMPL_varlist *row = TMPL_add_var(
		    NULL, "id", db_str(rows, 0), "name", db_str(rows, 1),
		    "size", db_str(rows, 2), "sha256", db_str(rows, 3), "when",
		    when, "by", by ? by : "", (char *)NULL);
		if (db_int(rows, 4))
			row = TMPL_add_var(row, "signed", "1", (char *)NULL);
		if (del_csrf)
			row = TMPL_add_var(row, "del_csrf", del_csrf,
			                   (char *)NULL);
		loop = TMPL_add_varlist(loop, row);
	}
	db_rows_end(rows);
	return loop;
}

static const char IMAGES_SQL[] =
    "SELECT id, name, size, sha256, signature IS NOT NULL AND "
    "signing_cert IS NOT NULL, uploaded_at, uploaded_by FROM firmware "
    "ORDER BY id DESC LIMIT ?";

void ui_firmware(struct ui_req *r, const char *arg)
{
	(void)arg;
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows, IMAGES_SQL, "l", (long long)LIST_ROWS)) {
		ui_db_error(r, "firmware");
		return;
	}
	const char *token = ui_csrf_for(r);
	TMPL_loop *loop =
	    image_rows(&rows, &rc, r->role >= ROLE_ADMIN ? token : NULL);
	if (rc < 0) {
		free_loop(loop);
		ui_db_error(r, "firmware");
		return;
	}
	TMPL_varlist *vl = ui_frame_vars(r, NULL, "Firmware", "firmware", 0);
	if (loop)
		vl = TMPL_add_loop(vl, "images", loop);
	if (token)
		vl = TMPL_add_var(vl, "csrf", token, (char *)NULL);
	vl = ui_add_fmt(vl, "max_mb", "%d",
	                r->ctx->cfg.firmware_max_bytes / (1024 * 1024));
	vl = ui_outcome_vars(r, vl);
	ui_render(r, 200, "firmware.tmpl", vl);
}

static void drain(struct ui_req *r)
{
	char buf[65536];
	while (cgi_read(r->cgi, buf, sizeof buf) > 0)
		;
}

/* The text of a part (signature, certificate), NUL-terminated; "" none. */
static char *part_text(const struct multipart_part *p, size_t max)
{
	if (!p || !p->len || p->len > max)
		return NULL;
	char *s = malloc(p->len + 1);
	if (!s)
		return NULL;
	memcpy(s, p->data, p->len);
	s[p->len] = '\0';
	/* a pasted signature ends with a newline the charger must not get */
	for (size_t n = p->len; n && (s[n - 1] == '\n' || s[n - 1] == '\r');)
		s[--n] = '\0';
	return s;
}

static void store_image(struct ui_req *r, const struct multipart_part *img,
                        const struct multipart_part *sig,
                        const struct multipart_part *cert, struct ui_outcome *o)
{
	const struct csms_config *cfg = &r->ctx->cfg;
	char *sigs = part_text(sig, 800), *certs = part_text(cert, 5500);
	struct filestore fs;
	o->kind = "invalid";
	if ((sig && sig->len && !sigs) || (cert && cert->len && !certs)) {
		snprintf(o->msg, sizeof o->msg,
		         "the signature (800 characters) or the certificate "
		         "(5,500) is too long");
		goto out;
	}
	o->kind = "error";
	if (filestore_open(&fs, cfg->files_dir)) {
		log_error("dashboard: firmware: %s: cannot write",
		          cfg->files_dir);
		snprintf(o->msg, sizeof o->msg, "files_dir cannot be written");
		goto out;
	}
	if (filestore_write(&fs, img->data, img->len) ||
	    filestore_finish(&fs)) {
		filestore_abort(&fs);
		snprintf(o->msg, sizeof o->msg,
		         "the image could not be written");
		goto out;
	}
	char stored[64], ts[24];
	time_t secs = (time_t)(r->now / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	strftime(ts, sizeof ts, "%Y%m%dT%H%M%SZ", &tm);
	snprintf(stored, sizeof stored, "firmware-%s-%.12s.bin", ts, fs.sha256);
	cJSON *p = cJSON_CreateObject(), *res = NULL;
	cJSON_AddStringToObject(p, "name", img->filename);
	cJSON_AddStringToObject(p, "stored_name", stored);
	cJSON_AddNumberToObject(p, "size", (double)fs.size);
	cJSON_AddStringToObject(p, "sha256", fs.sha256);
	if (sigs)
		cJSON_AddStringToObject(p, "signature", sigs);
	if (certs)
		cJSON_AddStringToObject(p, "signing_cert", certs);
	/* Named first, recorded after: a row never names a missing file. */
	if (filestore_commit(&fs, stored)) {
		filestore_abort(&fs);
		cJSON_Delete(p);
		snprintf(o->msg, sizeof o->msg,
		         "the image could not be stored (same image this "
		         "second?)");
		goto out;
	}
	ui_control(r, "firmware_add", NULL, p, o, &res);
	cJSON_Delete(p);
	if (strcmp(o->kind, "ok")) {
		char path[1100];
		snprintf(path, sizeof path, "%s/%s", cfg->files_dir, stored);
		remove(path);
	} else {
		snprintf(o->msg, sizeof o->msg, "stored as firmware %lld",
		         (long long)cJSON_GetNumberValue(
		             cJSON_GetObjectItemCaseSensitive(res, "id")));
	}
	cJSON_Delete(res);
out:
	free(sigs);
	free(certs);
}

void ui_firmware_post(struct ui_req *r, const char *arg)
{
	(void)arg;
	const struct csms_config *cfg = &r->ctx->cfg;
	struct ui_outcome o = {.kind = "invalid"};
	char boundary[80];
	if (webctl_may_change(r->cgi)) {
		drain(r);
		ui_error(r, 401, "Not signed in",
		         "Changes need an authenticated user on this "
		         "dashboard.");
		return;
	}
	if (multipart_boundary(cgi_getenv(r->cgi, "CONTENT_TYPE"), boundary,
	                       sizeof boundary)) {
		drain(r);
		ui_error(
		    r, 415, "Unsupported form",
		    "A firmware image is uploaded as multipart/form-data.");
		return;
	}
	size_t max = (size_t)cfg->firmware_max_bytes + 65536;
	if (r->cgi->content_length < 0 ||
	    (size_t)r->cgi->content_length > max) {
		drain(r);
		ui_error(r, 413, "Image too large",
		         "The image is larger than firmware_max_bytes.");
		return;
	}
	char *body = NULL;
	size_t len = 0;
	if (cgi_read_body(r->cgi, &body, &len, max)) {
		ui_error(r, 400, "Bad request", "The form arrived incomplete.");
		return;
	}
	struct multipart_part parts[MULTIPART_MAX_PARTS];
	int n =
	    multipart_parse(body, len, boundary, parts, MULTIPART_MAX_PARTS);
	const struct multipart_part *csrf = multipart_get(parts, n, "csrf");
	char token[128] = "";
	if (csrf && csrf->len < sizeof token) {
		memcpy(token, csrf->data, csrf->len);
		token[csrf->len] = '\0';
	}
	if (n < 0 || ui_csrf_ok(r, token)) {
		free(body);
		ui_error(r, 403, "Form expired",
		         "This form is too old or did not come from this "
		         "dashboard. Nothing was changed. Reload the page and "
		         "try again.");
		return;
	}
	const struct multipart_part *img = multipart_get(parts, n, "image");
	if (!img || !img->filename[0] || !img->len)
		snprintf(o.msg, sizeof o.msg, "choose an image file");
	else if (img->len > (size_t)cfg->firmware_max_bytes)
		snprintf(o.msg, sizeof o.msg,
		         "the image is larger than firmware_max_bytes");
	else
		store_image(r, img, multipart_get(parts, n, "signature"),
		            multipart_get(parts, n, "signing_cert"), &o);
	free(body);
	ui_redirect_outcome(r, "/firmware", "/firmware", "Firmware upload", &o);
}

void ui_cp_firmware_post(struct ui_req *r, const char *arg)
{
	struct ui_form f;
	char page[600], url[700], esc[600];
	snprintf(page, sizeof page, "/cp/%s", arg);
	if (ui_path_escape(arg, esc, sizeof esc)) {
		ui_error(r, 404, "Page not found", "There is no such page.");
		return;
	}
	snprintf(url, sizeof url, "/cp/%s", esc);
	if (ui_form_read_or_error(r, &f))
		return;
	struct ui_outcome o = {.kind = "invalid"};
	const char *id = ui_form_get(&f, "firmware_id");
	const char *kind = ui_form_get(&f, "signed");
	int is_signed = kind && !strcmp(kind, "1");
	long long fw = id ? atoll(id) : 0;
	struct db_rows rows;
	int rc = 0;
	if (fw <= 0) {
		snprintf(o.msg, sizeof o.msg, "choose a firmware image");
	} else if (db_ensure(r->db) ||
	           db_query(r->db, &rows,
	                    "SELECT signature, signing_cert FROM firmware "
	                    "WHERE id = ?",
	                    "l", fw)) {
		o.kind = "error";
		snprintf(o.msg, sizeof o.msg, "database unavailable");
	} else if ((rc = db_next(&rows)) != 1) {
		db_rows_end(&rows);
		snprintf(o.msg, sizeof o.msg, "no firmware image %lld", fw);
	} else {
		const char *sig = db_str(&rows, 0), *cert = db_str(&rows, 1);
		cJSON *p = cJSON_CreateObject();
		char now[32];
		ui_fmt_iso(r->now, now, sizeof now);
		cJSON_AddNumberToObject(p, "firmwareId", (double)fw);
		if (is_signed && (!sig || !cert)) {
			snprintf(o.msg, sizeof o.msg,
			         "image %lld has no signature and signing "
			         "certificate",
			         fw);
		} else if (is_signed) {
			cJSON *x = cJSON_AddObjectToObject(p, "firmware");
			cJSON_AddStringToObject(x, "retrieveDateTime", now);
			cJSON_AddStringToObject(x, "signingCertificate", cert);
			cJSON_AddStringToObject(x, "signature", sig);
		} else {
			cJSON_AddStringToObject(p, "retrieveDate", now);
		}
		db_rows_end(&rows);
		if (!o.msg[0])
			ui_command(r,
			           is_signed ? "SignedUpdateFirmware"
			                     : "UpdateFirmware",
			           arg, p, &o, NULL);
		cJSON_Delete(p);
	}
	ui_form_free(&f);
	ui_redirect_outcome(
	    r, page, url,
	    is_signed ? "Signed firmware update" : "Firmware update", &o);
}

int ui_files_vars(struct ui_req *r, const char *cp_id, TMPL_varlist **vl)
{
	struct db_rows rows;
	int rc;
	if (db_query(r->db, &rows,
	             "SELECT id, kind, request_id, orig_name, size, "
	             "received_at FROM cp_files WHERE cp_id = ? "
	             "ORDER BY id DESC LIMIT 20",
	             "s", cp_id))
		return -1;
	TMPL_loop *files = NULL;
	while ((rc = db_next(&rows)) == 1) {
		char when[32];
		ui_fmt_datetime(db_time_ms(&rows, 5), when, sizeof when);
		const char *orig = db_str(&rows, 3);
		files = TMPL_add_varlist(
		    files,
		    TMPL_add_var(NULL, "id", db_str(&rows, 0), "kind",
		                 db_str(&rows, 1), "request", db_str(&rows, 2),
		                 "name", orig ? orig : "", "size",
		                 db_str(&rows, 4), "when", when, (char *)NULL));
	}
	db_rows_end(&rows);
	if (rc < 0)
		return -1;
	if (files)
		*vl = TMPL_add_loop(*vl, "files", files);
	/* The jobs with their steps, one query: newest job first. */
	if (db_query(r->db, &rows,
	             "SELECT j.id, j.action, j.request_id, j.status, "
	             "f.name, s.ts, s.status, s.detail FROM firmware_jobs j "
	             "JOIN (SELECT id FROM firmware_jobs WHERE cp_id = ? "
	             "ORDER BY id DESC LIMIT 5) l ON l.id = j.id "
	             "LEFT JOIN firmware f ON f.id = j.firmware_id "
	             "LEFT JOIN firmware_job_steps s ON s.job_id = j.id "
	             "ORDER BY j.id DESC, s.id",
	             "s", cp_id))
		return -1;
	TMPL_loop *jobs = NULL, *steps = NULL;
	TMPL_varlist *job = NULL;
	long long cur = 0;
	while ((rc = db_next(&rows)) == 1) {
		long long jid = db_int(&rows, 0);
		if (jid != cur) {
			if (job)
				jobs = TMPL_add_varlist(
				    jobs,
				    steps ? TMPL_add_loop(job, "steps", steps)
				          : job);
			steps = NULL;
			cur = jid;
			const char *name = db_str(&rows, 4);
			job = TMPL_add_var(NULL, "id", db_str(&rows, 0),
			                   "action", db_str(&rows, 1),
			                   "request", db_str(&rows, 2),
			                   "status", db_str(&rows, 3), "image",
			                   name ? name : "", (char *)NULL);
		}
		if (db_str(&rows, 6)) {
			char when[32];
			const char *d = db_str(&rows, 7);
			ui_fmt_datetime(db_time_ms(&rows, 5), when,
			                sizeof when);
			steps = TMPL_add_varlist(
			    steps, TMPL_add_var(NULL, "when", when, "status",
			                        db_str(&rows, 6), "detail",
			                        d ? d : "", (char *)NULL));
		}
	}
	db_rows_end(&rows);
	if (job)
		jobs = TMPL_add_varlist(
		    jobs, steps ? TMPL_add_loop(job, "steps", steps) : job);
	if (rc < 0) {
		free_loop(jobs);
		return -1;
	}
	if (jobs)
		*vl = TMPL_add_loop(*vl, "fw_jobs", jobs);
	if (db_query(r->db, &rows, IMAGES_SQL, "l", 20LL))
		return -1;
	TMPL_loop *images = image_rows(&rows, &rc, NULL);
	if (rc < 0) {
		free_loop(images);
		return -1;
	}
	if (images)
		*vl = TMPL_add_loop(*vl, "fw_images", images);
	return 0;
}

void ui_firmware_delete_post(struct ui_req *r, const char *arg)
{
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	ui_form_free(&f);
	long long id;
	if (param_parse_int(arg, 1, 9007199254740991LL, &id)) {
		ui_bad_param(r, "id", "is a firmware image's id");
		return;
	}
	struct ui_outcome o = {"invalid", ""};
	cJSON *p = cJSON_CreateObject(), *res = NULL;
	cJSON_AddNumberToObject(p, "id", (double)id);
	ui_control(r, "firmware_delete", NULL, p, &o, &res);
	cJSON_Delete(p);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(res, "stored_name");
	if (!strcmp(o.kind, "ok") && cJSON_IsString(st)) {
		/* The row is gone: the file now, or the next sweep
		 * (filesweep.h) takes it. */
		char path[1100];
		snprintf(path, sizeof path, "%s/%s", r->ctx->cfg.files_dir,
		         st->valuestring);
		if (!strchr(st->valuestring, '/') && st->valuestring[0] != '.')
			remove(path);
		snprintf(o.msg, sizeof o.msg, "firmware %lld deleted", id);
	}
	cJSON_Delete(res);
	ui_redirect_outcome(r, "/firmware", "/firmware", "Firmware delete", &o);
}
