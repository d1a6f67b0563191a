-- 033_ocpp201_reservations.sql — a 2.0.1 station tells when a reservation
-- it held ends on its own (ReservationStatusUpdate): Expired is the
-- existing 'expired'; Removed (the station dropped it, e.g. its EVSE went
-- out of service) is the new 'removed' (ocppd/reservations.c,
-- docs/reservations.md).  Every statement can run again.
ALTER TABLE reservations
  MODIFY status ENUM('requested','active','refused','failed','replaced',
                     'cancelled','used','expired','removed')
         NOT NULL DEFAULT 'requested';
