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

#define FIELDS_MAX 5

struct action {
	const char *name;
	struct field fields[FIELDS_MAX];
	/* Builds a nested payload from the flat params of fields. */
	cJSON *(*nest)(cJSON *flat, char *why, size_t len);
};

static cJSON *charging_profile(cJSON *flat, char *why, size_t len);

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

static const struct action *find_action(const char *name)
{
	for (size_t i = 0; name && i < sizeof actions / sizeof actions[0]; i++)
		if (!strcmp(actions[i].name, name))
			return &actions[i];
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
	char id[CP_ID_MAX + 1], path[3 * CP_ID_MAX + 8];
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
	const struct action *a = find_action(name);
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
	cJSON_Delete(result);
	cJSON_Delete(params);
	ui_form_free(&f);

	char seg[3 * CP_ID_MAX + 1], page[CP_ID_MAX + 8];
	ui_path_escape(id, seg, sizeof seg);
	snprintf(path, sizeof path, "/cp/%s", seg);
	snprintf(page, sizeof page, "/cp/%s", id);
	ui_redirect_outcome(r, page, path, a->name, &o);
}
