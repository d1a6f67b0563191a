-- 008_node_control.sql — where each ocppd node's control listener is
-- reached (docs/control.md, "Routing"): the web tier sends a command to
-- the node holding the charge point's link.  Every statement can run
-- again after a partial failure.
--
-- control_addr: "ADDRESS:PORT" of the node's authenticated TCP control
-- listener (control_advertise, else control_listen), written with every
-- beat; NULL: the node takes no control over TCP.
ALTER TABLE nodes
  ADD COLUMN IF NOT EXISTS control_addr VARCHAR(80) NULL AFTER seen_at;
