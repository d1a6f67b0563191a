/*
 * reservations.h — the reservations table (sql/015_reservations.sql,
 * docs/reservations.md): ocppd records each ReserveNow it sends, the
 * charge point's answer, and how the reservation ends.
 *
 * All three writers run on database workers inside a batch transaction:
 * the command history's job (cmdlog.c) records ReserveNow and
 * CancelReservation with their command row, StartTransaction consumes a
 * reservation with its session, and a periodic job expires the ones past
 * their expiry date.  Nothing here runs on the event loop but the tick.
 */
#ifndef OCPPD_RESERVATIONS_H
#define OCPPD_RESERVATIONS_H

#include <stdint.h>

#include "cmd_record.h"
#include "db.h"

#define RESERVATIONS_TICK_MS 10000

/* For a ReserveNow or CancelReservation command row (pending or its
 * outcome): the reservation it makes or ends.  Other actions: nothing.
 * 0, or -1 on a database error. */
int reservations_command(struct db *db, const struct cmd_record *r);

/*
 * A StartTransaction that began session tx_id: the reservation it names
 * (reservationId), or else the charge point's live reservation for this
 * id tag on this connector or on connector 0, is used.  0 or -1.
 */
int reservations_consume(struct db *db, const char *cp_id, int connector,
                         int has_reservation, long long reservation_id,
                         const char *id_tag, long long tx_id, int64_t now_ms);

/* A 2.0.1 station's ReservationStatusUpdate: its live reservation
 * reservation_id ended, expired (Expired) or removed by the station
 * (Removed).  0 or -1. */
int reservations_station_update(struct db *db, const char *cp_id,
                                long long reservation_id, int expired,
                                int64_t now_ms);

/* Event loop: every RESERVATIONS_TICK_MS, queues the expiry of live
 * reservations past their expiry date. */
void reservations_tick(int64_t now_ms);

#endif
