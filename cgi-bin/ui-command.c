/*
 * ui-command.c — the charge point page's command forms (ui-command.h).
 *
 * The form names the action in "action"; the other fields are the OCPP
 * request's own members.  Only the actions in the table below can be sent
 * from the dashboard, each with the fields its form has; integers are
 * converted here, everything else is ocppd's schema check.
 */
#include "ui-command.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "param.h"
#include "ui-certs.h"
#include "ui-error.h"
#include "ui-format.h"
#include "ui-post.h"
#include "webrole.h"

#define CP_ID_MAX 50

/* F_EXPIRY and F_AT: minutes from now (at least 1, or 0 for now), sent
 * as the dateTime the field names (expiryDate, retrieveDate); F_RESID: a
 * reservationId, made up when left empty. */
enum field_type { F_STR, F_INT, F_EXPIRY, F_AT, F_RESID };

struct field {
	const char *name;
	enum field_type type;
	int required;
};

#define FIELDS_MAX 7

struct action {
	const char *name;
	struct field fields[FIELDS_MAX];
	/* Builds a nested payload from the flat params of fields. */
	cJSON *(*nest)(cJSON *flat, char *why, size_t len);
};

static cJSON *charging_profile(cJSON *flat, char *why, size_t len);
static cJSON *start201(cJSON *flat, char *why, size_t len);
static cJSON *evse201(cJSON *flat, char *why, size_t len);
static cJSON *get_variables201(cJSON *flat, char *why, size_t len);
static cJSON *set_variables201(cJSON *flat, char *why, size_t len);
static cJSON *base_report201(cJSON *flat, char *why, size_t len);
static cJSON *charging_profile201(cJSON *flat, char *why, size_t len);

/*
 * The forms a 2.0.1 station's page has (the form says ocpp=2.0.1): six
 * names are also 1.6 commands with other payloads, so the protocol picks
 * the table.  A form that claims the wrong protocol gets ocppd's schema
 * refusal for the station's own one, nothing more.
 */
static const struct action actions201[] = {
    /* remoteStartId is ocppd's (docs/ocpp201.md). */
    {"RequestStartTransaction",
     {{"idToken", F_STR, 1}, {"idTokenType", F_STR, 0}, {"evseId", F_INT, 0}},
     start201},
    {"RequestStopTransaction", {{"transactionId", F_STR, 1}}, NULL},
    {"Reset", {{"type", F_STR, 1}, {"evseId", F_INT, 0}}, NULL},
    {"UnlockConnector",
     {{"evseId", F_INT, 1}, {"connectorId", F_INT, 1}},
     NULL},
    {"ChangeAvailability",
     {{"operationalStatus", F_STR, 1},
      {"evseId", F_INT, 0},
      {"connectorId", F_INT, 0}},
     evse201},
    {"TriggerMessage",
     {{"requestedMessage", F_STR, 1}, {"evseId", F_INT, 0}},
     evse201},
    {"GetVariables",
     {{"component", F_STR, 1},
      {"componentInstance", F_STR, 0},
      {"evseId", F_INT, 0},
      {"connectorId", F_INT, 0},
      {"variable", F_STR, 1},
      {"variableInstance", F_STR, 0},
      {"attributeType", F_STR, 0}},
     get_variables201},
    {"SetVariables",
     {{"component", F_STR, 1},
      {"componentInstance", F_STR, 0},
      {"evseId", F_INT, 0},
      {"connectorId", F_INT, 0},
      {"variable", F_STR, 1},
      {"variableInstance", F_STR, 0},
      {"attributeType", F_STR, 0}},
     set_variables201},
    {"GetBaseReport", {{"reportBase", F_STR, 1}}, base_report201},
    /* One period from the start, as 1.6's form; a TxProfile names its
     * session by the station's transactionId. */
    {"SetChargingProfile",
     {{"evseId", F_INT, 1},
      {"chargingProfilePurpose", F_STR, 1},
      {"stackLevel", F_INT, 1},
      {"limit", F_STR, 1},
      {"chargingRateUnit", F_STR, 1},
      {"transactionId", F_STR, 0}},
     charging_profile201},
    {"ClearCache", {{NULL, F_STR, 0}}, NULL},
    {"DataTransfer",
     {{"vendorId", F_STR, 1}, {"messageId", F_STR, 0}, {"data", F_STR, 0}},
     NULL},
};

