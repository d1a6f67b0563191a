-- 041_cp_text_retired.sql — the overview's text filter leaves retired
-- charge points out (cp.retired = 0 once any is retired), and
-- idx_cp_text (sql/030) held vendor, model and firmware but not retired:
-- every charge point its count or its scan passed was read from the row
-- to check it (the count of q=Wallbox's 33,333 charge points through
-- their vendor's ranges: 33,333 primary key reads).  With retired in the
-- index the scan and each (vendor, model, firmware) range are read from
-- the index alone, and the range includes retired as its last part.
-- The distinct triples are still a loose scan of the index's first three
-- columns.  Only a BootNotification that changes vendor, model or
-- firmware, and a retirement, write it.  Every statement can run again
-- after a partial failure.
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_text_retired (vendor, model, firmware_version, retired);
ALTER TABLE charge_points DROP INDEX IF EXISTS idx_cp_text;
