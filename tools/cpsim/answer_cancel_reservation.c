/*
 * answer_cancel_reservation.c — CancelReservation (OCPP 1.6 §5.1): a
 * reservation the charge point holds ends (its connector Available again,
 * which the session reports), an unknown reservationId is Rejected.
 */
#include <cjson/cJSON.h>

#include "answer_int.h"

void answer_cancel_reservation(struct cpstate *st, const cJSON *p,
                               struct answer *a)
{
	int id = 0, k;

	if (answer_int_field(p, "reservationId", 1, &id, a) < 0)
		return;
	k = cpstate_reservation_find(st, id);
	if (k < 0) {
		answer_set_status(a, "Rejected");
		return;
	}
	cpstate_reservation_end(st, k);
	answer_set_status(a, "Accepted");
	a->fu = FU_STATUS;
	a->connector = k;
}
