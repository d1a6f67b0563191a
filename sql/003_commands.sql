-- 003_commands.sql — the history of commands sent to charge points through
-- ocppd's control socket (docs/control.md), written by ocppd's database
-- workers: a row appears as 'pending' when ocppd accepts the command and
-- gets its outcome when the charge point answers, the call times out or
-- the link drops.  Commands refused before sending (invalid params, charge
-- point offline) are recorded too, already finished.
--
-- status: ocppd's own states are lower case — pending, answered (a
-- CALLRESULT without a status field), callerror, timeout, offline, error;
-- a CALLRESULT with a status field records it as the charge point spelled
-- it (Accepted, Rejected, Scheduled, Unlocked, ...).
-- uid is the OCPP-J uniqueId of the CALL (unique per ocppd run and
-- charge point; recorded refusals get one too), which lets the outcome
-- find its row without a round trip for the insert id.  No foreign key on
-- cp_id: the history outlives a deleted charge point.

CREATE TABLE commands (
  id                 BIGINT NOT NULL AUTO_INCREMENT,
  uid                VARCHAR(36) NOT NULL,
  created_at         DATETIME(3) NOT NULL,
  finished_at        DATETIME(3) NULL,
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  action             VARCHAR(40) NOT NULL,
  params             MEDIUMTEXT NULL,
  status             VARCHAR(32) NOT NULL DEFAULT 'pending',
  response           MEDIUMTEXT NULL,
  requested_by       VARCHAR(100) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_cmd_uid (uid),
  KEY idx_cmd_cp (cp_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
