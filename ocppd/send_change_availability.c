/*
 * send_change_availability.c — ChangeAvailability: a connector (0: the
 * whole charge point) Operative or Inoperative.  Scheduled means "after
 * the running transaction"; the new state arrives as StatusNotification.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit(const cJSON *req, const cJSON *conf, char *out, size_t len)
{
	snprintf(out, len, "connector=%lld type=%s status=%s",
	         json_int(req, "connectorId", 0), json_str(req, "type", "-"),
	         json_str(conf, "status", "-"));
}

const struct send_op send_change_availability = {"ChangeAvailability", 0, NULL,
                                                 audit};
