-- 035_tx_daily_upd_changes.sql — tx_daily's UPDATE trigger writes only
-- when the update changes what tx_daily counts.
--
-- Most UPDATEs of a transaction leave its day, state and energy alone:
-- an OCPP 2.0.1 TransactionEvent Updated sets charging_state and seq_max
-- on every event, a StartTransaction's start_status, a reservation's
-- link.  The trigger of sql/009 still upserted tx_daily twice for each
-- (-1 then +1 on the same day): a row lock and an undo record per event,
-- and for 2.0.1 the largest write of an Updated event.  A trigger body is
-- one statement here (the migration runner and the mariadb client both
-- split at ';'), so the test is the SELECT's WHERE rather than an IF: when
-- start_ts, stop_ts, meter_start and meter_stop are as they were, the
-- SELECT yields no row and nothing is written.
CREATE OR REPLACE TRIGGER tx_daily_upd AFTER UPDATE ON transactions FOR EACH ROW
  INSERT INTO tx_daily (day, shard, n, n_active, wh)
  SELECT d.d_day, d.d_shard, d.d_n, d.d_active, d.d_wh
  FROM (SELECT DATE(OLD.start_ts) AS d_day, COALESCE(@csms_shard, CONNECTION_ID() % 8) AS d_shard,
               -1 AS d_n, -(OLD.stop_ts IS NULL) AS d_active,
               -IF(OLD.meter_stop IS NULL, 0, GREATEST(OLD.meter_stop - OLD.meter_start, 0)) AS d_wh
        UNION ALL
        SELECT DATE(NEW.start_ts), COALESCE(@csms_shard, CONNECTION_ID() % 8),
               1, NEW.stop_ts IS NULL,
               IF(NEW.meter_stop IS NULL, 0, GREATEST(NEW.meter_stop - NEW.meter_start, 0))) d
  WHERE NOT (OLD.start_ts <=> NEW.start_ts AND OLD.stop_ts <=> NEW.stop_ts
             AND OLD.meter_start <=> NEW.meter_start AND OLD.meter_stop <=> NEW.meter_stop)
  ON DUPLICATE KEY UPDATE n = n + VALUES(n), n_active = n_active + VALUES(n_active),
                          wh = wh + VALUES(wh);
