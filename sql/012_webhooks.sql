-- 012_webhooks.sql — webhooks: subscriptions, the transactional outbox of
-- events and one delivery row per (subscription, event)
-- (docs/notifications.md).  Every statement can run again after a
-- partial failure.
--
-- webhooks: where events go.  secret signs each body (HMAC-SHA256); it
-- is needed in clear to sign, so it is stored as given and never shown by
-- the API or the dashboard.  events: "*" or a comma-separated list of
-- event types.
CREATE TABLE IF NOT EXISTS webhooks (
  id          INT NOT NULL AUTO_INCREMENT,
  url         VARCHAR(2000) NOT NULL,
  secret      VARCHAR(128) NOT NULL,
  events      VARCHAR(500) NOT NULL DEFAULT '*',
  enabled     TINYINT(1) NOT NULL DEFAULT 1,
  description VARCHAR(200) NULL,
  created_at  DATETIME(3) NOT NULL,
  updated_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The outbox: one row per event, written by ocppd in the same transaction
-- as the state change that caused it.  data is the event's JSON object.
-- dedupe_key makes an event that several nodes may find (offline for N
-- minutes) exist once.  fanned_out: delivery rows were made for the
-- subscriptions of that moment.
CREATE TABLE IF NOT EXISTS webhook_events (
  id          BIGINT NOT NULL AUTO_INCREMENT,
  type        VARCHAR(40) NOT NULL,
  cp_id       VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  data        TEXT NOT NULL,
  created_at  DATETIME(3) NOT NULL,
  dedupe_key  VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  fanned_out  TINYINT(1) NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_webhook_event_dedupe (dedupe_key),
  KEY idx_webhook_events_fanout (fanned_out, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One event for one subscription: pending until a 2xx answer is recorded
-- (delivered) or max attempts are spent (failed).  A sender claims a row
-- for a lease (claimed_by, claimed_until) so one node at a time sends it.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
  id               BIGINT NOT NULL AUTO_INCREMENT,
  webhook_id       INT NOT NULL,
  event_id         BIGINT NOT NULL,
  status           ENUM('pending','delivered','failed') NOT NULL DEFAULT 'pending',
  attempts         INT NOT NULL DEFAULT 0,
  next_attempt_at  DATETIME(3) NOT NULL,
  last_attempt_at  DATETIME(3) NULL,
  last_http_status INT NULL,
  last_error       VARCHAR(255) NULL,
  delivered_at     DATETIME(3) NULL,
  claimed_by       VARCHAR(120) NULL,
  claimed_until    DATETIME(3) NULL,
  created_at       DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_webhook_delivery (webhook_id, event_id),
  KEY idx_webhook_deliveries_due (status, next_attempt_at),
  KEY idx_webhook_deliveries_claim (claimed_by),
  KEY idx_webhook_deliveries_event (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- disconnected_at: when the link whose epoch is connected_since closed.
-- offline_notified: the connected_since of the link whose end was
-- announced (cp.offline); the next connect after it is cp.online.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS disconnected_at DATETIME(3) NULL;
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS offline_notified DATETIME(3) NULL;
