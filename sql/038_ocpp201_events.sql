-- 038_ocpp201_events.sql — what OCPP 2.0.1 stations report with
-- NotifyEvent (functional block N: a monitor tripped, a hard-wired
-- notification, a problem cleared): one row per eventData entry
-- (ocppd/handle201_notify_event.c, docs/ocpp201.md).  ts is the station's
-- time of the event, received_at ocppd's.  Kept as long as the security
-- events (security_event_retention_days), expired a slice at a time.
-- Every statement can run again.
CREATE TABLE IF NOT EXISTS cp_events (
  id                   BIGINT NOT NULL AUTO_INCREMENT,
  cp_id                VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  event_id             INT NOT NULL,
  ts                   DATETIME(3) NOT NULL,
  event_trigger        VARCHAR(20) NOT NULL,
  cause                INT NULL,
  component            VARCHAR(50) NOT NULL,
  component_instance   VARCHAR(50) NOT NULL DEFAULT '',
  evse_id              INT NULL,
  connector_id         INT NULL,
  variable             VARCHAR(50) NOT NULL,
  variable_instance    VARCHAR(50) NOT NULL DEFAULT '',
  actual_value         VARCHAR(2500) NOT NULL,
  tech_code            VARCHAR(50) NULL,
  tech_info            VARCHAR(500) NULL,
  cleared              TINYINT(1) NOT NULL DEFAULT 0,
  transaction_id       VARCHAR(36) NULL,
  monitor_id           INT NULL,
  notification_type    VARCHAR(30) NOT NULL,
  received_at          DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_cpev_cp (cp_id, id),
  KEY idx_cpev_received (received_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
