/*
 * answer_send_local_list.c — SendLocalList (OCPP 1.6 §5.15): a Full or
 * Differential update of the local authorization list, by the rules of
 * local_auth_list.h.  NotSupported while LocalAuthListEnabled is false.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "answer_int.h"

/* The entries of localAuthorizationList; -1 with the CALLERROR set. */
static int entries(const cJSON *list, struct local_auth_update *u, int max,
                   struct answer *a)
{
	const cJSON *e;
	int n = 0;

	cJSON_ArrayForEach(e, list)
	{
		const cJSON *info;

		if (n >= max)
			return n + 1; /* more than the list can hold */
		if (!cJSON_IsObject(e)) {
			answer_set_error(a, "TypeConstraintViolation",
			                 "localAuthorizationList");
			return -1;
		}
		memset(&u[n], 0, sizeof u[n]);
		if (!(u[n].id_tag = answer_str_field(e, "idTag", 1, 20, a)))
			return -1;
		info = cJSON_GetObjectItemCaseSensitive(e, "idTagInfo");
		if (info) {
			if (!cJSON_IsObject(info)) {
				answer_set_error(a, "TypeConstraintViolation",
				                 "idTagInfo");
				return -1;
			}
			u[n].info = 1;
			if (!(u[n].status =
			          answer_str_field(info, "status", 1, 13, a)))
				return -1;
			u[n].parent =
			    answer_str_field(info, "parentIdTag", 0, 20, a);
			if (a->error)
				return -1;
		}
		n++;
	}
	return n;
}

void answer_send_local_list(struct cpstate *st, const cJSON *p,
                            struct answer *a)
{
	const char *type;
	const cJSON *list;
	struct local_auth_update *u;
	int version = 0, full, n, max;

	if (answer_int_field(p, "listVersion", 1, &version, a) < 0 ||
	    !(type = answer_str_field(p, "updateType", 1, 0, a)))
		return;
	if (strcmp(type, "Full") && strcmp(type, "Differential")) {
		answer_set_error(a, "PropertyConstraintViolation",
		                 "updateType");
		return;
	}
	full = !strcmp(type, "Full");
	list = cJSON_GetObjectItemCaseSensitive(p, "localAuthorizationList");
	if (list && !cJSON_IsArray(list)) {
		answer_set_error(a, "TypeConstraintViolation",
		                 "localAuthorizationList");
		return;
	}
	if (strcmp(cpconfig_get(&st->cfg, "LocalAuthListEnabled"), "true")) {
		answer_set_status(a, "NotSupported");
		return;
	}
	/* SendLocalListMaxLength: more entries in one message fail. */
	max = cpconfig_get_int(&st->cfg, "SendLocalListMaxLength",
	                       LOCAL_LIST_CAP);
	if (max > LOCAL_LIST_CAP)
		max = LOCAL_LIST_CAP;
	u = calloc((size_t)max + 1, sizeof *u);
	if (!u) {
		answer_set_error(a, "InternalError", "out of memory");
		return;
	}
	n = entries(list, u, max, a);
	if (n >= 0)
		answer_set_status(
		    a, n > max ? "Failed"
		               : local_list_result_name(local_auth_list_apply(
		                     &st->list, version, full, u, n)));
	free(u);
}