static const struct action actions[] = {
    {"RemoteStartTransaction",
     {{"idTag", F_STR, 1}, {"connectorId", F_INT, 0}},
     NULL},
    {"RemoteStopTransaction", {{"transactionId", F_INT, 1}}, NULL},
    {"Reset", {{"type", F_STR, 1}}, NULL},
    {"UnlockConnector", {{"connectorId", F_INT, 1}}, NULL},
    {"ChangeAvailability",
     {{"connectorId", F_INT, 1}, {"type", F_STR, 1}},
     NULL},
    {"TriggerMessage",
     {{"requestedMessage", F_STR, 1}, {"connectorId", F_INT, 0}},
     NULL},
    {"ChangeConfiguration", {{"key", F_STR, 1}, {"value", F_STR, 1}}, NULL},
    /* The answer is shown from the commands table (ui-config.c). */
    {"GetConfiguration", {{NULL, F_STR, 0}}, NULL},
    {"ReserveNow",
     {{"connectorId", F_INT, 1},
      {"idTag", F_STR, 1},
      {"expiryDate", F_EXPIRY, 1},
      {"reservationId", F_RESID, 0},
      {"parentIdTag", F_STR, 0}},
     NULL},
    {"CancelReservation", {{"reservationId", F_INT, 1}}, NULL},
    {"ClearCache", {{NULL, F_STR, 0}}, NULL},
    {"GetLocalListVersion", {{NULL, F_STR, 0}}, NULL},
    {"DataTransfer",
     {{"vendorId", F_STR, 1}, {"messageId", F_STR, 0}, {"data", F_STR, 0}},
     NULL},
    /* No location: the charge point uploads here (docs/files.md). */
    {"GetDiagnostics",
     {{"location", F_STR, 0},
      {"retries", F_INT, 0},
      {"retryInterval", F_INT, 0}},
     NULL},
    {"GetLog", {{"logType", F_STR, 0}}, NULL},
    {"UpdateFirmware",
     {{"location", F_STR, 1},
      {"retrieveDate", F_AT, 1},
      {"retries", F_INT, 0},
      {"retryInterval", F_INT, 0}},
     NULL},
    {"ClearChargingProfile",
     {{"id", F_INT, 0},
      {"connectorId", F_INT, 0},
      {"chargingProfilePurpose", F_STR, 0},
      {"stackLevel", F_INT, 0}},
     NULL},
    {"GetCompositeSchedule",
     {{"connectorId", F_INT, 1},
      {"duration", F_INT, 1},
      {"chargingRateUnit", F_STR, 0}},
     NULL},
    /* One period from the start: the limit that holds until cleared. */
    {"SetChargingProfile",
     {{"connectorId", F_INT, 1},
      {"chargingProfilePurpose", F_STR, 1},
      {"stackLevel", F_INT, 1},
      {"limit", F_STR, 1},
      {"chargingRateUnit", F_STR, 1}},
     charging_profile},
    /* The Security Whitepaper's (ui-certs.c, docs/certificates.md). */
    {"ExtendedTriggerMessage",
     {{"requestedMessage", F_STR, 1}, {"connectorId", F_INT, 0}},
     NULL},
    {"GetInstalledCertificateIds", {{"certificateType", F_STR, 1}}, NULL},
    {"InstallCertificate",
     {{"certificateType", F_STR, 1}, {"certificate", F_STR, 1}},
     NULL},
    {"DeleteCertificate",
     {{"hashAlgorithm", F_STR, 1},
      {"issuerNameHash", F_STR, 1},
      {"issuerKeyHash", F_STR, 1},
      {"serialNumber", F_STR, 1}},
     ui_certs_hash_data},
};

