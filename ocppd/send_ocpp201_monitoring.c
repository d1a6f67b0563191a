/*
 * send_ocpp201_monitoring.c — 2.0.1's monitoring commands (functional
 * block N): SetVariableMonitoring, ClearVariableMonitoring,
 * SetMonitoringBase, SetMonitoringLevel and GetMonitoringReport (its
 * monitors come back in NotifyMonitoringReport).  What the monitors then
 * report arrives in NotifyEvent (handle201_notify_event.c).  The payloads
 * are 2.0.1's as they are, validated against its schemas by calls.c.
 */
#include <stdio.h>
#include <string.h>

#include "jsonutil.h"
#include "send.h"

/* "asked=n answered=m not_Accepted=k" of a result list whose entries
 * carry a status. */
static void audit_results(const cJSON *req, const cJSON *conf, char *out,
                          size_t len, const char *reqkey, const char *reskey)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(conf, reskey);
	int refused = 0;
	const cJSON *r;
	cJSON_ArrayForEach(r, res)
	{
		if (strcmp(json_str(r, "status", ""), "Accepted"))
			refused++;
	}
	snprintf(
	    out, len, "asked=%d answered=%d not_Accepted=%d",
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(req, reqkey)),
	    cJSON_GetArraySize(res), refused);
}

static void audit_set_monitoring(const cJSON *req, const cJSON *conf, char *out,
                                 size_t len)
{
	audit_results(req, conf, out, len, "setMonitoringData",
	              "setMonitoringResult");
}

static void audit_clear_monitoring(const cJSON *req, const cJSON *conf,
                                   char *out, size_t len)
{
	audit_results(req, conf, out, len, "id", "clearMonitoringResult");
}

static void audit_base(const cJSON *req, const cJSON *conf, char *out,
                       size_t len)
{
	snprintf(out, len, "monitoringBase=%s status=%s",
	         json_str(req, "monitoringBase", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_level(const cJSON *req, const cJSON *conf, char *out,
                        size_t len)
{
	snprintf(out, len, "severity=%lld status=%s",
	         json_int(req, "severity", -1), json_str(conf, "status", "-"));
}

static void audit_report(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "requestId=%lld status=%s",
	         json_int(req, "requestId", 0), json_str(conf, "status", "-"));
}

/* 2.0.1's severities are 0 (danger) to 9 (debug); the schema says only
 * integer. */
static int build_level(const cJSON *params, cJSON **payload, char *why,
                       size_t whylen)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(params, "severity");
	if (cJSON_IsNumber(s) && (s->valuedouble < 0 || s->valuedouble > 9)) {
		snprintf(why, whylen, "severity: 0 (danger) to 9 (debug)");
		return -1;
	}
	*payload = cJSON_Duplicate(params, 1);
	return *payload ? 0 : -1;
}

const struct send_op send201_set_variable_monitoring = {
    "SetVariableMonitoring", 0, NULL, audit_set_monitoring};
const struct send_op send201_clear_variable_monitoring = {
    "ClearVariableMonitoring", 0, NULL, audit_clear_monitoring};
const struct send_op send201_set_monitoring_base = {"SetMonitoringBase", 0,
                                                    NULL, audit_base};
const struct send_op send201_set_monitoring_level = {"SetMonitoringLevel", 0,
                                                     build_level, audit_level};
const struct send_op send201_get_monitoring_report = {"GetMonitoringReport", 0,
                                                      NULL, audit_report};
