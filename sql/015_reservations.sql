-- 015_reservations.sql — reservations (OCPP 1.6 Reservation profile) as
-- rows ocppd keeps: what was asked (ReserveNow), what the charge point
-- answered, and how each ended (used by a StartTransaction, cancelled,
-- expired).  docs/reservations.md.  Every statement can run again after a
-- partial failure.
--
-- reservation_id is the OCPP reservationId, which the charge point holds
-- and names back in StartTransaction; it is unique among a charge point's
-- live reservations, not forever (a ReserveNow with the id of a live one
-- replaces it, as OCPP says), so history rows get their own key.
--
-- status: requested (sent, no answer yet), active (Accepted), refused
-- (Faulted, Occupied, Rejected, Unavailable: answer holds which), failed
-- (no answer: offline, timeout, CALLERROR), replaced (a newer ReserveNow
-- with the same id), cancelled (CancelReservation Accepted), used (a
-- StartTransaction consumed it), expired (expiry_date passed).
CREATE TABLE IF NOT EXISTS reservations (
  id              BIGINT NOT NULL AUTO_INCREMENT,
  cp_id           VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  reservation_id  INT NOT NULL,
  connector_id    INT NOT NULL,
  id_tag          VARCHAR(20) NOT NULL,
  parent_id_tag   VARCHAR(20) NULL,
  expiry_date     DATETIME(3) NOT NULL,
  status          ENUM('requested','active','refused','failed','replaced',
                       'cancelled','used','expired') NOT NULL DEFAULT 'requested',
  answer          VARCHAR(20) NULL,
  command_uid     VARCHAR(36) NULL,
  transaction_id  INT NULL,
  requested_by    VARCHAR(100) NULL,
  created_at      DATETIME(3) NOT NULL,
  updated_at      DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_res_cp (cp_id, reservation_id),
  KEY idx_res_status (status, expiry_date),
  KEY idx_res_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
