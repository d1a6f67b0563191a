-- 032_fleet_cps_by_status.sql — the fleet snapshot (sql/017) also counts,
-- per connector status, the charge points with a connector in it: the
-- overview's status filter shows that count, and counting it on a request
-- read one index entry per connector in the status (85 ms for 40,000
-- Faulted on a fleet of 100,000).  NULL in a snapshot of an older ocppd.
-- Every statement can run again after a partial failure.
ALTER TABLE fleet_counters ADD COLUMN IF NOT EXISTS cps_by_status VARCHAR(250) NULL;
