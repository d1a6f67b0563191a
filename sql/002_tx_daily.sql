-- 002_tx_daily.sql — per-day counts and energy of transactions, kept exact
-- by triggers inside the writer's own transaction, so the dashboard and the
-- API count and page through a million transactions without scanning them.
--
-- Rows are sharded by the writing connection (CONNECTION_ID() % 8): ocppd's
-- database workers each have their own connection, so concurrent batches
-- never wait on one another's summary row.  Readers sum over the shards;
-- which shard holds a +1 or a -1 does not matter.  Energy is
-- GREATEST(meter_stop - meter_start, 0) of finished transactions (a meter
-- that went backwards adds nothing).

CREATE TABLE tx_daily (
  day      DATE NOT NULL,
  shard    TINYINT UNSIGNED NOT NULL,
  n        INT NOT NULL DEFAULT 0,
  n_active INT NOT NULL DEFAULT 0,
  wh       BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, shard)
) ENGINE=InnoDB;

CREATE TRIGGER tx_daily_ins AFTER INSERT ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  VALUES (DATE(NEW.start_ts), CONNECTION_ID() % 8, 1, NEW.stop_ts IS NULL,
          IF(NEW.meter_stop IS NULL, 0, GREATEST(NEW.meter_stop - NEW.meter_start, 0)))
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

CREATE TRIGGER tx_daily_upd AFTER UPDATE ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  VALUES (DATE(OLD.start_ts), CONNECTION_ID() % 8, -1, -(OLD.stop_ts IS NULL),
          -IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0))),
         (DATE(NEW.start_ts), CONNECTION_ID() % 8, 1, NEW.stop_ts IS NULL,
          IF(NEW.meter_stop IS NULL, 0, GREATEST(NEW.meter_stop - NEW.meter_start, 0)))
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

CREATE TRIGGER tx_daily_del AFTER DELETE ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  VALUES (DATE(OLD.start_ts), CONNECTION_ID() % 8, -1, -(OLD.stop_ts IS NULL),
          -IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0)))
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

INSERT INTO tx_daily (day, shard, n, n_active, wh)
  SELECT DATE(start_ts), 0, COUNT(*), SUM(stop_ts IS NULL),
         SUM(IF(meter_stop IS NULL, 0, GREATEST(meter_stop - meter_start, 0)))
  FROM transactions GROUP BY DATE(start_ts);
