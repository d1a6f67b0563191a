-- 006_seen_units_connectors.sql — what an operator needs to trust the
-- screen.  Every statement can run again after a partial failure.
--
-- last_seen: the newest frame of any kind from the charge point (or its
-- connect).  A busy charger may never send a Heartbeat, since the
-- heartbeat interval counts inactivity; last_heartbeat keeps its meaning.
ALTER TABLE charge_points
  ADD COLUMN IF NOT EXISTS last_seen DATETIME(3) NULL AFTER last_heartbeat;

UPDATE charge_points
  SET last_seen = GREATEST(COALESCE(last_heartbeat, '1000-01-01'),
                           COALESCE(connected_since, '1000-01-01'),
                           COALESCE(last_boot, '1000-01-01'))
  WHERE last_seen IS NULL
    AND COALESCE(last_heartbeat, connected_since, last_boot) IS NOT NULL;

-- A connector named by a transaction message but that never sent a
-- StatusNotification: Unknown until it does (appended, so the change is
-- instant and existing values keep their numbers).
ALTER TABLE connectors
  MODIFY status ENUM('Available','Preparing','Charging','SuspendedEVSE',
                     'SuspendedEV','Finishing','Reserved','Unavailable',
                     'Faulted','Unknown') NOT NULL DEFAULT 'Available';

INSERT IGNORE INTO connectors (cp_id, connector_id, status, last_update)
  SELECT DISTINCT t.cp_id, t.connector_id, 'Unknown', CURRENT_TIMESTAMP(3)
  FROM transactions t JOIN charge_points cp ON cp.id = t.cp_id
  WHERE t.connector_id > 0;

-- value_num is in the base unit named by num_unit (ocppd/meter_units.h);
-- value and unit stay as the charge point sent them.  Rows written before
-- only had energy converted; the rest is converted here, once (num_unit
-- IS NULL marks a row not yet done).
ALTER TABLE meter_values
  ADD COLUMN IF NOT EXISTS num_unit VARCHAR(10) NULL AFTER value_num;

UPDATE meter_values SET
  value_num = CASE
    WHEN unit IN ('kW', 'kvar', 'kVA') THEN value_num * 1000
    WHEN unit = 'Fahrenheit' THEN (value_num - 32) * 5 / 9
    WHEN unit = 'K' THEN value_num - 273.15
    ELSE value_num END,
  num_unit = CASE
    WHEN unit IN ('Wh', 'kWh') THEN 'Wh'
    WHEN unit IN ('varh', 'kvarh') THEN 'varh'
    WHEN unit IN ('W', 'kW') THEN 'W'
    WHEN unit IN ('var', 'kvar') THEN 'var'
    WHEN unit IN ('VA', 'kVA') THEN 'VA'
    WHEN unit IN ('A', 'V') THEN unit
    WHEN unit = 'Percent' THEN '%'
    WHEN unit IN ('Celsius', 'Fahrenheit', 'K') THEN 'Celsius'
    WHEN unit IS NULL AND measurand LIKE 'Energy.Reactive.%' THEN 'varh'
    WHEN unit IS NULL AND measurand LIKE 'Energy.%' THEN 'Wh'
    WHEN unit IS NULL AND measurand LIKE 'Power.Reactive.%' THEN 'var'
    WHEN unit IS NULL AND (measurand LIKE 'Power.Active.%'
                           OR measurand = 'Power.Offered') THEN 'W'
    WHEN unit IS NULL AND measurand LIKE 'Current.%' THEN 'A'
    WHEN unit IS NULL AND measurand = 'Voltage' THEN 'V'
    WHEN unit IS NULL AND measurand = 'SoC' THEN '%'
    WHEN unit IS NULL AND measurand = 'Temperature' THEN 'Celsius'
    WHEN unit IS NULL AND measurand = 'Frequency' THEN 'Hz'
    ELSE NULL END
  WHERE num_unit IS NULL AND value_num IS NOT NULL;
