-- 043_cp_id_grams_upd_if.sql — the id trigrams kept on a rename by one
-- trigger that does nothing unless the id changed.
--
-- sql/036's two UPDATE triggers each ran their statement on every UPDATE
-- of a charge point, with the test for a rename in its WHERE: 17 µs of
-- mariadbd's time on an update that costs 16 µs without them, and ocppd
-- updates charge points all the time (last_seen, total_kwh at each stop).
-- A compound IF runs no statement unless the id changed.  It runs after
-- the update: the foreign key's ON UPDATE CASCADE has by then moved the
-- old id's trigrams to the new id, so they are deleted under the new id
-- and the new id's inserted.
DROP TRIGGER IF EXISTS cp_id_grams_upd_old;
DROP TRIGGER IF EXISTS cp_id_grams_upd_new;

DELIMITER //
CREATE OR REPLACE TRIGGER cp_id_grams_upd AFTER UPDATE ON charge_points FOR EACH ROW
IF NOT (OLD.id <=> NEW.id) THEN
  DELETE FROM cp_id_grams WHERE cp_id = NEW.id;
  INSERT INTO cp_id_grams (gram, cp_id)
  SELECT SUBSTRING(NEW.id, s.seq, 3), NEW.id FROM seq_1_to_48 s
  WHERE s.seq <= CHAR_LENGTH(NEW.id) - 2
  ON DUPLICATE KEY UPDATE cp_id = VALUES(cp_id);
END IF//
DELIMITER ;
