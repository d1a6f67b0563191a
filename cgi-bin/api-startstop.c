/*
 * api-startstop.c — see api-startstop.h.
 *
 * The caller names the session as the API shows it (transactions.id)
 * and the tag as an id tag; which OCPP command carries them is the
 * charge point's protocol's business (charge_points.protocol, the
 * subprotocol of its newest connection): a 2.0.1 station is stopped by
 * its own string transactionId (transactions.cp_tx_id).  ocppd checks
 * the payload against the protocol's schema as for any command.
 */
#include "api-startstop.h"

#include <string.h>

#include "api-commands.h"
#include "api-control.h"
#include "api-json.h"

#define ID_TOKEN_MAX 36 /* 2.0.1's idToken; a 1.6 idTag is 20 (ocppd) */

static const char sql_protocol[] =
    "SELECT protocol FROM charge_points WHERE id = ?";

static const char sql_running[] =
    "SELECT cp_tx_id FROM transactions WHERE cp_id = ? AND id = ? "
    "AND stop_ts IS NULL";

/* 1 for a 2.0.1 station, 0 for a 1.6 one; -1 after answering (404 or a
 * database error). */
static int is_201(struct api_req *r)
{
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_protocol, "s", r->arg)) {
		api_db_error(r);
		return -1;
	}
	int rc = db_next(&rows);
	const char *p = rc > 0 ? db_str(&rows, 0) : NULL;
	int v201 = p && !strcmp(p, "ocpp2.0.1");
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		return -1;
	}
	if (rc == 0) {
		api_error(r, 404, "not_found", "no charge point with this id");
		return -1;
	}
	return v201;
}

/* A member that must be a whole number >= min when present: 1 present,
 * 0 absent, -1 after answering 400. */
static int int_member(struct api_req *r, const cJSON *body, const char *name,
                      long long min, long long *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, name);
	if (!v)
		return 0;
	double d = cJSON_GetNumberValue(v);
	if (!cJSON_IsNumber(v) || d != (double)(long long)d || d < min ||
	    d > 2147483647.0) {
		api_error(r, 400, "invalid_params",
		          "%s must be a whole number of at least %lld", name,
		          min);
		return -1;
	}
	*out = (long long)d;
	return 1;
}

void api_cp_start(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	const char *tag = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(body, "id_tag"));
	const cJSON *type_item =
	    cJSON_GetObjectItemCaseSensitive(body, "id_token_type");
	const char *type = cJSON_GetStringValue(type_item);
	long long conn = 0;
	int has_conn = int_member(r, body, "connector_id", 1, &conn);
	if (has_conn < 0)
		goto out;
	if (!tag || !*tag || strlen(tag) > ID_TOKEN_MAX) {
		api_error(r, 400, "invalid_params",
		          "id_tag must be a string of 1 to %d characters",
		          ID_TOKEN_MAX);
		goto out;
	}
	if (type_item && (!type || !*type)) {
		api_error(r, 400, "invalid_params",
		          "id_token_type must be a 2.0.1 IdTokenType name");
		goto out;
	}
	int v201 = is_201(r);
	if (v201 < 0)
		goto out;
	cJSON *p = cJSON_CreateObject();
	if (v201) {
		cJSON *tok = cJSON_AddObjectToObject(p, "idToken");
		cJSON_AddStringToObject(tok, "idToken", tag);
		cJSON_AddStringToObject(tok, "type", type ? type : "ISO14443");
		if (has_conn)
			cJSON_AddNumberToObject(p, "evseId", (double)conn);
	} else {
		cJSON_AddStringToObject(p, "idTag", tag);
		if (has_conn)
			cJSON_AddNumberToObject(p, "connectorId", (double)conn);
	}
	api_command_queue(
	    r, v201 ? "RequestStartTransaction" : "RemoteStartTransaction", p);
out:
	cJSON_Delete(body);
}

void api_cp_stop(struct api_req *r)
{
	cJSON *body = api_change_begin(r);
	if (!body)
		return;
	long long tx = 0;
	int has = int_member(r, body, "transaction_id", 1, &tx);
	if (has <= 0) {
		if (!has)
			api_error(r, 400, "invalid_params",
			          "transaction_id (the session's id, as GET "
			          "/transactions shows it) is required");
		goto out;
	}
	int v201 = is_201(r);
	if (v201 < 0)
		goto out;
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_running, "sl", r->arg, tx)) {
		api_db_error(r);
		goto out;
	}
	int rc = db_next(&rows);
	char station_tx[64] = "";
	if (rc > 0 && db_str(&rows, 0))
		snprintf(station_tx, sizeof station_tx, "%s", db_str(&rows, 0));
	db_rows_end(&rows);
	if (rc < 0) {
		api_db_error(r);
		goto out;
	}
	if (rc == 0 || (v201 && !station_tx[0])) {
		api_error(r, 404, "not_found",
		          "no running transaction %lld on this charge point",
		          tx);
		goto out;
	}
	cJSON *p = cJSON_CreateObject();
	if (v201)
		cJSON_AddStringToObject(p, "transactionId", station_tx);
	else
		cJSON_AddNumberToObject(p, "transactionId", (double)tx);
	api_command_queue(
	    r, v201 ? "RequestStopTransaction" : "RemoteStopTransaction", p);
out:
	cJSON_Delete(body);
}
