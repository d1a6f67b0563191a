-- 030_site_counters.sql — each site's totals (charge points, online,
-- connectors charging, energy of the sessions that started today and
-- finished) as a snapshot ocppd writes with the fleet counters, every
-- fleet_counters_interval seconds (ocppd/site_counters.c), so the Sites
-- pages and /sites read one row per site instead of counting the site's
-- charge points, connectors and today's sessions for every site of the
-- page on every request (seconds for a page of 100 sites on a fleet of
-- 100,000).  Every statement can run again after a partial failure.
CREATE TABLE IF NOT EXISTS site_counters (
  site_id          INT NOT NULL,
  cps              INT NOT NULL,
  online           INT NOT NULL,
  charging         INT NOT NULL,
  energy_today_wh  BIGINT NOT NULL,
  taken_at         DATETIME(3) NOT NULL,
  PRIMARY KEY (site_id),
  CONSTRAINT fk_site_counters_site FOREIGN KEY (site_id)
    REFERENCES sites (id) ON DELETE CASCADE
) ENGINE=InnoDB;

-- The per-site count reads this index alone (and so does the live count
-- when there is no snapshot); idx_cp_site is its prefix, so charge_points
-- keeps as many secondary indexes.
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_site_state (site_id, retired, connected);
ALTER TABLE charge_points DROP INDEX IF EXISTS idx_cp_site;

-- The overview's text filter (a substring of id, vendor, model or
-- firmware) is a scan; this index holds all four (the id as its key), so
-- the scan reads it instead of the rows: 0.18 s to 0.06 s on 100,000
-- charge points.  Only a BootNotification that changes them writes it.
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_text (vendor, model, firmware_version);
