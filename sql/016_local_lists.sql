-- 016_local_lists.sql — the local authorization list (OCPP 1.6 Local Auth
-- List Management) kept in step with the id tag table by ocppd
-- (docs/local-list.md).  Every statement can run again after a partial
-- failure.
--
-- Each change of a tag made through ocppd (tag_add, tag_update,
-- tag_delete) takes the next number of local_list_seq and stamps it on the
-- tag (users.list_seq) or, for a deleted tag, on its tombstone
-- (local_list_gone).  A charge point whose list confirmed version V gets
-- the tags stamped after V (a differential update) or, with nothing
-- confirmed, the whole table (a full one); the listVersion sent is the
-- sequence number it covers.
ALTER TABLE users ADD COLUMN IF NOT EXISTS list_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD INDEX IF NOT EXISTS idx_users_list_seq (list_seq);

CREATE TABLE IF NOT EXISTS local_list_seq (
  id   TINYINT NOT NULL,
  seq  BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;
INSERT IGNORE INTO local_list_seq (id, seq) VALUES (1, 1);

CREATE TABLE IF NOT EXISTS local_list_gone (
  id_tag    VARCHAR(20) NOT NULL,
  list_seq  BIGINT NOT NULL,
  PRIMARY KEY (id_tag),
  KEY idx_gone_seq (list_seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Per charge point: the version it confirmed (0: none, a full list is
-- next), the one on its way, and how the last update went.
CREATE TABLE IF NOT EXISTS local_lists (
  cp_id              VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  version_confirmed  BIGINT NOT NULL DEFAULT 0,
  version_sent       BIGINT NULL,
  update_type        ENUM('Full','Differential') NULL,
  status             ENUM('sending','in_sync','failed','unsupported','no_answer') NOT NULL DEFAULT 'sending',
  last_answer        VARCHAR(40) NULL,
  updated_at         DATETIME(3) NOT NULL,
  PRIMARY KEY (cp_id),
  KEY idx_local_lists_status (status)
) ENGINE=InnoDB;