/* SetChargingProfile's csChargingProfiles from the form's fields; the
 * limit stays text when it is not a number, so ocppd's schema check
 * names it. */
static cJSON *charging_profile(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	cJSON *p = cJSON_CreateObject(), *cs = cJSON_CreateObject();
	cJSON *sched = cJSON_CreateObject(), *periods = cJSON_CreateArray();
	cJSON *period = cJSON_CreateObject();
	const char *purpose = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(flat, "chargingProfilePurpose"));
	const char *limit = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(flat, "limit"));
	cJSON_AddItemToObject(
	    p, "connectorId",
	    cJSON_Duplicate(
	        cJSON_GetObjectItemCaseSensitive(flat, "connectorId"), 1));
	/* Unique enough among one charge point's profiles: the second it
	 * was made. */
	cJSON_AddNumberToObject(cs, "chargingProfileId",
	                        (double)(time(NULL) % 100000000));
	cJSON_AddItemToObject(
	    cs, "stackLevel",
	    cJSON_Duplicate(
	        cJSON_GetObjectItemCaseSensitive(flat, "stackLevel"), 1));
	cJSON_AddStringToObject(cs, "chargingProfilePurpose",
	                        purpose ? purpose : "");
	/* A session's profile counts from its start; the charge point's
	 * maximum from now. */
	int relative = purpose && strcmp(purpose, "ChargePointMaxProfile");
	cJSON_AddStringToObject(cs, "chargingProfileKind",
	                        relative ? "Relative" : "Absolute");
	if (!relative) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON_AddStringToObject(sched, "startSchedule", ts);
	}
	cJSON_AddItemToObject(
	    sched, "chargingRateUnit",
	    cJSON_Duplicate(
	        cJSON_GetObjectItemCaseSensitive(flat, "chargingRateUnit"), 1));
	cJSON_AddNumberToObject(period, "startPeriod", 0);
	char *end;
	double d = limit ? strtod(limit, &end) : 0;
	if (limit && *limit && !*end)
		cJSON_AddNumberToObject(period, "limit", d);
	else
		cJSON_AddStringToObject(period, "limit", limit ? limit : "");
	cJSON_AddItemToArray(periods, period);
	cJSON_AddItemToObject(sched, "chargingSchedulePeriod", periods);
	cJSON_AddItemToObject(cs, "chargingSchedule", sched);
	cJSON_AddItemToObject(p, "csChargingProfiles", cs);
	cJSON_Delete(flat);
	return p;
}

/* Moves flat's member from into o as to (nothing when flat has none). */
static void move(cJSON *flat, const char *from, cJSON *o, const char *to)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(flat, from);
	if (v)
		cJSON_AddItemToObject(o, to, v);
}

/* The limit as a number; text when it is not one, so ocppd's schema
 * check names it. */
static void add_limit(cJSON *period, const cJSON *flat)
{
	const char *limit = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(flat, "limit"));
	char *end;
	double d = limit ? strtod(limit, &end) : 0;
	if (limit && *limit && !*end)
		cJSON_AddNumberToObject(period, "limit", d);
	else
		cJSON_AddStringToObject(period, "limit", limit ? limit : "");
}

/* 2.0.1's SetChargingProfile from the same fields as 1.6's form: evseId,
 * chargingProfile with id, chargingSchedule an array of one schedule with
 * an id of its own (K01). */
