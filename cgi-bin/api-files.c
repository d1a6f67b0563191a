/*
 * api-files.c — see api-files.h.
 */
#include "api-files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api-json.h"
#include "log.h"

static cJSON *file_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, 0));
	api_json_str(o, "cp_id", db_str(rows, 1));
	api_json_str(o, "kind", db_str(rows, 2));
	api_json_int(o, "request_id", db_int(rows, 3));
	api_json_str(o, "name", db_str(rows, 4));
	api_json_int(o, "size", db_int(rows, 5));
	api_json_str(o, "sha256", db_str(rows, 6));
	api_json_time(o, "received_at", db_time_ms(rows, 7));
	api_json_str(o, "remote_addr", db_str(rows, 8));
	char url[64];
	snprintf(url, sizeof url, "/files/%lld/content", db_int(rows, 0));
	api_json_str(o, "content_url", url);
	return o;
}

static cJSON *step_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_time(o, "ts", db_time_ms(rows, 6));
	api_json_str(o, "status", db_str(rows, 7));
	api_json_str(o, "detail", db_str(rows, 8));
	return o;
}

void api_cp_files(struct api_req *r)
{
	if (api_cp_or_404(r))
		return;
	struct db_rows rows;
	int rc;
	cJSON *body = cJSON_CreateObject();
	cJSON *files = cJSON_AddArrayToObject(body, "files");
	cJSON *jobs = cJSON_AddArrayToObject(body, "firmware_jobs");
	if (db_query(r->db, &rows,
	             "SELECT id, cp_id, kind, request_id, orig_name, size, "
	             "sha256, received_at, remote_addr FROM cp_files "
	             "WHERE cp_id = ? ORDER BY id DESC LIMIT 100",
	             "s", r->arg)) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	while ((rc = db_next(&rows)) == 1)
		cJSON_AddItemToArray(files, file_object(&rows));
	db_rows_end(&rows);
	if (rc < 0 ||
	    db_query(r->db, &rows,
	             "SELECT j.id, j.firmware_id, j.action, j.request_id, "
	             "j.status, j.created_at, s.ts, s.status, s.detail "
	             "FROM firmware_jobs j JOIN (SELECT id FROM firmware_jobs "
	             "WHERE cp_id = ? ORDER BY id DESC LIMIT 20) l ON "
	             "l.id = j.id LEFT JOIN firmware_job_steps s ON "
	             "s.job_id = j.id ORDER BY j.id DESC, s.id",
	             "s", r->arg)) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	long long cur = 0;
	cJSON *steps = NULL;
	while ((rc = db_next(&rows)) == 1) {
		if (db_int(&rows, 0) != cur) {
			cur = db_int(&rows, 0);
			cJSON *j = cJSON_CreateObject();
			api_json_int(j, "id", cur);
			api_json_int(j, "firmware_id", db_int(&rows, 1));
			api_json_str(j, "action", db_str(&rows, 2));
			api_json_int(j, "request_id", db_int(&rows, 3));
			api_json_str(j, "status", db_str(&rows, 4));
			api_json_time(j, "created_at", db_time_ms(&rows, 5));
			steps = cJSON_AddArrayToObject(j, "steps");
			cJSON_AddItemToArray(jobs, j);
		}
		if (!db_isnull(&rows, 7))
			cJSON_AddItemToArray(steps, step_object(&rows));
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_send_json(r, 200, body);
}

static cJSON *firmware_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, 0));
	api_json_str(o, "name", db_str(rows, 1));
	api_json_int(o, "size", db_int(rows, 2));
	api_json_str(o, "sha256", db_str(rows, 3));
	cJSON_AddBoolToObject(o, "signed", db_int(rows, 4));
	api_json_str(o, "uploaded_by", db_str(rows, 5));
	api_json_time(o, "uploaded_at", db_time_ms(rows, 6));
	return o;
}

