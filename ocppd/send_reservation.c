/*
 * send_reservation.c — the Reservation profile: ReserveNow (hold a
 * connector for an id tag until an expiry date) and CancelReservation.
 */
#include <stdio.h>

#include "jsonutil.h"
#include "send.h"

static void audit_reserve(const cJSON *req, const cJSON *conf, char *out,
                          size_t len)
{
	snprintf(out, len, "reservation=%lld connector=%lld idTag=%s status=%s",
	         json_int(req, "reservationId", 0),
	         json_int(req, "connectorId", 0), json_str(req, "idTag", "-"),
	         json_str(conf, "status", "-"));
}

static void audit_cancel(const cJSON *req, const cJSON *conf, char *out,
                         size_t len)
{
	snprintf(out, len, "reservation=%lld status=%s",
	         json_int(req, "reservationId", 0),
	         json_str(conf, "status", "-"));
}

const struct send_op send_reserve_now = {"ReserveNow", 0, NULL, audit_reserve};
const struct send_op send_cancel_reservation = {"CancelReservation", 0, NULL,
                                                audit_cancel};
