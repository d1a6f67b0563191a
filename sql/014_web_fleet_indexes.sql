-- 014_web_fleet_indexes.sql — what the dashboard and the API read at
-- fleet size (100,000 charge points; docs/benchmarks-web.md).  Both
-- statements can run again after a partial failure; on a large table each
-- ADD INDEX is an online (in-place) build.
--
-- idx_conn_status (status, cp_id): the overview's connector status filter
-- ("the charge points with a Faulted connector", in id order, a page at a
-- time) is a range of this index instead of a probe of every charge
-- point's connectors, and the connector counters of the overview, /stats
-- and /metrics (cgi-bin/counters.c) count by status from it alone.  A
-- StatusNotification that changes a status moves one entry.
ALTER TABLE connectors
  ADD INDEX IF NOT EXISTS idx_conn_status (status, cp_id);

-- idx_cp_connected_kwh (connected, id, total_kwh): the charge point
-- counters (how many, how many connected, the energy of all) read this
-- small index alone instead of every charge point's row; its connected =
-- 0 or 1 range lists those charge points in id order, for the counters'
-- join to their connectors and for the overview's online filter, whose
-- deep pages walk it instead of the rows.  It replaces idx_cp_connected,
-- its first column, so a connect or a disconnect still moves one entry; a
-- StopTransaction's total_kwh now moves one too.
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_connected_kwh (connected, id, total_kwh);

ALTER TABLE charge_points DROP INDEX IF EXISTS idx_cp_connected;