void api_firmware_list(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT id, name, size, sha256, signature IS NOT NULL AND "
	             "signing_cert IS NOT NULL, uploaded_by, uploaded_at FROM "
	             "firmware ORDER BY id DESC LIMIT 500",
	             "")) {
		api_db_error(r);
		return;
	}
	api_send_items(r, &rows, firmware_object, 0, 0, 0);
}

/* A received file as it was uploaded: behind the API's login (the web
 * server's auth covers /cgi-bin/). */
void api_file_content(struct api_req *r)
{
	char *end;
	long long id = strtoll(r->arg, &end, 10);
	if (*end || id <= 0) {
		api_error(r, 404, "not_found", "no file with this id");
		return;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT stored_name FROM cp_files WHERE id = ?", "l",
	             id)) {
		api_db_error(r);
		return;
	}
	int rc = db_next(&rows);
	char stored[256] = "";
	if (rc == 1)
		snprintf(stored, sizeof stored, "%s", db_str(&rows, 0));
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return;
	}
	if (!rc || !stored[0] || strchr(stored, '/') || stored[0] == '.') {
		api_error(r, 404, "not_found", "no file with this id");
		return;
	}
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", r->cfg->files_dir, stored);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st)) {
		log_error("api: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		api_error(r, 410, "gone", "the file is no longer stored");
		return;
	}
	char extra[400];
	snprintf(extra, sizeof extra,
	         "Content-Length: %lld\r\nContent-Disposition: attachment; "
	         "filename=\"%s\"\r\n",
	         (long long)st.st_size, stored);
	api_headers(r, 200, "application/octet-stream", API_NO_STORE, extra);
	char buf[65536];
	ssize_t n;
	while (!r->head_only && (n = read(fd, buf, sizeof buf)) > 0)
		if (fwrite(buf, 1, (size_t)n, r->out) != (size_t)n)
			break;
	close(fd);
}

static void set_if_absent(cJSON *o, const char *name, const char *value)
{
	if (value && !cJSON_GetObjectItemCaseSensitive(o, name))
		cJSON_AddStringToObject(o, name, value);
}

int api_files_fill_firmware(struct api_req *r, const char *action,
                            cJSON *params)
{
	int is_signed = !strcmp(action, "SignedUpdateFirmware");
	const cJSON *id =
	    cJSON_GetObjectItemCaseSensitive(params, "firmwareId");
	if ((!is_signed && strcmp(action, "UpdateFirmware")) || !id)
		return 0;
	/* A 2.0.1 station's UpdateFirmware carries the signature as 1.6's
	 * SignedUpdateFirmware does. */
	int v201 = 0;
	if (!cJSON_IsNumber(id) || id->valuedouble < 1 ||
	    id->valuedouble > 9e15) {
		api_error(r, 400, "invalid_params",
		          "firmwareId: a firmware image's id (GET /firmware)");
		return -1;
	}
	struct db_rows rows;
	if (db_query(r->db, &rows,
	             "SELECT signature, signing_cert, (SELECT protocol = "
	             "'ocpp2.0.1' FROM charge_points WHERE id = ?) "
	             "FROM firmware WHERE id = ?",
	             "sl", r->arg ? r->arg : "", (long long)id->valuedouble)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	if (rc == 1)
		v201 = db_int(&rows, 2) == 1;
	if (rc == 1 && (is_signed || v201)) {
		cJSON *fw =
		    cJSON_GetObjectItemCaseSensitive(params, "firmware");
		if (!fw)
			fw = cJSON_AddObjectToObject(params, "firmware");
		if (cJSON_IsObject(fw)) {
			set_if_absent(fw, "signature", db_str(&rows, 0));
			set_if_absent(fw, "signingCertificate",
			              db_str(&rows, 1));
		}
	}
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	if (!rc) {
		api_error(r, 400, "invalid_params",
		          "firmwareId: no firmware image %.0f (GET /firmware)",
		          id->valuedouble);
		return -1;
	}
	return 0;
}
