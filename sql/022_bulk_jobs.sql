-- 022_bulk_jobs.sql — one OCPP command to every charge point of a site or
-- a group, sent by ocppd at a pace (ocppd/bulk.h, docs/bulk-commands.md).
-- Every statement can run again after a partial failure.
--
-- A job is what the operator asked: the action and its params (checked
-- against the OCPP schema once, when the job is made), the target, the
-- pace (charge points started per minute, and at most max_in_flight
-- without an outcome), and for a firmware rollout the failures that pause
-- it.  Its charge points are fixed when it is made: one item each.
CREATE TABLE IF NOT EXISTS bulk_jobs (
  id             INT NOT NULL AUTO_INCREMENT,
  created_at     DATETIME(3) NOT NULL,
  finished_at    DATETIME(3) NULL,
  requested_by   VARCHAR(100) NULL,
  action         VARCHAR(40) NOT NULL,
  params         TEXT NOT NULL,
  site_id        INT NULL,
  group_id       INT NULL,
  target_name    VARCHAR(100) NOT NULL,
  per_minute     INT NOT NULL DEFAULT 10,
  max_in_flight  INT NOT NULL DEFAULT 5,
  max_failures   INT NULL,
  status         ENUM('running','paused','done','cancelled') NOT NULL DEFAULT 'running',
  status_reason  VARCHAR(200) NULL,
  PRIMARY KEY (id),
  KEY idx_bulk_jobs_status (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- One charge point of a job: pending until its turn, then sent (the
-- command's uid in the commands table), then answered (result: the
-- charge point's status word, answer: its payload) or failed (why), or
-- offline (not connected at its turn: skipped), or cancelled.  An
-- UpdateFirmware item stays answered while the charge point reports
-- FirmwareStatusNotification (fw_status), and ends installed or failed.
CREATE TABLE IF NOT EXISTS bulk_job_items (
  job_id       INT NOT NULL,
  cp_id        VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  status       ENUM('pending','sent','answered','installed','failed','offline','cancelled') NOT NULL DEFAULT 'pending',
  command_uid  VARCHAR(64) NULL,
  sent_at      DATETIME(3) NULL,
  finished_at  DATETIME(3) NULL,
  result       VARCHAR(40) NULL,
  answer       TEXT NULL,
  why          VARCHAR(255) NULL,
  fw_status    VARCHAR(40) NULL,
  fw_at        DATETIME(3) NULL,
  PRIMARY KEY (job_id, cp_id),
  KEY idx_bulk_items_cp (cp_id, status),
  KEY idx_bulk_items_status (status, job_id),
  CONSTRAINT fk_bulk_items_job FOREIGN KEY (job_id)
    REFERENCES bulk_jobs (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
