-- 029_ocpp201.sql — OCPP 2.0.1 beside 1.6 in the same tables
-- (docs/ocpp201.md).  Every statement can run again after a partial
-- failure.
--
-- charge_points: the subprotocol of its newest connection and the reason
-- of its newest 2.0.1 BootNotification; 2.0.1's vendorName is 50 long.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS protocol VARCHAR(12) NULL,
  ADD COLUMN IF NOT EXISTS boot_reason VARCHAR(30) NULL,
  MODIFY vendor VARCHAR(50) NULL;

-- 2.0.1's connector states: Available, Occupied, Reserved, Unavailable,
-- Faulted; Occupied is new (appended: the existing values keep their
-- numbers).
ALTER TABLE connectors
  MODIFY status ENUM('Available','Preparing','Charging','SuspendedEVSE',
                     'SuspendedEV','Finishing','Reserved','Unavailable',
                     'Faulted','Unknown','Occupied') NOT NULL DEFAULT 'Available';

-- A 2.0.1 session is a row like a 1.6 one: id is the central id the API
-- and pages show; cp_tx_id is the charger's own string transactionId
-- (unique per charge point: a retried Started finds its row).  evse_id
-- and evse_connector_id are what the charger said; connector_id is where
-- it shows (docs/ocpp201.md: EVSE n, connector 1 is connector n; another
-- connector c of EVSE n is n * 100 + c).  seq_max is the highest seqNo
-- seen, seq_missing how many below it never came (0: complete);
-- meter_last the newest energy register (Wh) any event carried, the
-- meter_stop of an Ended that carries none.  2.0.1's
-- idToken is 36 long, its stoppedReason up to 25.
ALTER TABLE transactions
  ADD COLUMN IF NOT EXISTS protocol ENUM('ocpp1.6','ocpp2.0.1') NOT NULL DEFAULT 'ocpp1.6',
  ADD COLUMN IF NOT EXISTS cp_tx_id VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN IF NOT EXISTS evse_id INT NULL,
  ADD COLUMN IF NOT EXISTS evse_connector_id INT NULL,
  ADD COLUMN IF NOT EXISTS seq_max INT NULL,
  ADD COLUMN IF NOT EXISTS seq_missing INT NULL,
  ADD COLUMN IF NOT EXISTS charging_state VARCHAR(20) NULL,
  ADD COLUMN IF NOT EXISTS meter_last INT NULL,
  MODIFY id_tag VARCHAR(36) NOT NULL,
  MODIFY stop_id_tag VARCHAR(36) NULL,
  MODIFY stop_reason VARCHAR(30) NULL;
ALTER TABLE transactions
  ADD UNIQUE INDEX IF NOT EXISTS uniq_cp_tx (cp_id, cp_tx_id);

-- Every TransactionEvent once: the primary key is the dedupe of a retried
-- message (same seqNo), in the database so any node of a cluster finds
-- it after a failover.  tx_id is the transactions row it belongs to.
CREATE TABLE IF NOT EXISTS tx_events (
  cp_id          VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  cp_tx_id       VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  seq_no         INT NOT NULL,
  tx_id          INT NOT NULL,
  event_type     ENUM('Started','Updated','Ended') NOT NULL,
  trigger_reason VARCHAR(30) NOT NULL,
  ts             DATETIME(3) NOT NULL,
  offline        TINYINT(1) NOT NULL DEFAULT 0,
  received_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id, cp_tx_id, seq_no),
  KEY idx_tx_events_tx (tx_id, seq_no)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- A 2.0.1 station's device model as its NotifyReports describe it: one
-- row per component (with its instance and EVSE/connector), variable
-- (with its instance) and attribute type (Actual, Target, MinSet,
-- MaxSet).  '' and -1 stand for "not given" so the key is complete; a
-- newer report of the same attribute replaces the row.
CREATE TABLE IF NOT EXISTS device_vars (
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  component          VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  component_instance VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  evse_id            INT NOT NULL DEFAULT -1,
  connector_id       INT NOT NULL DEFAULT -1,
  variable           VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  variable_instance  VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  attr_type          VARCHAR(10) CHARACTER SET ascii NOT NULL DEFAULT 'Actual',
  value              VARCHAR(2500) NULL,
  mutability         VARCHAR(10) NULL,
  data_type          VARCHAR(20) NULL,
  unit               VARCHAR(16) NULL,
  updated_at         DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id, component, component_instance, evse_id, connector_id,
               variable, variable_instance, attr_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
