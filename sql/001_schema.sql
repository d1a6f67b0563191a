-- 001_schema.sql — the four tables of the original design, plus what the
-- OCPP 1.6 Core messages need to be stored completely.
--
-- Times are UTC, DATETIME(3) (millisecond precision, as emitted on the wire).
-- Charge point identities compare byte for byte (utf8mb4_bin); id tags are
-- case-insensitive as OCPP's IdToken is (utf8mb4_general_ci).

CREATE TABLE charge_points (
  id                 VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  vendor             VARCHAR(20) NULL,
  model              VARCHAR(20) NULL,
  firmware_version   VARCHAR(50) NULL,
  serial_number      VARCHAR(25) NULL,
  chargebox_serial   VARCHAR(25) NULL,
  iccid              VARCHAR(20) NULL,
  imsi               VARCHAR(20) NULL,
  meter_type         VARCHAR(25) NULL,
  meter_serial       VARCHAR(25) NULL,
  boot_answer        ENUM('Accepted','Pending','Rejected') NOT NULL DEFAULT 'Accepted',
  last_boot          DATETIME(3) NULL,
  last_heartbeat     DATETIME(3) NULL,
  connected          TINYINT(1) NOT NULL DEFAULT 0,
  connected_since    DATETIME(3) NULL,
  remote_addr        VARCHAR(64) NULL,
  total_kwh          DECIMAL(16,3) NOT NULL DEFAULT 0,
  diagnostics_status VARCHAR(20) NULL,
  diagnostics_ts     DATETIME(3) NULL,
  firmware_status    VARCHAR(30) NULL,
  firmware_ts        DATETIME(3) NULL,
  created_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY idx_cp_connected (connected)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE connectors (
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id       INT NOT NULL,
  status             ENUM('Available','Preparing','Charging','SuspendedEVSE',
                          'SuspendedEV','Finishing','Reserved','Unavailable',
                          'Faulted') NOT NULL DEFAULT 'Available',
  error_code         VARCHAR(30) NOT NULL DEFAULT 'NoError',
  info               VARCHAR(50) NULL,
  vendor_id          VARCHAR(255) NULL,
  vendor_error_code  VARCHAR(50) NULL,
  status_ts          DATETIME(3) NULL,
  last_update        DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (cp_id, connector_id),
  CONSTRAINT fk_connectors_cp FOREIGN KEY (cp_id) REFERENCES charge_points (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE users (
  id_tag             VARCHAR(20) NOT NULL,
  name               VARCHAR(100) NULL,
  status             ENUM('Accepted','Blocked','Expired') NOT NULL DEFAULT 'Accepted',
  expiry_date        DATETIME(3) NULL,
  parent_id_tag      VARCHAR(20) NULL,
  created_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id_tag),
  KEY idx_users_parent (parent_id_tag)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- id is the OCPP transactionId (int32, unique across the central system).
-- uniq_start makes a retried StartTransaction find its first row instead of
-- creating a second one.
CREATE TABLE transactions (
  id                 INT NOT NULL AUTO_INCREMENT,
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id       INT NOT NULL,
  id_tag             VARCHAR(20) NOT NULL,
  start_status       VARCHAR(20) NOT NULL DEFAULT 'Accepted',
  reservation_id     INT NULL,
  meter_start        INT NOT NULL,
  meter_stop         INT NULL,
  start_ts           DATETIME(3) NOT NULL,
  stop_ts            DATETIME(3) NULL,
  stop_reason        VARCHAR(20) NULL,
  stop_id_tag        VARCHAR(20) NULL,
  anomaly            VARCHAR(100) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_start (cp_id, connector_id, start_ts, meter_start, id_tag),
  KEY idx_tx_open (cp_id, connector_id, stop_ts),
  KEY idx_tx_start (start_ts),
  KEY idx_tx_tag (id_tag, start_ts),
  KEY idx_tx_cp_start (cp_id, start_ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Every sampled value a charge point reports, in MeterValues or in
-- StopTransaction's transactionData.  value is kept as sent (SignedData
-- included); value_num is the number, energy normalised to Wh.
CREATE TABLE meter_values (
  id                 BIGINT NOT NULL AUTO_INCREMENT,
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id       INT NOT NULL,
  transaction_id     INT NULL,
  ts                 DATETIME(3) NOT NULL,
  measurand          VARCHAR(50) NOT NULL DEFAULT 'Energy.Active.Import.Register',
  value              TEXT NOT NULL,
  value_num          DOUBLE NULL,
  unit               VARCHAR(10) NULL,
  phase              VARCHAR(10) NULL,
  context            VARCHAR(30) NULL,
  location           VARCHAR(10) NULL,
  format             VARCHAR(20) NULL,
  PRIMARY KEY (id),
  KEY idx_mv_tx (transaction_id, ts),
  KEY idx_mv_cp (cp_id, connector_id, ts)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
