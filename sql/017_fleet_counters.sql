-- 017_fleet_counters.sql — the network's headline counters (lib/counters.h)
-- as a snapshot ocppd writes every fleet_counters_interval seconds, so
-- the overview, /stats and /metrics read one row instead of counting an
-- index entry per charge point and connector on every request.  Every
-- statement can run again after a partial failure.
CREATE TABLE IF NOT EXISTS fleet_counters (
  id                  TINYINT NOT NULL,
  cps                 BIGINT NOT NULL,
  cps_connected       BIGINT NOT NULL,
  total_kwh           DECIMAL(20,3) NOT NULL,
  connectors          BIGINT NOT NULL,
  connectors_offline  BIGINT NOT NULL,
  by_status           VARCHAR(250) NOT NULL,
  sessions            BIGINT NOT NULL,
  taken_at            DATETIME(3) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
