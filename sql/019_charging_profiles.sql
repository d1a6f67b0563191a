-- 019_charging_profiles.sql — charging profiles (OCPP 1.6 Smart Charging)
-- as rows ocppd keeps: what was sent (SetChargingProfile, or the
-- chargingProfile of a RemoteStartTransaction), what the charge point
-- answered, and how each ended; and the latest composite schedule each
-- charge point reported per connector (GetCompositeSchedule).
-- docs/smart-charging.md.  Every statement can run again after a partial
-- failure.
--
-- profile_id is the OCPP chargingProfileId, the charge point's key: a new
-- profile with the same id, or with the same purpose and stack level on the
-- same connector, replaces the one it holds, so history rows get their own
-- key (id).
--
-- status: pending (sent, no answer yet), accepted, rejected (Rejected or
-- NotSupported: answer holds which), failed (no answer: offline, timeout,
-- CALLERROR), replaced (a newer accepted profile took its place), cleared
-- (ClearChargingProfile Accepted matched it), ended (a TxProfile whose
-- transaction stopped).
CREATE TABLE IF NOT EXISTS charging_profiles (
  id                BIGINT NOT NULL AUTO_INCREMENT,
  cp_id             VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id      INT NOT NULL,
  profile_id        INT NOT NULL,
  stack_level       INT NOT NULL,
  purpose           ENUM('ChargePointMaxProfile','TxDefaultProfile','TxProfile') NOT NULL,
  kind              ENUM('Absolute','Recurring','Relative') NOT NULL,
  recurrency        ENUM('Daily','Weekly') NULL,
  valid_from        DATETIME(3) NULL,
  valid_to          DATETIME(3) NULL,
  transaction_id    INT NULL,
  -- the chargingSchedule as sent (duration, startSchedule,
  -- chargingRateUnit, chargingSchedulePeriod[], minChargingRate)
  schedule          MEDIUMTEXT NOT NULL,
  source            ENUM('SetChargingProfile','RemoteStartTransaction') NOT NULL DEFAULT 'SetChargingProfile',
  status            ENUM('pending','accepted','rejected','failed','replaced',
                         'cleared','ended') NOT NULL DEFAULT 'pending',
  answer            VARCHAR(20) NULL,
  command_uid       VARCHAR(36) NULL,
  requested_by      VARCHAR(100) NULL,
  created_at        DATETIME(3) NOT NULL,
  updated_at        DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_cprof_cp (cp_id, status),
  KEY idx_cprof_cmd (command_uid),
  KEY idx_cprof_status (status, purpose),
  KEY idx_cprof_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- The latest Accepted GetCompositeSchedule answer per charge point and
-- connector: the schedule the charge point will follow, as it computed it.
CREATE TABLE IF NOT EXISTS composite_schedules (
  cp_id             VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id      INT NOT NULL,
  duration          INT NOT NULL,
  schedule_start    DATETIME(3) NULL,
  charging_rate_unit ENUM('A','W') NULL,
  -- the answer's chargingSchedule as the charge point sent it
  schedule          MEDIUMTEXT NULL,
  command_uid       VARCHAR(36) NULL,
  requested_by      VARCHAR(100) NULL,
  received_at       DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id, connector_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
