/*
 * api-registration.c — see api-registration.h.
 */
#include "api-registration.h"

#include <stdlib.h>
#include <string.h>

#include "api-control.h"
#include "api-json.h"
#include "ctl_proto.h"
#include "webcmd.h"
#include "webctl.h"

/* How long the best-effort TriggerMessage may take to be queued. */
#define TRIGGER_WAIT_MS 3000

static const char sql_list[] =
    "SELECT id, boot_answer, vendor, model, serial_number, "
    "chargebox_serial, firmware_version, connected, remote_addr, "
    "connected_since, last_boot FROM charge_points "
    "WHERE boot_answer <> 'Accepted' AND (? = '' OR boot_answer = ?) "
    "ORDER BY COALESCE(connected_since, last_boot) DESC, id LIMIT 500";

static const char *const answers[] = CTL_BOOT_ANSWERS;

static int answer_known(const char *s)
{
	for (int i = 0; answers[i]; i++)
		if (!strcmp(s, answers[i]))
			return 1;
	return 0;
}

void api_registrations_list(struct api_req *r)
{
	const char *want = "";
	int i = param_choice_or_400(&r->params, "boot_answer", answers);
	if (i == -2)
		return;
	if (i >= 0)
		want = answers[i];
	struct db_rows rows;
	if (db_query(r->db, &rows, sql_list, "ss", want, want)) {
		api_db_error(r);
		return;
	}
	cJSON *body = cJSON_CreateObject();
	cJSON *items = cJSON_AddArrayToObject(body, "items");
	int rc;
	while ((rc = db_next(&rows)) == 1) {
		cJSON *o = cJSON_CreateObject();
		api_json_str(o, "id", db_str(&rows, 0));
		api_json_str(o, "boot_answer", db_str(&rows, 1));
		api_json_str(o, "vendor", db_str(&rows, 2));
		api_json_str(o, "model", db_str(&rows, 3));
		api_json_str(o, "serial_number", db_str(&rows, 4));
		api_json_str(o, "chargebox_serial", db_str(&rows, 5));
		api_json_str(o, "firmware_version", db_str(&rows, 6));
		cJSON_AddBoolToObject(o, "connected", db_int(&rows, 7) == 1);
		api_json_str(o, "remote_addr", db_str(&rows, 8));
		api_json_time(o, "connected_since", db_time_ms(&rows, 9));
		api_json_time(o, "last_boot", db_time_ms(&rows, 10));
		cJSON_AddItemToArray(items, o);
	}
	db_rows_end(&rows);
	if (rc < 0) {
		cJSON_Delete(body);
		api_db_error(r);
		return;
	}
	api_json_int(body, "count", cJSON_GetArraySize(items));
	api_send_json(r, 200, body);
}

/* Asks a connected, just approved charge point to boot again now; 1 when
 * ocppd queued the TriggerMessage. */
static int trigger_boot(struct api_req *r, const char *cp_id)
{
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "requestedMessage", "BootNotification");
	char who[128];
	webctl_requested_by(r->cgi, who, sizeof who);
	char *line = webcmd_line("TriggerMessage", cp_id, p, who, 0, 1);
	cJSON_Delete(p);
	if (!line)
		return 0;
	cJSON *answer = NULL;
	char err[200];
	int rc = webcmd_send(r->cfg, r->db, "TriggerMessage", cp_id, line,
	                     TRIGGER_WAIT_MS, &answer, err, sizeof err);
	free(line);
	int ok =
	    !rc && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(answer, "ok"));
	cJSON_Delete(answer);
	return ok;
}

void api_boot_answer(struct api_req *r)
{
	cJSON *params = api_change_begin(r);
	if (!params)
		return;
	const cJSON *a =
	    cJSON_GetObjectItemCaseSensitive(params, "boot_answer");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(params, "trigger");
	int ok = cJSON_IsString(a) && answer_known(a->valuestring);
	if (!ok) {
		cJSON_Delete(params);
		api_bad_param(
		    r, "boot_answer",
		    "must be \"Accepted\", \"Pending\" or \"Rejected\"");
		return;
	}
	if (t && !cJSON_IsBool(t)) {
		cJSON_Delete(params);
		api_bad_param(r, "trigger", "must be true or false");
		return;
	}
	int trigger = !t || cJSON_IsTrue(t);
	int accepted = !strcmp(a->valuestring, "Accepted");
	cJSON *one = cJSON_CreateObject();
	cJSON_AddStringToObject(one, "boot_answer", a->valuestring);
	cJSON_Delete(params);
	cJSON *res = api_control_call(r, "cp_set_boot", r->arg, one, 0);
	cJSON_Delete(one);
	if (!res)
		return;
	int connected =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "connected"));
	cJSON_AddBoolToObject(res, "boot_triggered",
	                      accepted && trigger && connected &&
	                          trigger_boot(r, r->arg));
	api_send_json(r, 200, res);
}
