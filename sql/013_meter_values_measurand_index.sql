-- 013_meter_values_measurand_index.sql — the latest value of one measurand
-- of a session in one index lookup.
--
-- The dashboard shows, for every running session, its newest energy,
-- power and SoC sample (the overview and the charge point page, in one
-- query each: cgi-bin/txquery.h TXQ_SQL_LATEST).  On idx_mv_tx
-- (transaction_id, ts) that is a backward walk over all of the session's
-- values until one of the measurand turns up, and a session whose car
-- never reports a SoC walks all of them, on every refresh.  With
-- (transaction_id, measurand, phase, ts) it is one dive.
--
-- The new index replaces idx_mv_tx rather than joining it: its first
-- column still serves "the values of one session" (the API, the
-- transaction page), and MeterValues inserts, half of all OCPP traffic,
-- keep writing one secondary index, not two (sql/005).
--
-- Both statements can run again after a partial failure; on a large
-- meter_values table the ADD INDEX is an online (in-place) build.
ALTER TABLE meter_values
  ADD INDEX IF NOT EXISTS idx_mv_tx_measurand (transaction_id, measurand, phase, ts);

ALTER TABLE meter_values DROP INDEX IF EXISTS idx_mv_tx;
