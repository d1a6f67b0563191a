-- 028_files.sql — the files charge points upload (diagnostics, logs) and
-- download (firmware), and the one-time URLs they use (docs/files.md).
-- ocppd writes every row (ocppd/files_op.c); the web tier reads them.
-- Every statement can run again after a partial failure.
--
-- file_tokens: a URL's token is never stored, only its SHA-256 (hex).  A
-- token is bound to one charge point and one request; an upload token is
-- used once (used_at), a firmware token serves downloads until it
-- expires (a charger may resume or retry).
CREATE TABLE IF NOT EXISTS file_tokens (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  token_hash   CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  cp_id        VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  kind         VARCHAR(16) NOT NULL,
  request_id   INT NOT NULL,
  firmware_id  BIGINT NULL,
  job_id       BIGINT NULL,
  created_at   DATETIME(3) NOT NULL,
  expires_at   DATETIME(3) NOT NULL,
  used_at      DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_file_token (token_hash),
  KEY idx_file_token_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- cp_files: a diagnostics or log file received, stored under files_dir
-- as stored_name (the charge point and the request in the name).
CREATE TABLE IF NOT EXISTS cp_files (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  cp_id        VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  kind         VARCHAR(16) NOT NULL,
  request_id   INT NOT NULL,
  stored_name  VARCHAR(255) NOT NULL,
  orig_name    VARCHAR(255) NULL,
  size         BIGINT NOT NULL,
  sha256       CHAR(64) NOT NULL,
  received_at  DATETIME(3) NOT NULL,
  remote_addr  VARCHAR(64) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_cp_files_stored (stored_name),
  KEY idx_cp_files_cp (cp_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- firmware: an image an operator uploaded, with its signature and
-- signing certificate for SignedUpdateFirmware.
CREATE TABLE IF NOT EXISTS firmware (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  name         VARCHAR(255) NOT NULL,
  stored_name  VARCHAR(255) NOT NULL,
  size         BIGINT NOT NULL,
  sha256       CHAR(64) NOT NULL,
  signature    VARCHAR(800) NULL,
  signing_cert TEXT NULL,
  uploaded_by  VARCHAR(100) NULL,
  uploaded_at  DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_firmware_stored (stored_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- firmware_jobs: one UpdateFirmware or SignedUpdateFirmware sent with a
-- hosted image; firmware_job_steps: every status it went through (the
-- charge point's notifications, and each download of the image).
CREATE TABLE IF NOT EXISTS firmware_jobs (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  cp_id        VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  firmware_id  BIGINT NOT NULL,
  action       VARCHAR(32) NOT NULL,
  request_id   INT NOT NULL,
  status       VARCHAR(32) NOT NULL,
  created_at   DATETIME(3) NOT NULL,
  updated_at   DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  KEY idx_fw_jobs_cp (cp_id, id),
  KEY idx_fw_jobs_fw (firmware_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

CREATE TABLE IF NOT EXISTS firmware_job_steps (
  id           BIGINT NOT NULL AUTO_INCREMENT,
  job_id       BIGINT NOT NULL,
  ts           DATETIME(3) NOT NULL,
  status       VARCHAR(32) NOT NULL,
  detail       VARCHAR(255) NULL,
  PRIMARY KEY (id),
  KEY idx_fw_steps_job (job_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
