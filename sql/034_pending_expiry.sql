-- 034_pending_expiry.sql — when a pending security profile (sql/031) was
-- set, so it can expire: after security_profile_pending_timeout seconds
-- without the charge point connecting with it, ocppd's upkeep drops it
-- (ocppd/profile_expire.c) and the old profile stays.  Every statement can
-- run again.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS security_profile_pending_since DATETIME(3) NULL;

-- Profiles already pending start their wait now.
UPDATE charge_points SET security_profile_pending_since = UTC_TIMESTAMP(3)
  WHERE security_profile_pending IS NOT NULL
    AND security_profile_pending_since IS NULL;

