-- 007_node_ownership.sql — several ocppd nodes on one database
-- (docs/scale-out.md).  Every statement can run again after a partial
-- failure.
--
-- node_id: the node holding the charge point's link (NULL: a single
-- node); with connected_since it is the link's epoch, so a late
-- disconnect from the node a charge point left never clears the newer
-- connection, and a node starting or stopping marks only its own.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS node_id VARCHAR(64) NULL AFTER connected_since;
ALTER TABLE charge_points
  ADD INDEX IF NOT EXISTS idx_cp_node (node_id, connected);

-- The nodes alive, by the database's clock (ocppd/nodes.c): the charge
-- points of a node silent for 30 s are marked disconnected by the others.
CREATE TABLE IF NOT EXISTS nodes (
  node_id    VARCHAR(64) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  seen_at    DATETIME(3) NOT NULL,
  PRIMARY KEY (node_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
