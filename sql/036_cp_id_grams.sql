-- 036_cp_id_grams.sql — the trigrams of every charge point's id, so the
-- overview's text filter (a case-insensitive substring of the id) is an
-- index lookup instead of a scan of the fleet (cgi-bin/ui-overview.c).
--
-- A row per 3-character window of the id (SUBSTRING(id, n, 3), n from 1),
-- the gram in the collation the filter compares ids in
-- (utf8mb4_general_ci), so a window of the query finds every id window
-- that LIKE would call equal to it.  Windows equal under that collation
-- ("aBc" and "abc" in one id) are one row.  An id of 2 characters or
-- fewer has none; the filter reads ids by trigram only for a query of 3
-- or more characters.
--
-- The database keeps it, not ocppd: charge points are created by
-- BootNotification (1.6 and 2.0.1), by ocppd's first frame, by the site
-- import, by tools/bench-data.sh and by an administrator's SQL, and are
-- deleted by ocppd and by SQL; triggers and a foreign key see every one
-- of them.  Deleting a charge point deletes its grams through the foreign
-- key (a cascade fires no trigger, a foreign key's action always runs);
-- renaming one drops the old id's grams before the row changes and adds
-- the new id's after.  These are rare writes (a charge point's creation),
-- about 10 gram rows each.  A trigger body is one statement here (the
-- migration runner splits at ';').  Every statement can run again after a
-- partial failure.
CREATE TABLE IF NOT EXISTS cp_id_grams (
  gram   VARCHAR(3) CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci NOT NULL,
  cp_id  VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (gram, cp_id),
  KEY idx_cpg_cp (cp_id),
  CONSTRAINT fk_cp_id_grams_cp FOREIGN KEY (cp_id)
    REFERENCES charge_points (id) ON DELETE CASCADE ON UPDATE CASCADE
) ENGINE=InnoDB;

CREATE OR REPLACE TRIGGER cp_id_grams_ins AFTER INSERT ON charge_points FOR EACH ROW
  INSERT INTO cp_id_grams (gram, cp_id)
  SELECT SUBSTRING(NEW.id, s.seq, 3), NEW.id FROM seq_1_to_48 s
  WHERE s.seq <= CHAR_LENGTH(NEW.id) - 2
  ON DUPLICATE KEY UPDATE cp_id = VALUES(cp_id);

-- ids are binary-collated: a change of case is a rename.
CREATE OR REPLACE TRIGGER cp_id_grams_upd_old BEFORE UPDATE ON charge_points FOR EACH ROW
  DELETE FROM cp_id_grams WHERE cp_id = OLD.id AND OLD.id <> NEW.id;

CREATE OR REPLACE TRIGGER cp_id_grams_upd_new AFTER UPDATE ON charge_points FOR EACH ROW
  INSERT INTO cp_id_grams (gram, cp_id)
  SELECT SUBSTRING(NEW.id, s.seq, 3), NEW.id FROM seq_1_to_48 s
  WHERE OLD.id <> NEW.id AND s.seq <= CHAR_LENGTH(NEW.id) - 2
  ON DUPLICATE KEY UPDATE cp_id = VALUES(cp_id);

-- The charge points there were before the triggers: one statement, in the
-- primary key's order (100,000 charge points in seconds).
INSERT INTO cp_id_grams (gram, cp_id)
  SELECT SUBSTRING(cp.id, s.seq, 3) AS g, cp.id FROM charge_points cp
  JOIN seq_1_to_48 s ON s.seq <= CHAR_LENGTH(cp.id) - 2
  ORDER BY g, cp.id
  ON DUPLICATE KEY UPDATE cp_id = VALUES(cp_id);
