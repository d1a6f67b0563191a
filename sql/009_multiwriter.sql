-- 009_multiwriter.sql — several ocppd nodes writing one database (a
-- Galera cluster after a failover may take writes on two nodes at once;
-- docs/scale-out.md).  Every statement can run again after a partial
-- failure: ALTERs say IF NOT EXISTS or are the same change again, triggers
-- are CREATE OR REPLACE (which swaps a trigger under the table's metadata
-- lock, so a writer never runs between a DROP and a CREATE).
--
-- 1. tx_daily's shard.  002 sharded by CONNECTION_ID() % 8: unique among
-- one server's connections, but two Galera nodes hand out the same ids, so
-- after a failover two nodes' workers could update one (day, shard) row at
-- once — a certification conflict on every such pair.  ocppd now sets
-- @csms_shard on each worker connection, at every (re)connect, from a hash
-- of its node_id and the worker number (lib/nodetag.c: 8 + (24-bit hash
-- << 6 | worker), so never one of the 0..7 other writers use); any other
-- writer (an admin's SQL) still falls back to CONNECTION_ID() % 8.  The
-- column is widened to hold it.  Readers sum over shards, whatever their
-- number.
ALTER TABLE tx_daily MODIFY shard INT UNSIGNED NOT NULL;

CREATE OR REPLACE TRIGGER tx_daily_ins AFTER INSERT ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  VALUES (DATE(NEW.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), 1, NEW.stop_ts IS NULL,
          IF(NEW.meter_stop IS NULL, 0, GREATEST(NEW.meter_stop - NEW.meter_start, 0)))
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

CREATE OR REPLACE TRIGGER tx_daily_upd AFTER UPDATE ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  VALUES (DATE(OLD.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), -1, -(OLD.stop_ts IS NULL),
          -IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0))),
         (DATE(NEW.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), 1, NEW.stop_ts IS NULL,
          IF(NEW.meter_stop IS NULL, 0, GREATEST(NEW.meter_stop - NEW.meter_start, 0)))
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

CREATE OR REPLACE TRIGGER tx_daily_del AFTER DELETE ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  VALUES (DATE(OLD.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), -1, -(OLD.stop_ts IS NULL),
          -IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0)))
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

-- 2. Credential reloads read only what changed (ocppd/cp_auth.c).
-- sec_changed_at is the last time (UTC, the writer's clock) the row's
-- credentials — security_profile, auth_hash — or its existence changed:
-- set on INSERT and on an UPDATE that changes them, by these triggers, so
-- an admin's SQL is seen as well as ocppd's own cp_set_password /
-- cp_set_security.  Not ON UPDATE CURRENT_TIMESTAMP: every heartbeat
-- updates the row, and the reload would read every live charge point.
-- Rows from before this migration keep the old default; the full reload
-- at start reads them.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS sec_changed_at DATETIME(3) NOT NULL DEFAULT '2000-01-01 00:00:00';
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_sec_changed (sec_changed_at);

-- Deleted charge points, for the incremental reload: the id with the time
-- it went (a renamed one's new id is stamped above; its old id goes at
-- the next full reload, see cp_auth.c).  ocppd removes tombstones older
-- than a day.
CREATE TABLE IF NOT EXISTS cp_sec_gone (
  seq     BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  cp_id   VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  gone_at DATETIME(3) NOT NULL,
  PRIMARY KEY (seq),
  KEY idx_cp_sec_gone_at (gone_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE OR REPLACE TRIGGER cp_sec_ins BEFORE INSERT ON charge_points FOR EACH ROW
  SET NEW.sec_changed_at = UTC_TIMESTAMP(3);

CREATE OR REPLACE TRIGGER cp_sec_upd BEFORE UPDATE ON charge_points FOR EACH ROW
  SET NEW.sec_changed_at = IF(NEW.security_profile <=> OLD.security_profile
                              AND NEW.auth_hash <=> OLD.auth_hash AND NEW.id <=> OLD.id,
                              NEW.sec_changed_at, UTC_TIMESTAMP(3));

CREATE OR REPLACE TRIGGER cp_sec_del AFTER DELETE ON charge_points FOR EACH ROW
  INSERT INTO cp_sec_gone (cp_id, gone_at) VALUES (OLD.id, UTC_TIMESTAMP(3));
