/*
 * api-reservations.h — GET /reservations (filters cp_id, status, id_tag;
 * newest first, paged) and GET /reservations/{id}: the reservations ocppd
 * records (sql/015_reservations.sql, docs/reservations.md).  Making and
 * cancelling one are the commands ReserveNow and CancelReservation
 * (POST /cps/{cp_id}/commands/...).
 */
#ifndef CSMS_API_RESERVATIONS_H
#define CSMS_API_RESERVATIONS_H

#include "api-req.h"

void api_reservations_list(struct api_req *r);
void api_reservation_one(struct api_req *r);

#endif
