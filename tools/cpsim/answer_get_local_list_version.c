/*
 * answer_get_local_list_version.c — GetLocalListVersion (OCPP 1.6 §5.10):
 * the version of the list the charge point holds, 0 with none (a fresh
 * start: cpsim keeps no list across runs), -1 while LocalAuthListEnabled
 * is false.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "answer_int.h"

void answer_get_local_list_version(struct cpstate *st, const cJSON *p,
                                   struct answer *a)
{
	int v = st->list.version;

	(void)p;
	if (strcmp(cpconfig_get(&st->cfg, "LocalAuthListEnabled"), "true"))
		v = -1;
	snprintf(a->payload, sizeof a->payload, "{\"listVersion\":%d}", v);
}
