-- 010_node_handover.sql — what a node leaves behind when it stops
-- (docs/scale-out.md).  Every statement can run again after a partial
-- failure.
--
-- commands.node_id: the node that sent the command (NULL: a single
-- node).  A command still pending when its node died would stay pending
-- for good; the node finalizes its own at its next start, and the other
-- nodes those of a node silent for 30 s (ocppd/cmdlog.c).
ALTER TABLE commands
  ADD COLUMN IF NOT EXISTS node_id VARCHAR(64) NULL AFTER requested_by;
ALTER TABLE commands
  ADD INDEX IF NOT EXISTS idx_cmd_node_status (node_id, status);

-- The links that started since a time: a node asks for those of its
-- charge points that connected to another node after it, and closes its
-- own, stale link (ocppd/nodes.c).
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_connected_since (connected_since);
