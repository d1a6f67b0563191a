-- 018_sites.sql — sites, groups of charge points, and the charge point
-- lifecycle (retired, notes).  docs/sites.md.  Every statement can run
-- again after a partial failure.
--
-- The grid limit is stored as load management reads it: amps per phase
-- (grid_limit_a), with the phase count and the phase-to-neutral voltage
-- that turn it into power.  A limit given in kW is converted once, when it
-- is written (kW * 1000 / (phases * voltage)); grid_limit_unit keeps what
-- the operator typed, for display only.
CREATE TABLE IF NOT EXISTS sites (
  id               INT NOT NULL AUTO_INCREMENT,
  name             VARCHAR(100) NOT NULL,
  address          VARCHAR(255) NULL,
  latitude         DECIMAL(9,6) NULL,
  longitude        DECIMAL(9,6) NULL,
  time_zone        VARCHAR(64) NOT NULL DEFAULT 'UTC',
  grid_limit_a     DECIMAL(9,1) NULL,
  grid_phases      TINYINT NOT NULL DEFAULT 3,
  grid_voltage     SMALLINT NOT NULL DEFAULT 230,
  grid_limit_unit  ENUM('A','kW') NOT NULL DEFAULT 'A',
  notes            TEXT NULL,
  created_at       DATETIME(3) NOT NULL,
  updated_at       DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_sites_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS cp_groups (
  id           INT NOT NULL AUTO_INCREMENT,
  name         VARCHAR(100) NOT NULL,
  description  VARCHAR(255) NULL,
  created_at   DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_cp_groups_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A charge point may be in several groups; a deleted group or charge point
-- takes its memberships with it.
CREATE TABLE IF NOT EXISTS cp_group_members (
  group_id  INT NOT NULL,
  cp_id     VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (group_id, cp_id),
  KEY idx_cp_group_members_cp (cp_id),
  CONSTRAINT fk_cp_group_members_group FOREIGN KEY (group_id)
    REFERENCES cp_groups (id) ON DELETE CASCADE,
  CONSTRAINT fk_cp_group_members_cp FOREIGN KEY (cp_id)
    REFERENCES charge_points (id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- At most one site per charge point.  A site with charge points cannot be
-- deleted (the control op says how many; the key is the guarantee).
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS site_id INT NULL,
  ADD COLUMN IF NOT EXISTS retired TINYINT(1) NOT NULL DEFAULT 0,
  ADD COLUMN IF NOT EXISTS retired_at DATETIME(3) NULL,
  ADD COLUMN IF NOT EXISTS notes TEXT NULL;
ALTER TABLE charge_points ADD INDEX IF NOT EXISTS idx_cp_site (site_id);
ALTER TABLE charge_points ADD INDEX IF NOT EXISTS idx_cp_retired (retired);
ALTER TABLE charge_points
  ADD CONSTRAINT fk_cp_site FOREIGN KEY IF NOT EXISTS (site_id)
  REFERENCES sites (id) ON DELETE RESTRICT;

-- A retired charge point is refused at the handshake, so retiring one is a
-- change the credential reload must see (sql/009), on every node.
CREATE OR REPLACE TRIGGER cp_sec_upd BEFORE UPDATE ON charge_points FOR EACH ROW
  SET NEW.sec_changed_at = IF(NEW.security_profile <=> OLD.security_profile
                              AND NEW.auth_hash <=> OLD.auth_hash AND NEW.id <=> OLD.id
                              AND NEW.retired <=> OLD.retired,
                              NEW.sec_changed_at, UTC_TIMESTAMP(3));
