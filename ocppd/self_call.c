/*
 * self_call.c — see self_call.h.
 */
#include "self_call.h"

#include <stdio.h>

int self_call(const struct csms_config *cfg, struct ctl_client *cc,
              const char *op, const char *cp, cJSON *params, const char *who,
              char *out, size_t len)
{
	cJSON *answer = NULL;
	char err[256];
	int rc =
	    ctl_request(cc, op, cp, params, who, ctl_default_timeout_ms(cfg),
	                &answer, err, sizeof err);
	cJSON_Delete(params);
	if (rc) {
		snprintf(out, len, "no answer from ocppd: %s", err);
		return -1;
	}
	int ok = ctl_answer_ok(answer);
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(
	    ctl_answer_result(answer), "status");
	snprintf(out, len, "%s",
	         !ok                  ? ctl_answer_code(answer)
	         : cJSON_IsString(st) ? st->valuestring
	                              : "ok");
	cJSON_Delete(answer);
	return ok ? 0 : -1;
}
