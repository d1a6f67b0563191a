-- 004_cp_security.sql — per charge point security (OCPP 1.6 security
-- whitepaper, docs/security.md).  Written only by ocppd (control ops
-- cp_set_password / cp_set_security).  The web tier's read-only account
-- can read auth_hash (database-wide SELECT); it is a salted hash, and the
-- dashboard and API never show it.
--
-- security_profile: 0 none, 1 HTTP Basic over ws/wss, 2 HTTP Basic over
-- TLS only, 3 TLS client certificate (CN = charge point id).
-- auth_hash: crypt(3) SHA-512 ("$6$<salt>$<hash>"), salted per charge
-- point; NULL = no password set (profiles 1 and 2 then refuse the CP).

ALTER TABLE charge_points
  ADD COLUMN security_profile TINYINT NOT NULL DEFAULT 0,
  ADD COLUMN auth_hash VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NULL;
