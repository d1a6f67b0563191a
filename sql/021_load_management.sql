-- 021_load_management.sql — site load management (ocppd/load_mgmt.h,
-- docs/load-management.md).  Every statement can run again after a
-- partial failure.
--
-- A site with load_management on and a grid limit (sites.grid_limit_a,
-- amps per phase) shares that limit among its charging connectors.  What
-- each charge point draws on, and the least and most current it takes,
-- are its own: a connector charges on lm_phases (three-phase, or one
-- phase of the site), between lm_min_a (below that a car cannot charge:
-- IEC 61851 says 6 A) and lm_max_a; lm_priority orders who is served
-- first.
ALTER TABLE sites
  ADD COLUMN IF NOT EXISTS load_management TINYINT(1) NOT NULL DEFAULT 0;

ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS lm_phases ENUM('L1','L2','L3','L1L2L3') NOT NULL DEFAULT 'L1L2L3',
  ADD COLUMN IF NOT EXISTS lm_min_a DECIMAL(5,1) NOT NULL DEFAULT 6.0,
  ADD COLUMN IF NOT EXISTS lm_max_a DECIMAL(5,1) NOT NULL DEFAULT 32.0,
  ADD COLUMN IF NOT EXISTS lm_priority TINYINT NOT NULL DEFAULT 0;

-- The limit each charging connector is to keep (a TxProfile of its
-- transaction), and each charge point's safe default for sessions not
-- planned yet (connector 0, transaction 0: a TxDefaultProfile).  The node
-- that plans (one per cluster) writes target_da; the node holding the
-- charge point's link sends it and records the answer: accepted_da is
-- what the charge point last accepted.  Currents in deciamperes (0.1 A)
-- per phase; target_da -1: clear the profile (the site left load
-- management), then the row goes.
CREATE TABLE IF NOT EXISTS load_alloc (
  cp_id           VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id    INT NOT NULL,
  transaction_id  INT NOT NULL,
  site_id         INT NOT NULL,
  target_da       INT NOT NULL,
  accepted_da     INT NULL,
  status          ENUM('new','accepted','rejected','failed') NOT NULL DEFAULT 'new',
  answer          VARCHAR(64) NULL,
  updated_at      DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id, connector_id, transaction_id),
  KEY idx_load_alloc_site (site_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Each plan that changed a target: when, by which node, the outcome
-- (ok; paused: some connectors got nothing, their minimum did not fit;
-- over: the loads that do not obey exceed the limit alone), and every
-- session's share as JSON.
CREATE TABLE IF NOT EXISTS load_decisions (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  site_id      INT NOT NULL,
  decided_at   DATETIME(3) NOT NULL,
  node_id      VARCHAR(64) NULL,
  result       ENUM('ok','paused','over') NOT NULL,
  limit_da     INT NOT NULL,
  sessions     INT NOT NULL,
  plan         MEDIUMTEXT NOT NULL,
  PRIMARY KEY (id),
  KEY idx_load_decisions_site (site_id, decided_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