static cJSON *charging_profile201(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	cJSON *p = cJSON_CreateObject(), *cs = cJSON_CreateObject();
	cJSON *scheds = cJSON_CreateArray(), *sched = cJSON_CreateObject();
	cJSON *periods = cJSON_CreateArray(), *period = cJSON_CreateObject();
	const char *purpose = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(flat, "chargingProfilePurpose"));
	move(flat, "evseId", p, "evseId");
	/* Unique enough among one station's profiles: the second it was
	 * made. */
	double id = (double)(time(NULL) % 100000000);
	cJSON_AddNumberToObject(cs, "id", id);
	move(flat, "stackLevel", cs, "stackLevel");
	cJSON_AddStringToObject(cs, "chargingProfilePurpose",
	                        purpose ? purpose : "");
	/* A session's profile counts from its start; the station's maximum
	 * from now. */
	int relative = purpose && strcmp(purpose, "ChargingStationMaxProfile");
	cJSON_AddStringToObject(cs, "chargingProfileKind",
	                        relative ? "Relative" : "Absolute");
	move(flat, "transactionId", cs, "transactionId");
	cJSON_AddNumberToObject(sched, "id", id);
	if (!relative) {
		char ts[32];
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
		cJSON_AddStringToObject(sched, "startSchedule", ts);
	}
	move(flat, "chargingRateUnit", sched, "chargingRateUnit");
	cJSON_AddNumberToObject(period, "startPeriod", 0);
	add_limit(period, flat);
	cJSON_AddItemToArray(periods, period);
	cJSON_AddItemToObject(sched, "chargingSchedulePeriod", periods);
	cJSON_AddItemToArray(scheds, sched);
	cJSON_AddItemToObject(cs, "chargingSchedule", scheds);
	cJSON_AddItemToObject(p, "chargingProfile", cs);
	cJSON_Delete(flat);
	return p;
}

/* idToken {idToken, type} (ISO14443 unless the form says), evseId. */
static cJSON *start201(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	cJSON *p = cJSON_CreateObject(), *tok = cJSON_CreateObject();
	move(flat, "idToken", tok, "idToken");
	if (!cJSON_GetObjectItemCaseSensitive(flat, "idTokenType"))
		cJSON_AddStringToObject(tok, "type", "ISO14443");
	move(flat, "idTokenType", tok, "type");
	cJSON_AddItemToObject(p, "idToken", tok);
	move(flat, "evseId", p, "evseId");
	cJSON_Delete(flat);
	return p;
}

/* evseId and connectorId become evse {id, connectorId}; a connector
 * without its EVSE is refused here (the schema needs evse.id). */
static cJSON *evse201(cJSON *flat, char *why, size_t len)
{
	cJSON *evse = cJSON_CreateObject();
	int has_evse = cJSON_HasObjectItem(flat, "evseId");
	if (!has_evse && cJSON_HasObjectItem(flat, "connectorId")) {
		snprintf(why, len, "invalid: a connector needs its EVSE");
		cJSON_Delete(evse);
		cJSON_Delete(flat);
		return NULL;
	}
	move(flat, "evseId", evse, "id");
	move(flat, "connectorId", evse, "connectorId");
	if (has_evse)
		cJSON_AddItemToObject(flat, "evse", evse);
	else
		cJSON_Delete(evse);
	return flat;
}

/* One {component, variable} of Get/SetVariables from the flat fields
 * (what is left in flat is the rest of the entry). */
static cJSON *var_entry(cJSON *flat)
{
	cJSON *comp = cJSON_CreateObject(), *var = cJSON_CreateObject();
	move(flat, "component", comp, "name");
	move(flat, "componentInstance", comp, "instance");
	if (cJSON_HasObjectItem(flat, "evseId")) {
		cJSON *evse = cJSON_CreateObject();
		move(flat, "evseId", evse, "id");
		move(flat, "connectorId", evse, "connectorId");
		cJSON_AddItemToObject(comp, "evse", evse);
	}
	cJSON_DeleteItemFromObjectCaseSensitive(flat, "connectorId");
	move(flat, "variable", var, "name");
	move(flat, "variableInstance", var, "instance");
	cJSON_AddItemToObject(flat, "component", comp);
	cJSON_AddItemToObject(flat, "variable", var);
	return flat;
}

