/*
 * answer_update_firmware.c — UpdateFirmware and SignedUpdateFirmware:
 * with --files the charge point accepts and downloads the image over HTTP
 * afterwards, reporting each status (FU_FILE, file_jobs.c); without, they
 * are NotSupported.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "answer_int.h"

void answer_update_firmware(struct cpstate *st, const cJSON *p,
                            struct answer *a)
{
	if (!st->files) {
		answer_set_error(a, "NotSupported", "UpdateFirmware");
		return;
	}
	const char *loc = answer_str_field(p, "location", 1, 0, a);
	if (!loc || !answer_str_field(p, "retrieveDate", 1, 0, a))
		return;
	snprintf(a->payload, sizeof a->payload, "{}");
	if (strlen(loc) >= sizeof a->url)
		return;
	a->fu = FU_FILE;
	snprintf(a->what, sizeof a->what, "UpdateFirmware");
	snprintf(a->url, sizeof a->url, "%s", loc);
}

void answer_signed_update_firmware(struct cpstate *st, const cJSON *p,
                                   struct answer *a)
{
	if (!st->files) {
		answer_set_error(a, "NotSupported", "SignedUpdateFirmware");
		return;
	}
	int rid;
	if (answer_int_field(p, "requestId", 1, &rid, a) < 0)
		return;
	const cJSON *fw = cJSON_GetObjectItemCaseSensitive(p, "firmware");
	const char *loc = answer_str_field(fw, "location", 1, 512, a);
	if (!loc || !answer_str_field(fw, "signingCertificate", 1, 0, a) ||
	    !answer_str_field(fw, "signature", 1, 0, a))
		return;
	answer_set_status(a, "Accepted");
	a->fu = FU_FILE;
	a->request_id = rid;
	snprintf(a->what, sizeof a->what, "SignedUpdateFirmware");
	snprintf(a->url, sizeof a->url, "%s", loc);
}
