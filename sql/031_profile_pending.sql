-- 031_profile_pending.sql — a raised security profile waits for the
-- charge point (the OCPP 1.6 Security Whitepaper's fallback, ocppd/
-- profile_op.c, cp_auth.c).  After ChangeConfiguration SecurityProfile was
-- Accepted the new profile is security_profile_pending: both it and
-- security_profile are let in until the charge point's first connection
-- with the new one, which moves it to security_profile and clears this
-- column.  A connection with the old one meanwhile is a fallback, logged
-- and recorded as a security event.  Every statement can run again.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS security_profile_pending TINYINT NULL;

-- The credential reload (sql/009, sql/018) must see the pending profile
-- come and go on every node.
CREATE OR REPLACE TRIGGER cp_sec_upd BEFORE UPDATE ON charge_points FOR EACH ROW
  SET NEW.sec_changed_at = IF(NEW.security_profile <=> OLD.security_profile
                              AND NEW.security_profile_pending <=> OLD.security_profile_pending
                              AND NEW.auth_hash <=> OLD.auth_hash AND NEW.id <=> OLD.id
                              AND NEW.retired <=> OLD.retired,
                              NEW.sec_changed_at, UTC_TIMESTAMP(3));
