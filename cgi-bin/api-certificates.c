/*
 * api-certificates.c — see api-certificates.h.
 */
#include "api-certificates.h"

#include "api-json.h"
#include "certquery.h"

static cJSON *issued_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_int(o, "id", db_int(rows, CERTQ_ID));
	api_json_str(o, "state", db_str(rows, CERTQ_STATE));
	api_json_str(o, "serial", db_str(rows, CERTQ_SERIAL));
	api_json_str(o, "subject", db_str(rows, CERTQ_SUBJECT));
	api_json_time(o, "not_after", db_time_ms(rows, CERTQ_NOT_AFTER));
	api_json_time(o, "requested_at", db_time_ms(rows, CERTQ_REQUESTED));
	api_json_time(o, "issued_at", db_time_ms(rows, CERTQ_ISSUED_AT));
	api_json_str(o, "signed_status", db_str(rows, CERTQ_SIGNED_STATUS));
	api_json_time(o, "signed_at", db_time_ms(rows, CERTQ_SIGNED_AT));
	api_json_time(o, "renew_requested_at", db_time_ms(rows, CERTQ_RENEW));
	api_json_str(o, "error", db_str(rows, CERTQ_ERROR));
	return o;
}

static cJSON *installed_object(const struct db_rows *rows)
{
	cJSON *o = cJSON_CreateObject();
	api_json_str(o, "certificate_type", db_str(rows, CERTQ_I_TYPE));
	api_json_str(o, "hash_algorithm", db_str(rows, CERTQ_I_ALG));
	api_json_str(o, "issuer_name_hash", db_str(rows, CERTQ_I_NAME));
	api_json_str(o, "issuer_key_hash", db_str(rows, CERTQ_I_KEY));
	api_json_str(o, "serial_number", db_str(rows, CERTQ_I_SERIAL));
	api_json_time(o, "reported_at", db_time_ms(rows, CERTQ_I_REPORTED));
	return o;
}

/* rows of sql for cp as an array under key; -1 after a database error
 * (answered). */
static int add_list(struct api_req *r, cJSON *body, const char *key,
                    const char *sql, cJSON *(*object)(const struct db_rows *))
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql, "s", r->arg)) {
		api_db_error(r);
		return -1;
	}
	cJSON *a = cJSON_AddArrayToObject(body, key);
	int rc;
	while ((rc = db_next(&rows)) == 1)
		cJSON_AddItemToArray(a, object(&rows));
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	return 0;
}

void api_cp_certificates(struct api_req *r)
{
	if (api_cp_or_404(r))
		return;
	cJSON *body = cJSON_CreateObject();
	api_json_str(body, "cp_id", r->arg);
	if (add_list(r, body, "issued", CERTQ_ISSUED, issued_object) ||
	    add_list(r, body, "installed", CERTQ_INSTALLED, installed_object)) {
		cJSON_Delete(body);
		return;
	}
	api_send_json(r, 200, body);
}
