-- 024_tariffs.sql — tariffs, their versions, where they apply, and each
-- finished session's stored cost (docs/tariffs.md).  Every statement can
-- run again after a partial failure.
--
-- Money is never a float: prices are DECIMAL with six places (per kWh,
-- per minute), amounts in the currency's minor unit (BIGINT, cents for
-- minor_digits 2).  A version is never changed once written: a new price
-- is a new version (valid_from), which closes the one before it
-- (valid_to), so a stored cost always names the version it came from.
CREATE TABLE IF NOT EXISTS tariffs (
  id            INT NOT NULL AUTO_INCREMENT,
  name          VARCHAR(100) NOT NULL,
  currency      CHAR(3) NOT NULL DEFAULT 'EUR',
  minor_digits  TINYINT NOT NULL DEFAULT 2,
  created_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_tariffs_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- bands: a JSON array, checked by ocppd when written, of
-- {"days": "Mon-Fri" | "Sat,Sun" | ..., "from": "HH:MM", "to": "HH:MM",
--  "energy_price": "0.45", "time_price": "0.02"} in the site's time zone.
CREATE TABLE IF NOT EXISTS tariff_versions (
  id                  INT NOT NULL AUTO_INCREMENT,
  tariff_id           INT NOT NULL,
  valid_from          DATETIME(3) NOT NULL,
  valid_to            DATETIME(3) NULL,
  energy_price        DECIMAL(12,6) NOT NULL DEFAULT 0,
  time_price          DECIMAL(12,6) NOT NULL DEFAULT 0,
  idle_price          DECIMAL(12,6) NOT NULL DEFAULT 0,
  idle_grace_min      INT NOT NULL DEFAULT 0,
  session_fee_minor   BIGINT NOT NULL DEFAULT 0,
  min_minor           BIGINT NULL,
  max_minor           BIGINT NULL,
  vat_rate_bp         INT NOT NULL DEFAULT 0,
  prices_include_vat  TINYINT(1) NOT NULL DEFAULT 0,
  bands               TEXT NULL,
  created_at          DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_tv_tariff (tariff_id, valid_from),
  CONSTRAINT fk_tv_tariff FOREIGN KEY (tariff_id) REFERENCES tariffs (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Where a tariff applies: a site, a charge point, one connector of it,
-- and/or an id-tag group (users.parent_id_tag).  NULL is "any".  The most
-- specific match wins (docs/tariffs.md, "Which tariff").
CREATE TABLE IF NOT EXISTS tariff_assignments (
  id            INT NOT NULL AUTO_INCREMENT,
  tariff_id     INT NOT NULL,
  site_id       INT NULL,
  cp_id         VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  connector_id  INT NULL,
  id_tag_group  VARCHAR(20) NULL,
  created_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_ta_tariff (tariff_id),
  KEY idx_ta_cp (cp_id),
  KEY idx_ta_site (site_id),
  CONSTRAINT fk_ta_tariff FOREIGN KEY (tariff_id) REFERENCES tariffs (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- When the car stopped drawing power in the connector's open session
-- (StatusNotification Charging → SuspendedEV or Finishing), cleared when it
-- charges again; read and removed by the session's StopTransaction.
CREATE TABLE IF NOT EXISTS tx_idle (
  cp_id         VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id  INT NOT NULL,
  tx_id         INT NOT NULL,
  idle_since    DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id, connector_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A finished session's cost, written by the StopTransaction that finished
-- it, in the same database transaction, and never changed afterwards.
-- tariff_version_id NULL: no tariff applied, price_per_kwh from csms.conf
-- (the default tariff; currency '').  Components are in the price's terms
-- (gross when prices include VAT, net otherwise) and add up to it with
-- adjust_minor (the minimum's or maximum's correction).
CREATE TABLE IF NOT EXISTS tx_costs (
  tx_id              INT NOT NULL,
  tariff_version_id  INT NULL,
  tariff_name        VARCHAR(100) NULL,
  currency           CHAR(3) NOT NULL DEFAULT '',
  minor_digits       TINYINT NOT NULL DEFAULT 2,
  energy_wh          BIGINT NOT NULL,
  charging_s         BIGINT NOT NULL,
  idle_s             BIGINT NOT NULL,
  idle_billed_s      BIGINT NOT NULL,
  energy_minor       BIGINT NOT NULL,
  time_minor         BIGINT NOT NULL,
  idle_minor         BIGINT NOT NULL,
  fee_minor          BIGINT NOT NULL,
  adjust_minor       BIGINT NOT NULL,
  net_minor          BIGINT NOT NULL,
  vat_minor          BIGINT NOT NULL,
  gross_minor        BIGINT NOT NULL,
  vat_rate_bp        INT NOT NULL,
  prices_include_vat TINYINT(1) NOT NULL,
  computed_at        DATETIME(3) NOT NULL,
  PRIMARY KEY (tx_id),
  KEY idx_txc_version (tariff_version_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
