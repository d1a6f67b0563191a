/*
 * handle201_reservation_status_update.c — 2.0.1 ReservationStatusUpdate:
 * a station ends a reservation it held without being asked (2.0.1 H03,
 * H04): Expired or Removed closes its live row (reservations.c).  A
 * reservation the table no longer holds live changes nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handlers201.h"
#include "jsonutil.h"
#include "reservations.h"

enum hres handle201_reservation_status_update(struct hctx *c, const cJSON *req,
                                              cJSON *conf)
{
	(void)conf;
	long long rid = json_int(req, "reservationId", 0);
	const char *st = json_str(req, "reservationUpdateStatus", "");
	if (rid < INT32_MIN || rid > INT32_MAX) {
		snprintf(c->err, sizeof c->err, "reservationId out of range");
		return H_BAD_VALUE;
	}
	if (reservations_station_update(c->db, c->cp_id, rid,
	                                !strcmp(st, "Expired"), c->now_ms))
		return hctx_db_error(c);
	hctx_audit(c, "reservation=%lld status=%s", rid, st);
	return H_OK;
}