/* {key: [the one variable the form names]} */
static cJSON *one_variable(cJSON *flat, const char *key)
{
	cJSON *p = cJSON_CreateObject();
	cJSON *list = cJSON_AddArrayToObject(p, key);
	cJSON_AddItemToArray(list, var_entry(flat));
	return p;
}

static cJSON *get_variables201(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	return one_variable(flat, "getVariableData");
}

/* The value is read apart: an empty one is a value (it clears). */
static cJSON *set_variables201(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	return one_variable(flat, "setVariableData");
}

/* requestId: unique enough among one station's reports, the second it
 * was asked. */
static cJSON *base_report201(cJSON *flat, char *why, size_t len)
{
	(void)why;
	(void)len;
	cJSON_AddNumberToObject(flat, "requestId",
	                        (double)(time(NULL) % 2000000000));
	return flat;
}

/* SetVariables' attributeValue: the form's text as it is, "" too. */
static void set_value(cJSON *params, const char *value)
{
	cJSON *e = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(params, "setVariableData"), 0);
	if (e)
		cJSON_AddStringToObject(e, "attributeValue",
		                        value ? value : "");
}

/* Get/SetVariables answer a status per variable: the one asked for is
 * the outcome, with the value read. */
static void variables_outcome(const cJSON *result, const char *list,
                              struct ui_outcome *o)
{
	const cJSON *e = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(result, list), 0);
	const char *st = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(e, "attributeStatus"));
	const char *v = cJSON_GetStringValue(
	    cJSON_GetObjectItemCaseSensitive(e, "attributeValue"));
	if (!st)
		return;
	snprintf(o->msg, sizeof o->msg, "%.40s%s%.200s", st, v ? ": " : "",
	         v ? v : "");
}

