-- 005_meter_values_index.sql — meter_values keeps only the index its
-- readers use (transaction_id, ts: a session's values in the API, the
-- latest reading of an open session on the dashboard).  Every sampled
-- value is one row, half of all OCPP traffic is MeterValues, and a second
-- secondary index that no query reads cost each of those inserts a B-tree
-- write.

ALTER TABLE meter_values DROP INDEX idx_mv_cp;
