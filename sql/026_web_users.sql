-- 026_web_users.sql — web accounts with roles, and the audit trail
-- (docs/security.md, "Accounts and roles").  Every statement can run
-- again after a partial failure.
--
-- web_users: the role of a user the web server authenticated
-- (REMOTE_USER); a user without a row gets web_default_role.  The web
-- tier reads it, ocppd writes it (account_set, account_delete).
CREATE TABLE IF NOT EXISTS web_users (
  user        VARCHAR(100) NOT NULL,
  role        ENUM('viewer','operator','admin') NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_by  VARCHAR(100) NOT NULL DEFAULT '',
  PRIMARY KEY (user)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- audit: who changed what and when, one row per change ocppd made for a
-- control request (the web tier's requested_by).  kind groups the ops
-- (tag, tariff, site, approval, command, account, ...); subject is what
-- was changed (an id tag, a charge point, a tariff id); detail is the
-- request's parameters with secrets removed.
CREATE TABLE IF NOT EXISTS audit (
  id        BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  at        DATETIME(3) NOT NULL,
  who       VARCHAR(100) NOT NULL,
  kind      VARCHAR(20) NOT NULL,
  op        VARCHAR(40) NOT NULL,
  subject   VARCHAR(200) NOT NULL DEFAULT '',
  detail    TEXT NULL,
  PRIMARY KEY (id),
  KEY audit_at (at),
  KEY audit_who (who, id),
  KEY audit_kind (kind, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
