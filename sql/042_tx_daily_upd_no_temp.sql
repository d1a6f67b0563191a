-- 042_tx_daily_upd_no_temp.sql — tx_daily's UPDATE trigger without a
-- derived table.
--
-- sql/035 wrote the trigger as an INSERT ... SELECT from a UNION ALL of
-- the old and the new row's deltas.  MariaDB materialises that union in
-- a temporary table each time the trigger fires, whether or not its
-- WHERE lets a row through: measured on 10.11, an UPDATE of a
-- transaction cost 116 µs with it when nothing counted changed and
-- 370 µs when the stop was written, against 10 µs without a trigger —
-- the largest single cost of a StopTransaction, and of every 2.0.1
-- TransactionEvent (each updates its session's bookkeeping).
--
-- Now two triggers read no table at all (FROM DUAL with a WHERE): the
-- first adds the change at the session's (new) day — one row, the net
-- delta, when the day stays, which is every update but a late 2.0.1
-- Started that moves start_ts to another day — and the second takes the
-- old values out of the old day when the day moved.  When start_ts,
-- stop_ts, meter_start and meter_stop are as they were, neither writes
-- (035's point: no row lock or undo record on tx_daily for updates that
-- count nothing).  Each costs 25-35 µs an update like sql/009's
-- two-row VALUES form, which wrote both rows every time.
CREATE OR REPLACE TRIGGER tx_daily_upd AFTER UPDATE ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  SELECT DATE(NEW.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8),
         1 - (DATE(OLD.start_ts) <=> DATE(NEW.start_ts)),
         (NEW.stop_ts IS NULL)
           - (DATE(OLD.start_ts) <=> DATE(NEW.start_ts)) * (OLD.stop_ts IS NULL),
         IF(NEW.meter_stop IS NULL, 0, GREATEST(NEW.meter_stop - NEW.meter_start, 0))
           - (DATE(OLD.start_ts) <=> DATE(NEW.start_ts))
             * IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0))
  FROM DUAL
  WHERE NOT (OLD.start_ts <=> NEW.start_ts AND OLD.stop_ts <=> NEW.stop_ts
             AND OLD.meter_start <=> NEW.meter_start AND OLD.meter_stop <=> NEW.meter_stop)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);

CREATE OR REPLACE TRIGGER tx_daily_upd_moved AFTER UPDATE ON transactions FOR EACH ROW
  FOLLOWS tx_daily_upd
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  SELECT DATE(OLD.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8), -1,
         -(OLD.stop_ts IS NULL),
         -IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0))
  FROM DUAL
  WHERE NOT DATE(OLD.start_ts) <=> DATE(NEW.start_ts)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);
