-- 020_meter_values_retention.sql — meter values kept for
-- meter_values_retention_days at full detail, then as a 15-minute rollup
-- (ocppd/mv_keep.h; docs/retention.md).  Every statement can run again
-- after a partial failure.
--
-- day is the day (UTC) ocppd received the value, not the charge point's
-- timestamp: a charger with its clock in 2099 or 1970 must neither keep
-- its values forever nor lose them at once.  Values received before this
-- migration count as received on the day it ran.  The table is
-- partitioned by month of day: ocppd splits the next month off pmax ahead
-- of time and, past retention, rolls a month up into meter_rollup and
-- drops its partition — expiry is never a DELETE of millions of rows.
-- Every unique key of a partitioned table holds the partitioning column,
-- hence the primary key (id, day).
--
-- On a large table the ALTER copies it once (on Galera it holds the
-- cluster's writes for that long: run it in a quiet hour, docs/deploy.md).
ALTER TABLE meter_values
  ADD COLUMN IF NOT EXISTS day DATE NOT NULL DEFAULT (CURRENT_DATE);

ALTER TABLE meter_values
  DROP PRIMARY KEY, ADD PRIMARY KEY (id, day)
  PARTITION BY RANGE COLUMNS(day) (
    PARTITION pmax VALUES LESS THAN (MAXVALUE)
  );

-- One row per series (transaction, measurand, phase, charge point and
-- connector) and 15 minutes of the charge point's time: its last sample
-- as it was stored, with the count, minimum, maximum and mean of the
-- numbers.  transaction_id 0 and phase '' stand for none (key columns
-- cannot be NULL).  part_bound: the bound of the month partition the
-- samples came from; readers show a row once meter_retention says that
-- partition is gone, never next to the values it summarises.
CREATE TABLE IF NOT EXISTS meter_rollup (
  transaction_id  INT NOT NULL,
  measurand       VARCHAR(50) NOT NULL,
  phase           VARCHAR(10) NOT NULL,
  bucket          DATETIME NOT NULL,
  cp_id           VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  connector_id    INT NOT NULL,
  part_bound      DATE NOT NULL,
  samples         INT NOT NULL,
  ts_last         DATETIME(3) NOT NULL,
  value_last      TEXT NOT NULL,
  num_last        DOUBLE NULL,
  num_min         DOUBLE NULL,
  num_max         DOUBLE NULL,
  num_avg         DOUBLE NULL,
  num_unit        VARCHAR(10) NULL,
  unit            VARCHAR(10) NULL,
  context         VARCHAR(30) NULL,
  location        VARCHAR(10) NULL,
  format          VARCHAR(20) NULL,
  PRIMARY KEY (transaction_id, measurand, phase, bucket, cp_id, connector_id,
               part_bound)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Raw values received before dropped_below are gone (rolled up).
CREATE TABLE IF NOT EXISTS meter_retention (
  id             TINYINT NOT NULL,
  dropped_below  DATE NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

INSERT IGNORE INTO meter_retention (id, dropped_below) VALUES (1, '1970-01-01');
