-- 026_web_users.sql — web accounts with roles, and the audit trail
-- (docs/security.md, "Accounts and roles").  Every statement can run
-- again after a partial failure.
--
-- web_users: the role of a user the web server authenticated
-- (REMOTE_USER); a user without a row gets web_default_role.  The web
-- tier reads it, ocppd writes it (account_set, account_delete).
CREATE TABLE IF NOT EXISTS web_users (
  user        VARCHAR(100) NOT NULL,
  role        ENUM('viewer','operator','admin') NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_by  VARCHAR(100) NOT NULL DEFAULT '',
  PRIMARY KEY (user)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- audit: who changed what and when, one row per change ocppd made for a
-- control request (the web tier's requested_by).  kind groups the ops
-- (tag, tariff, site, approval, command, account, ...); subject is what
-- was changed (an id tag, a charge point, a tariff id); detail is the
-- request's parameters with secrets removed.
CREATE TABLE IF NOT EXISTS audit (
  id        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at        DATETIME(3) NOT NULL,
  who       VARCHAR(100) NOT NULL,
  kind      VARCHAR(20) NOT NULL,
  op        VARCHAR(40) NOT NULL,
  subject   VARCHAR(200) NOT NULL DEFAULT '',
  detail    TEXT NULL,
  PRIMARY KEY (id),
  KEY audit_at (at),
  KEY audit_who (who, id),
  KEY audit_kind (kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- tx_daily also sums the stored costs (sql/024's tx_costs) per day of the
-- session's start, so that /stats, /metrics and the transaction list's
-- totals count what sessions cost, not their energy at price_per_kwh:
-- cost_cents is the gross in cents (minor_digits scaled to 2), cost_wh
-- the energy of the sessions that have a stored cost (the rest is priced
-- at price_per_kwh by the web tier: stopped before tariffs existed).
ALTER TABLE tx_daily
  ADD COLUMN IF NOT EXISTS cost_cents BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS cost_wh BIGINT NOT NULL DEFAULT 0;

CREATE OR REPLACE TRIGGER tx_daily_cost_ins AFTER INSERT ON tx_costs FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh, cost_cents, cost_wh)
  SELECT DATE(t.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), 0, 0, 0,
         CAST(CASE WHEN NEW.minor_digits >= 2
                   THEN ROUND(NEW.gross_minor / POW(10, NEW.minor_digits - 2))
                   ELSE NEW.gross_minor * POW(10, 2 - NEW.minor_digits) END AS SIGNED),
         NEW.energy_wh
  FROM transactions t WHERE t.id = NEW.tx_id
  ON DUPLICATE KEY UPDATE cost_cents = cost_cents + VALUES(cost_cents),
                          cost_wh = cost_wh + VALUES(cost_wh);

CREATE OR REPLACE TRIGGER tx_daily_cost_upd AFTER UPDATE ON tx_costs FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh, cost_cents, cost_wh)
  SELECT DATE(t.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), 0, 0, 0,
         CAST(CASE WHEN NEW.minor_digits >= 2
                   THEN ROUND(NEW.gross_minor / POW(10, NEW.minor_digits - 2))
                   ELSE NEW.gross_minor * POW(10, 2 - NEW.minor_digits) END AS SIGNED)
         - CAST(CASE WHEN OLD.minor_digits >= 2
                   THEN ROUND(OLD.gross_minor / POW(10, OLD.minor_digits - 2))
                   ELSE OLD.gross_minor * POW(10, 2 - OLD.minor_digits) END AS SIGNED),
         NEW.energy_wh - OLD.energy_wh
  FROM transactions t WHERE t.id = NEW.tx_id
  ON DUPLICATE KEY UPDATE cost_cents = cost_cents + VALUES(cost_cents),
                          cost_wh = cost_wh + VALUES(cost_wh);

CREATE OR REPLACE TRIGGER tx_daily_cost_del AFTER DELETE ON tx_costs FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh, cost_cents, cost_wh)
  SELECT DATE(t.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), 0, 0, 0,
         -CAST(CASE WHEN OLD.minor_digits >= 2
                    THEN ROUND(OLD.gross_minor / POW(10, OLD.minor_digits - 2))
                    ELSE OLD.gross_minor * POW(10, 2 - OLD.minor_digits) END AS SIGNED),
         -OLD.energy_wh
  FROM transactions t WHERE t.id = OLD.tx_id
  ON DUPLICATE KEY UPDATE cost_cents = cost_cents + VALUES(cost_cents),
                          cost_wh = cost_wh + VALUES(cost_wh);

-- The costs stored before: recounted whole (set, not added), so running
-- this again counts nothing twice.  Into each day's lowest shard; the
-- other shards' cost columns start at zero.
UPDATE tx_daily SET cost_cents = 0, cost_wh = 0;
INSERT INTO tx_daily (day, shard, n, n_active, wh, cost_cents, cost_wh)
  SELECT DATE(t.start_ts), 0, 0, 0, 0,
         SUM(CAST(CASE WHEN c.minor_digits >= 2
                       THEN ROUND(c.gross_minor / POW(10, c.minor_digits - 2))
                       ELSE c.gross_minor * POW(10, 2 - c.minor_digits) END AS SIGNED)),
         SUM(c.energy_wh)
  FROM tx_costs c JOIN transactions t ON t.id = c.tx_id
  GROUP BY DATE(t.start_ts)
  ON DUPLICATE KEY UPDATE cost_cents = VALUES(cost_cents), cost_wh = VALUES(cost_wh);
