/*
 * answer201_device.c — the station's small device model (2.0.1 part B):
 * GetVariables, SetVariables, GetBaseReport and the NotifyReport that
 * follows it.  Three writable variables drive the simulation (heartbeat,
 * the TransactionEvent Updated interval, Authorize before a remote
 * start); two read-only ones describe the station.
 */
#include "answer201.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum vtype { V_INT, V_BOOL, V_STR };

static const struct var201 {
	const char *component, *variable;
	enum vtype type;
	int writable; /* its value is st->vars[slot] */
	int slot;
} vars[] = {
    {"OCPPCommCtrlr", "HeartbeatInterval", V_INT, 1, 0},
    {"SampledDataCtrlr", "TxUpdatedInterval", V_INT, 1, 1},
    {"AuthCtrlr", "AuthorizeRemoteStart", V_BOOL, 1, 2},
    {"SecurityCtrlr", "Identity", V_STR, 0, -1},
    {"ChargingStation", "AvailabilityState", V_STR, 0, -2},
};
#define NVARS (sizeof vars / sizeof vars[0])

int st201_heartbeat_s(const struct st201 *st)
{
	return atoi(st->vars[0]);
}

int st201_sample_s(const struct st201 *st)
{
	return atoi(st->vars[1]);
}

int st201_authorize_remote(const struct st201 *st)
{
	return !strcmp(st->vars[2], "true");
}

static const char *value_of(const struct st201 *st, const struct var201 *v)
{
	int i;

	if (v->slot >= 0)
		return st->vars[v->slot];
	if (v->slot == -1)
		return st->ident;
	for (i = 1; i <= st->nevse; i++)
		if (!st->evse[i].inoperative)
			return "Available";
	return "Unavailable";
}

static const char *name_of(const cJSON *obj)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, "name");

	return cJSON_IsString(n) ? n->valuestring : "";
}

/* The variable a request names, or NULL with *status the reason. */
static const struct var201 *lookup(const cJSON *item, const char **status)
{
	const char *comp =
	    name_of(cJSON_GetObjectItemCaseSensitive(item, "component"));
	const char *var =
	    name_of(cJSON_GetObjectItemCaseSensitive(item, "variable"));
	const cJSON *at =
	    cJSON_GetObjectItemCaseSensitive(item, "attributeType");
	int comp_known = 0;
	size_t i;

	for (i = 0; i < NVARS; i++) {
		if (strcasecmp(vars[i].component, comp))
			continue;
		comp_known = 1;
		if (strcasecmp(vars[i].variable, var))
			continue;
		if (cJSON_IsString(at) && strcmp(at->valuestring, "Actual")) {
			*status = "NotSupportedAttributeType";
			return NULL;
		}
		return &vars[i];
	}
	*status = comp_known ? "UnknownVariable" : "UnknownComponent";
	return NULL;
}

/* A result entry echoing the request's component and variable. */
static cJSON *result_entry(const cJSON *item, const char *status)
{
	cJSON *r = cJSON_CreateObject();

	cJSON_AddStringToObject(r, "attributeStatus", status);
	cJSON_AddItemToObject(
	    r, "component",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(item, "component"),
	                    1));
	cJSON_AddItemToObject(
	    r, "variable",
	    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(item, "variable"),
	                    1));
	return r;
}

static void finish(cJSON *root, struct answer201 *a)
{
	if (!cJSON_PrintPreallocated(root, a->payload, (int)sizeof a->payload,
	                             0))
		answer201_error(a, "InternalError", "answer too long");
	cJSON_Delete(root);
}

static const cJSON *data_array(const cJSON *p, const char *name,
                               struct answer201 *a)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, name);

	if (!cJSON_IsArray(d) || !cJSON_GetArraySize(d)) {
		answer201_error(a, "OccurrenceConstraintViolation", name);
		return NULL;
	}
	return d;
}

void answer201_get_variables(struct st201 *st, const cJSON *p,
                             struct answer201 *a)
{
	const cJSON *d = data_array(p, "getVariableData", a), *item;
	cJSON *root, *res;

	if (!d)
		return;
	root = cJSON_CreateObject();
	res = cJSON_AddArrayToObject(root, "getVariableResult");
	cJSON_ArrayForEach(item, d)
	{
		const char *status = "Accepted";
		const struct var201 *v = lookup(item, &status);
		cJSON *r = result_entry(item, status);

		if (v) {
			cJSON_AddStringToObject(r, "attributeType", "Actual");
			cJSON_AddStringToObject(r, "attributeValue",
			                        value_of(st, v));
		}
		cJSON_AddItemToArray(res, r);
	}
	finish(root, a);
}