static const struct action *find_action(const char *name, int v201)
{
	const struct action *t = v201 ? actions201 : actions;
	size_t n = v201 ? sizeof actions201 / sizeof actions201[0]
	                : sizeof actions / sizeof actions[0];
	for (size_t i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* The OCPP params from the form; -1 with why when a field is missing or
 * not an integer (said on the page, like ocppd's own refusals). */
static cJSON *params_of(const struct action *a, const struct ui_form *f,
                        char *why, size_t len)
{
	cJSON *p = cJSON_CreateObject();
	for (int i = 0; i < FIELDS_MAX && a->fields[i].name; i++) {
		const struct field *fd = &a->fields[i];
		const char *v = ui_form_get(f, fd->name);
		if ((!v || !*v) && fd->type == F_RESID) {
			/* Unique enough among one charge point's live
			 * reservations: the second it was made. */
			cJSON_AddNumberToObject(
			    p, fd->name, (double)(time(NULL) % 2000000000));
			continue;
		}
		if (!v || !*v) {
			if (!fd->required)
				continue;
			snprintf(why, len, "invalid: %s is required", fd->name);
			cJSON_Delete(p);
			return NULL;
		}
		if (fd->type == F_STR) {
			cJSON_AddStringToObject(p, fd->name, v);
			continue;
		}
		char *end;
		errno = 0;
		long n = strtol(v, &end, 10);
		if (errno || *end || end == v || n < 0 || n > 2147483647L) {
			snprintf(why, len, "invalid: %s must be a whole number",
			         fd->name);
			cJSON_Delete(p);
			return NULL;
		}
		if (fd->type == F_EXPIRY || fd->type == F_AT) {
			long min = fd->type == F_EXPIRY ? 1 : 0;
			if (n < min || n > 60 * 24 * 30) {
				snprintf(why, len,
				         "invalid: %s must be %ld minute%s to "
				         "30 days from now",
				         fd->name, min, min == 1 ? "" : "s");
				cJSON_Delete(p);
				return NULL;
			}
			char ts[32];
			time_t at = time(NULL) + (time_t)n * 60;
			struct tm tm;
			gmtime_r(&at, &tm);
			strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
			cJSON_AddStringToObject(p, fd->name, ts);
			continue;
		}
		cJSON_AddNumberToObject(p, fd->name, (double)n);
	}
	return p;
}

void ui_cp_command(struct ui_req *r, const char *arg)
{
	static const char suffix[] = "/command";
	char id[CP_ID_MAX + 1], path[3 * CP_ID_MAX + 20];
	size_t n = strlen(arg), sn = sizeof suffix - 1;
	if (n <= sn || n - sn > CP_ID_MAX || strcmp(arg + n - sn, suffix)) {
		ui_error(r, 404, "Page not found", "There is no such page.");
		return;
	}
	memcpy(id, arg, n - sn);
	id[n - sn] = '\0';
	if (!param_text_ok(id)) {
		ui_error(r, 404, "Charge point not found",
		         "No charge point has this id.");
		return;
	}
	struct ui_form f;
	if (ui_form_read_or_error(r, &f))
		return;
	const char *name = ui_form_get(&f, "action");
	const char *proto = ui_form_get(&f, "ocpp");
	int v201 = proto && !strcmp(proto, "2.0.1");
	const struct action *a = find_action(name, v201);
	if (!a) {
		ui_form_free(&f);
		ui_bad_param(r, "action", "is not a command of this page");
		return;
	}
	if (r->role < webrole_for_command(a->name)) {
		ui_form_free(&f);
		ui_error(r, 403, "Not allowed",
		         "Your role may not make this change (the command "
		         "needs the admin role). Nothing was changed.");
		return;
	}
	struct ui_outcome o = {"invalid", ""};
	cJSON *params = params_of(a, &f, o.msg, sizeof o.msg);
	if (params && a->nest)
		params = a->nest(params, o.msg, sizeof o.msg);
	if (params && v201 && !strcmp(a->name, "SetVariables"))
		set_value(params, ui_form_get(&f, "value"));
	cJSON *result = NULL;
	if (params)
		ui_command(r, a->name, id, params, &o, &result);
	/* GetConfiguration has no status: say how many keys came back
	 * (the table on the page shows them). */
	if (result && !strcmp(a->name, "GetConfiguration"))
		snprintf(o.msg, sizeof o.msg, "%d keys received",
		         cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		             result, "configurationKey")));
	/* Nor do these: what they answered is the outcome. */
	if (result && !strcmp(a->name, "GetLocalListVersion"))
		snprintf(o.msg, sizeof o.msg, "local list version %lld",
		         (long long)cJSON_GetNumberValue(
		             cJSON_GetObjectItemCaseSensitive(result,
		                                              "listVersion")));
	if (result && !strcmp(a->name, "GetDiagnostics")) {
		const cJSON *fn =
		    cJSON_GetObjectItemCaseSensitive(result, "fileName");
		snprintf(o.msg, sizeof o.msg, "%s%.200s",
		         cJSON_IsString(fn) ? "uploading "
		                            : "no diagnostics file",
		         cJSON_IsString(fn) ? fn->valuestring : "");
	}
	if (result && v201 && !strcmp(a->name, "GetVariables"))
		variables_outcome(result, "getVariableResult", &o);
	if (result && v201 && !strcmp(a->name, "SetVariables"))
		variables_outcome(result, "setVariableResult", &o);
	/* The device model page's forms come back to it. */
	const char *back = ui_form_get(&f, "back");
	int to_vars = v201 && back && !strcmp(back, "variables");
	cJSON_Delete(result);
	cJSON_Delete(params);
	ui_form_free(&f);

	char seg[3 * CP_ID_MAX + 1], page[CP_ID_MAX + 20];
	ui_path_escape(id, seg, sizeof seg);
	snprintf(path, sizeof path, "/cp/%s%s", seg,
	         to_vars ? "/variables" : "");
	snprintf(page, sizeof page, "/cp/%s%s", id,
	         to_vars ? "/variables" : "");
	ui_redirect_outcome(r, page, path, a->name, &o);
}
