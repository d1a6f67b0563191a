-- 023_tags.sql — a concurrent transaction limit per id tag (docs/tags.md).
-- Every statement can run again after a partial failure.
--
-- max_concurrent_tx: how many transactions the tag may have open at once
-- (Authorize and StartTransaction answer ConcurrentTx at that many);
-- NULL takes max_concurrent_tx_per_tag of csms.conf, 0 means no limit
-- for this tag whatever the global setting says.
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS max_concurrent_tx SMALLINT UNSIGNED NULL;
