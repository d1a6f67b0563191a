-- seed-demo.sql — demo id tags for a private `make run` instance only;
-- never applied to a production database.
INSERT IGNORE INTO users (id_tag, name, status, expiry_date, parent_id_tag) VALUES
  ('DEMO-TAG-1', 'Demo driver 1', 'Accepted', NULL, 'DEMO-FLEET'),
  ('DEMO-TAG-2', 'Demo driver 2', 'Accepted', NULL, 'DEMO-FLEET'),
  ('DEMO-FLEET', 'Demo fleet', 'Accepted', NULL, NULL),
  ('DEMO-BLOCKED', 'Blocked card', 'Blocked', NULL, NULL),
  ('DEMO-EXPIRED', 'Expired card', 'Accepted', '2020-01-01 00:00:00', NULL);
