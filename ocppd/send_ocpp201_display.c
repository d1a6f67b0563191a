/*
 * send_ocpp201_display.c — 2.0.1's display messages (functional block
 * O): SetDisplayMessage, GetDisplayMessages (the messages come back in
 * NotifyDisplayMessages) and ClearDisplayMessage, the payloads 2.0.1's
 * as they are.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_set(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(req, "message");
	snprintf(out, len, "id=%lld priority=%s status=%s",
	         json_int(m, "id", 0), json_str(m, "priority", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_get(const cJSON *req, const cJSON *conf, char *out,
                      size_t len)
{
	snprintf(out, len, "requestId=%lld status=%s",
	         json_int(req, "requestId", 0), json_str(conf, "status", "-"));
}

static void audit_clear(const cJSON *req, const cJSON *conf, char *out,
                        size_t len)
{
	snprintf(out, len, "id=%lld status=%s", json_int(req, "id", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send201_set_display_message = {"SetDisplayMessage", 0,
                                                    NULL, audit_set};
const struct send_op send201_get_display_messages = {"GetDisplayMessages", 0,
                                                     NULL, audit_get};
const struct send_op send201_clear_display_message = {"ClearDisplayMessage", 0,
                                                      NULL, audit_clear};
