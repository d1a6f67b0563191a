/*
 * cert_installed.c — the installed root certificates; see
 * cert_installed.h.
 */
#include "cert_installed.h"

#include <cjson/cJSON.h>

#include "jsonutil.h"

/* The whitepaper's CertificateHashDataType fields of one entry; NULL
 * when one is missing (the answer did not match the schema). */
static int hash_fields(const cJSON *h, const char **alg, const char **name,
                       const char **key, const char **serial)
{
	*alg = json_str(h, "hashAlgorithm", NULL);
	*name = json_str(h, "issuerNameHash", NULL);
	*key = json_str(h, "issuerKeyHash", NULL);
	*serial = json_str(h, "serialNumber", NULL);
	return *alg && *name && *key && *serial ? 0 : -1;
}

/* One reported certificate of the set; one whose hash data is
 * incomplete is skipped. */
static int record_hash(struct db *db, const struct cmd_record *r,
                       const char *type, const cJSON *h)
{
	const char *alg, *name, *key, *serial;
	if (hash_fields(h, &alg, &name, &key, &serial))
		return 0;
	return db_exec(db,
	               "INSERT IGNORE INTO cp_installed_certs (cp_id, "
	               "certificate_type, hash_algorithm, "
	               "issuer_name_hash, issuer_key_hash, serial_number, "
	               "reported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
	               "sssssst", r->cp_id, type, alg, name, key, serial,
	               r->finished_ms) < 0
	           ? -1
	           : 0;
}

static int replace_set(struct db *db, const struct cmd_record *r,
                       const char *type, const cJSON *resp)
{
	if (db_exec(db,
	            "DELETE FROM cp_installed_certs WHERE cp_id = ? AND "
	            "certificate_type = ?",
	            "ss", r->cp_id, type) < 0)
		return -1;
	const cJSON *list =
	    cJSON_GetObjectItemCaseSensitive(resp, "certificateHashData");
	const cJSON *h;
	cJSON_ArrayForEach(h, list)
	{
		if (record_hash(db, r, type, h))
			return -1;
	}
	return 0;
}

static int delete_one(struct db *db, const struct cmd_record *r,
                      const cJSON *params)
{
	const char *alg, *name, *key, *serial;
	const cJSON *h =
	    cJSON_GetObjectItemCaseSensitive(params, "certificateHashData");
	if (hash_fields(h, &alg, &name, &key, &serial))
		return 0;
	(void)alg;
	return db_exec(db,
	               "DELETE FROM cp_installed_certs WHERE cp_id = ? AND "
	               "issuer_name_hash = ? AND issuer_key_hash = ? AND "
	               "serial_number = ?",
	               "ssss", r->cp_id, name, key, serial) < 0
	           ? -1
	           : 0;
}

/* 2.0.1's answer: certificateHashDataChain, each entry with its own
 * certificateType; the request's certificateType a list of the types
 * asked (none: all).  Each type asked is replaced by what was answered. */
static int replace_sets201(struct db *db, const struct cmd_record *r,
                           const cJSON *types, const cJSON *resp)
{
	const cJSON *t;
	if (!cJSON_GetArraySize(types)) {
		if (db_exec(db,
		            "DELETE FROM cp_installed_certs WHERE cp_id = ?",
		            "s", r->cp_id) < 0)
			return -1;
	}
	cJSON_ArrayForEach(t, types)
	{
		if (cJSON_IsString(t) &&
		    db_exec(db,
		            "DELETE FROM cp_installed_certs WHERE cp_id = ? "
		            "AND certificate_type = ?",
		            "ss", r->cp_id, t->valuestring) < 0)
			return -1;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(
	                          resp, "certificateHashDataChain"))
	{
		const char *type = json_str(e, "certificateType", NULL);
		if (type && record_hash(db, r, type,
		                        cJSON_GetObjectItemCaseSensitive(
		                            e, "certificateHashData")))
			return -1;
	}
	return 0;
}

int cert_installed_command(struct db *db, const struct cmd_record *r)
{
	int get = !strcmp(r->action, "GetInstalledCertificateIds");
	if (!get && strcmp(r->action, "DeleteCertificate"))
		return 0;
	if (!r->outcome || !cmd_record_answered(r) || !r->params)
		return 0;
	int rc = 0;
	cJSON *p = cJSON_Parse(r->params);
	cJSON *resp = r->response ? cJSON_Parse(r->response) : NULL;
	if (get && (!strcmp(r->status, "Accepted") ||
	            !strcmp(r->status, "NotFound"))) {
		const cJSON *types =
		    cJSON_GetObjectItemCaseSensitive(p, "certificateType");
		const char *type = json_str(p, "certificateType", NULL);
		if (cJSON_HasObjectItem(resp, "certificateHashDataChain") ||
		    !types || cJSON_IsArray(types))
			rc = replace_sets201(db, r, types, resp);
		else if (type)
			rc = replace_set(db, r, type, resp);
	} else if (!get && !strcmp(r->status, "Accepted")) {
		rc = delete_one(db, r, p);
	}
	cJSON_Delete(p);
	cJSON_Delete(resp);
	return rc;
}
