-- 025_security_events.sql — what charge points report under the OCPP 1.6
-- Security Whitepaper (edition 3): SecurityEventNotification as a log,
-- and the latest LogStatusNotification and SignedFirmwareStatusNotification
-- per charge point (ocppd/handle_security_*.c, docs/security-events.md).
-- Every statement can run again after a partial failure.
--
-- ts is the charge point's time of the event, received_at ocppd's; critical
-- is the whitepaper's own mark for the type (ocppd/security_events.c).
-- Kept security_event_retention_days (365), expired a slice at a time.
CREATE TABLE IF NOT EXISTS security_events (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  cp_id        VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  type         VARCHAR(50) NOT NULL,
  ts           DATETIME(3) NOT NULL,
  tech_info    VARCHAR(255) NULL,
  critical     TINYINT(1) NOT NULL,
  received_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_secev_cp (cp_id, id),
  KEY idx_secev_critical (critical, id),
  KEY idx_secev_received (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS log_status VARCHAR(30) NULL,
  ADD COLUMN IF NOT EXISTS log_request_id INT NULL,
  ADD COLUMN IF NOT EXISTS log_ts DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS signed_fw_status VARCHAR(30) NULL,
  ADD COLUMN IF NOT EXISTS signed_fw_request_id INT NULL,
  ADD COLUMN IF NOT EXISTS signed_fw_ts DATETIME(3) NULL;