static int value_ok(const struct var201 *v, const char *s)
{
	char *end;
	long n;

	if (v->type == V_BOOL)
		return !strcmp(s, "true") || !strcmp(s, "false");
	if (v->type == V_INT) {
		n = strtol(s, &end, 10);
		return *s && !*end && n >= 0 && n <= 86400;
	}
	return strlen(s) < ST201_VAR_LEN;
}

void answer201_set_variables(struct st201 *st, const cJSON *p,
                             struct answer201 *a)
{
	const cJSON *d = data_array(p, "setVariableData", a), *item;
	cJSON *root, *res;

	if (!d)
		return;
	root = cJSON_CreateObject();
	res = cJSON_AddArrayToObject(root, "setVariableResult");
	cJSON_ArrayForEach(item, d)
	{
		const char *status = "Accepted";
		const struct var201 *v = lookup(item, &status);
		const cJSON *val =
		    cJSON_GetObjectItemCaseSensitive(item, "attributeValue");

		if (v && (!v->writable || !cJSON_IsString(val) ||
		          !value_ok(v, val->valuestring)))
			status = "Rejected";
		else if (v) {
			snprintf(st->vars[v->slot], ST201_VAR_LEN, "%s",
			         val->valuestring);
			a->fu = FU201_VARS;
		}
		cJSON_AddItemToArray(res, result_entry(item, status));
	}
	finish(root, a);
}

void answer201_get_base_report(struct st201 *st, const cJSON *p,
                               struct answer201 *a)
{
	const cJSON *rid = cJSON_GetObjectItemCaseSensitive(p, "requestId");
	const cJSON *base = cJSON_GetObjectItemCaseSensitive(p, "reportBase");

	(void)st;
	if (!cJSON_IsNumber(rid) || !cJSON_IsString(base)) {
		answer201_error(a, "OccurrenceConstraintViolation",
		                "requestId and reportBase are required");
		return;
	}
	answer201_status(a, "Accepted");
	a->fu = FU201_REPORT;
	a->request_id = rid->valueint;
	snprintf(a->what, sizeof a->what, "%s", base->valuestring);
}

int answer201_notify_report(const struct st201 *st, int request_id,
                            const char *base, const char *ts, char *out,
                            size_t n)
{
	static const char *const types[] = {"integer", "boolean", "string"};
	int config_only = !strcmp(base, "ConfigurationInventory");
	cJSON *root = cJSON_CreateObject(), *data;
	size_t i;
	int ok;

	cJSON_AddNumberToObject(root, "requestId", request_id);
	cJSON_AddStringToObject(root, "generatedAt", ts);
	cJSON_AddNumberToObject(root, "seqNo", 0);
	cJSON_AddBoolToObject(root, "tbc", 0);
	data = cJSON_AddArrayToObject(root, "reportData");
	for (i = 0; i < NVARS; i++) {
		cJSON *r, *attrs, *attr, *ch;

		if (config_only && !vars[i].writable)
			continue;
		r = cJSON_CreateObject();
		cJSON_AddObjectToObject(r, "component");
		cJSON_AddStringToObject(cJSON_GetObjectItem(r, "component"),
		                        "name", vars[i].component);
		cJSON_AddObjectToObject(r, "variable");
		cJSON_AddStringToObject(cJSON_GetObjectItem(r, "variable"),
		                        "name", vars[i].variable);
		attrs = cJSON_AddArrayToObject(r, "variableAttribute");
		attr = cJSON_CreateObject();
		cJSON_AddStringToObject(attr, "type", "Actual");
		cJSON_AddStringToObject(attr, "value", value_of(st, &vars[i]));
		cJSON_AddStringToObject(attr, "mutability",
		                        vars[i].writable ? "ReadWrite"
		                                         : "ReadOnly");
		cJSON_AddItemToArray(attrs, attr);
		ch = cJSON_AddObjectToObject(r, "variableCharacteristics");
		cJSON_AddStringToObject(ch, "dataType", types[vars[i].type]);
		cJSON_AddBoolToObject(ch, "supportsMonitoring", 0);
		cJSON_AddItemToArray(data, r);
	}
	ok = cJSON_PrintPreallocated(root, out, (int)n, 0);
	cJSON_Delete(root);
	return ok ? (int)strlen(out) : -1;
}
