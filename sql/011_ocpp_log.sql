-- 011_ocpp_log.sql — the OCPP message log (ocppd/oplog.c; docs/api.md,
-- "Message log").  Every statement can run again after a partial
-- failure.
--
-- One row per frame in or out of a charge point link, and per connect,
-- disconnect and refused handshake.  The rows are kept in (cp_id, ts)
-- order — the primary key is the index every read uses, and the only
-- one an insert maintains; id (made by ocppd: its start-up's random
-- prefix and a counter, below 2^53) orders the rows of one millisecond
-- and makes a cursor position unique.  Partitioned by day: ocppd splits
-- the next days off pmax ahead of time and drops the days past
-- ocpp_log_retention_days (ocppd/oplog_part.c), so expiry is a
-- partition drop, never a DELETE.  pmax catches rows of days without a
-- partition of their own, so an insert never fails for want of one.
--
-- kind: in / out (a frame), connect, disconnect, refused (the handshake's
-- HTTP status in error_code).  action: a CALL's, and for a CALLRESULT or
-- CALLERROR the action of the CALL it answers.  frame: the text with
-- AuthorizationKey values masked, cut to 8192 bytes (frame_len: its length
-- on the wire); for the other kinds a small JSON object of details.
CREATE TABLE IF NOT EXISTS ocpp_log (
  cp_id       VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  ts          DATETIME(3) NOT NULL,
  id          BIGINT UNSIGNED NOT NULL,
  day         DATE NOT NULL,
  node_id     VARCHAR(64) NULL,
  kind        ENUM('in','out','connect','disconnect','refused') NOT NULL,
  msg_type    ENUM('CALL','CALLRESULT','CALLERROR') NULL,
  msg_id      VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  action      VARCHAR(64) NULL,
  error_code  VARCHAR(64) NULL,
  frame       TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  frame_len   INT UNSIGNED NOT NULL,
  PRIMARY KEY (cp_id, ts, id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
  PARTITION BY RANGE COLUMNS(day) (
    PARTITION pmax VALUES LESS THAN (MAXVALUE)
  );

-- A charge point's own level: NULL follows ocpp_log in csms.conf; set
-- with the control op cp_set_log.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS log_level ENUM('all','errors','off') NULL;
