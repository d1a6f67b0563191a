/*
 * bulk_shape.c — see bulk_shape.h.
 */
#include "bulk_shape.h"

#include <string.h>

#include "handshake.h"
#include "jsonutil.h"

cJSON *bulk_shape(const char *action, const cJSON *params, int proto)
{
	if (proto < 0 || strcmp(action, "Reset") ||
	    cJSON_GetArraySize(params) != 1)
		return NULL;
	const char *type = json_str(params, "type", "");
	const char *to = NULL;
	if (proto == OCPP_P201 &&
	    (!strcmp(type, "Hard") || !strcmp(type, "Soft")))
		to = "Immediate";
	else if (proto == OCPP_P16 && !strcmp(type, "Immediate"))
		to = "Soft";
	if (!to)
		return NULL;
	cJSON *p = cJSON_CreateObject();
	if (p && !cJSON_AddStringToObject(p, "type", to)) {
		cJSON_Delete(p);
		p = NULL;
	}
	return p;
}
