#!/usr/bin/env bash
# bench-data.sh — fills a csms-c database with the benchmark data set:
# by default 1,000 charge points (2 connectors each), 2,000 id tags,
# 1,000,000 transactions spread over the last 365 days (the newest 100
# still active, and one from 300 days ago never stopped, as a lost
# StopTransaction leaves it) and 4 meter values for each of the newest
# 10,000 transactions.
#
# The fleet-size set of tools/bench-web.sh is the same generator with
# BENCH_CP=100000 BENCH_TX=10000000 BENCH_MV_DAYS=30: 100,000 charge
# points (ids BENCH-000001 ..), 20,000 id tags (one per 5 charge points),
# one running session per 20 charge points (5,000), and instead of the 4
# values of the newest 10,000, meter values for every session that started
# in the last BENCH_MV_DAYS days: an Energy.Active.Import.Register and a
# Power.Active.Import sample at its start and every 15 minutes of it (a
# running one up to now), as a charge point with
# MeterValueSampleInterval=900 sends them.
#
# Everything is generated inside MariaDB with INSERT ... SELECT from the
# SEQUENCE engine (seq_1_to_N), one statement per million rows, so ten
# million rows take minutes, not ten million round trips.  Rows it writes
# have ids starting "BENCH-", and it deletes them first, so it can run
# again; other rows are left alone, but the transaction ids it generates
# start above the current maximum.  The charge points are spread over
# BENCH_SITES sites ("BENCH site 1" ..; by default one per 200 charge
# points, at least 1: 500 for the fleet-size set), in turn.
#
#   tools/bench-data.sh            # uses $CSMS_CONF (or csms.conf)
#   BENCH_TX=100000 BENCH_CP=100 tools/bench-data.sh   # a smaller set
#
# Connection: the write account from the config (db_user, db_socket or
# db_host), read with `ocppd --print-config` when ocppd is built; the
# environment variables CSMS_DB_SOCKET, CSMS_DB_HOST, CSMS_DB_PORT,
# CSMS_DB_NAME, CSMS_DB_USER, CSMS_DB_PASSWORD override it as they do for
# every csms-c program.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${CSMS_BUILD:-$ROOT/build}/bin
CONF=${CSMS_CONF:-$ROOT/csms.conf}
N_TX=${BENCH_TX:-1000000}
N_CP=${BENCH_CP:-1000}
N_MV_DAYS=${BENCH_MV_DAYS:-0}
N_SITES=${BENCH_SITES:-$((N_CP / 200 > 1 ? N_CP / 200 : 1))}
CHUNK=1000000

die() {
	echo "bench-data: $*" >&2
	exit 1
}

[[ $N_TX =~ ^[0-9]+$ && $N_TX -ge 1000 ]] || die "BENCH_TX must be a number >= 1000"
[[ $N_CP =~ ^[0-9]+$ && $N_CP -ge 100 && $N_CP -le 999999 ]] || die "BENCH_CP must be 100..999999"
[[ $N_MV_DAYS =~ ^[0-9]+$ && $N_MV_DAYS -le 365 ]] || die "BENCH_MV_DAYS must be 0..365"
[[ $N_SITES =~ ^[0-9]+$ && $N_SITES -ge 1 && $N_SITES -le $N_CP ]] || die "BENCH_SITES must be 1..BENCH_CP"
# Ids keep 4 digits up to 9,999 charge points (BENCH-0500), as the
# figures of docs/benchmarks-api.md name them.
W=$((${#N_CP} > 4 ? ${#N_CP} : 4))
N_TAGS=$((N_CP / 5 > 2000 ? N_CP / 5 : 2000))
TW=$((${#N_TAGS} > 5 ? ${#N_TAGS} : 5))
# The newest N_ACTIVE sessions run, each on a charge point of its own.
N_ACTIVE=$((N_CP / 20 > 100 ? N_CP / 20 : 100))

if [[ -x $BIN/ocppd ]]; then
	cfg=$("$BIN/ocppd" -c "$CONF" --print-config 2>&1) || die "$cfg"
	eval "$cfg"
	[[ -n $db_password || -z $db_password_file ]] || db_password=$(head -n 1 "$db_password_file")
else
	# Without ocppd: the defaults of csms.conf, overridable by CSMS_*.
	db_host=${CSMS_DB_HOST:-}
	db_port=${CSMS_DB_PORT:-3306}
	db_socket=${CSMS_DB_SOCKET:-$ROOT/var/run/mysqld.sock}
	db_name=${CSMS_DB_NAME:-csms}
	db_user=${CSMS_DB_USER:-csms}
	db_password=${CSMS_DB_PASSWORD:-csms}
fi

conn=(--no-defaults -u "$db_user" "-p$db_password" "$db_name")
if [[ -n $db_host ]]; then
	conn+=(-h "$db_host" -P "$db_port")
else
	conn+=(-S "$db_socket")
fi

# One INSERT ... SELECT per CHUNK transactions: each is its own
# transaction, so the undo log never holds ten million rows.
tx_sql=
for ((a = 1; a <= N_TX; a += CHUNK)); do
	b=$((a + CHUNK - 1 < N_TX ? a + CHUNK - 1 : N_TX))
	tx_sql+="INSERT INTO transactions (id, cp_id, connector_id, id_tag, meter_start,
    meter_stop, start_ts, stop_ts, stop_reason)
SELECT @base_id + seq,
       CONCAT('BENCH-', LPAD(1 + seq % $N_CP, $W, '0')),
       1 + (seq DIV $N_CP) % 2,
       CONCAT('BENCH-', LPAD(1 + seq % $N_TAGS, $TW, '0')),
       (seq DIV $N_CP) * 50000,
       IF(seq > $N_TX - $N_ACTIVE, NULL,
          (seq DIV $N_CP) * 50000 + 2000 + (seq * 7919) % 38000),
       @now - INTERVAL (($N_TX - seq + 1) * @step_ms) * 1000 MICROSECOND,
       IF(seq > $N_TX - $N_ACTIVE, NULL,
          @now - INTERVAL (($N_TX - seq + 1) * @step_ms) * 1000 MICROSECOND
               + INTERVAL 10 + seq % 111 MINUTE),
       IF(seq > $N_TX - $N_ACTIVE, NULL, 'Local')
FROM seq_${a}_to_${b};
"
done
if ((N_MV_DAYS > 0)); then
	# Every 15 minutes of each session of the last N_MV_DAYS days (a
	# session lasts at most 120 minutes: 9 samples), two measurands.
	mv_sql=
	for m in 'Energy.Active.Import.Register|Wh|t.meter_start + s.seq * 15 * (500 + t.id % 300)' \
		'Power.Active.Import|W|7000 + (t.id + s.seq) % 4000'; do
		IFS='|' read -r meas unit val <<<"$m"
		for ((a = 1; a <= N_TX; a += CHUNK)); do
			b=$((a + CHUNK - 1 < N_TX ? a + CHUNK - 1 : N_TX))
			mv_sql+="INSERT INTO meter_values (cp_id, connector_id, transaction_id, ts,
    measurand, value, value_num, num_unit, unit, context)
SELECT t.cp_id, t.connector_id, t.id, t.start_ts + INTERVAL s.seq * 15 MINUTE,
       '$meas', $val, $val, '$unit', '$unit', 'Sample.Periodic'
FROM transactions t JOIN seq_0_to_8 s
WHERE t.id BETWEEN @base_id + $a AND @base_id + $b
  AND t.start_ts >= @now - INTERVAL $N_MV_DAYS DAY
  AND t.start_ts + INTERVAL s.seq * 15 MINUTE <= COALESCE(t.stop_ts, @now);
"
		done
	done
else
	mv_sql="INSERT INTO meter_values (cp_id, connector_id, transaction_id, ts, measurand,
    value, value_num, unit, context)
SELECT t.cp_id, t.connector_id, t.id, t.start_ts + INTERVAL m.seq * 5 MINUTE,
       'Energy.Active.Import.Register',
       t.meter_start + m.seq * 500, t.meter_start + m.seq * 500, 'Wh',
       'Sample.Periodic'
FROM transactions t JOIN seq_1_to_4 m
WHERE t.id > @base_id + $N_TX - 10000;"
fi

start=$(date +%s%N)
mariadb "${conn[@]}" >/dev/null <<SQL || die "loading failed"
SET SESSION unique_checks = 0, foreign_key_checks = 0;
SET @now = UTC_TIMESTAMP(3);
-- Spread the transactions evenly over 365 days, the newest ending now.
SET @step_ms = 365 * 86400 * 1000 DIV $N_TX;

DELETE FROM meter_values WHERE cp_id LIKE 'BENCH-%';
DELETE FROM transactions WHERE cp_id LIKE 'BENCH-%';
DELETE FROM connectors WHERE cp_id LIKE 'BENCH-%';
DELETE FROM charge_points WHERE id LIKE 'BENCH-%';
DELETE FROM users WHERE id_tag LIKE 'BENCH-%';
DELETE FROM sites WHERE name LIKE 'BENCH site %';

SET @site_base = (SELECT COALESCE(MAX(id), 0) FROM sites);
INSERT INTO sites (id, name, time_zone, grid_limit_a, created_at, updated_at)
SELECT @site_base + seq, CONCAT('BENCH site ', seq),
       ELT(1 + seq % 3, 'Europe/Berlin', 'Europe/London', 'UTC'),
       IF(seq % 2 = 0, 250, NULL), @now, @now
FROM seq_1_to_$N_SITES;

INSERT INTO charge_points (id, vendor, model, firmware_version, serial_number,
    boot_answer, last_boot, last_heartbeat, connected, connected_since,
    total_kwh, site_id)
SELECT CONCAT('BENCH-', LPAD(seq, $W, '0')),
       ELT(1 + seq % 3, 'Alfen', 'ABB', 'Wallbox'),
       ELT(1 + seq % 3, 'Eve Single', 'Terra AC', 'Pulsar Plus'),
       CONCAT('5.', seq % 7, '.', seq % 3),
       CONCAT('SN', LPAD(seq, 8, '0')),
       'Accepted',
       @now - INTERVAL 2 DAY,
       IF(seq % 10 = 0, @now - INTERVAL 3 HOUR, @now - INTERVAL seq % 300 SECOND),
       seq % 10 <> 0,
       IF(seq % 10 = 0, NULL, @now - INTERVAL 2 DAY),
       0, @site_base + 1 + seq % $N_SITES
FROM seq_1_to_$N_CP;

INSERT INTO connectors (cp_id, connector_id, status, error_code, status_ts,
    last_update)
SELECT CONCAT('BENCH-', LPAD(c.seq, $W, '0')), k.seq,
       ELT(1 + (c.seq + k.seq) % 5, 'Available', 'Available', 'Preparing',
           'Unavailable', 'Faulted'),
       IF((c.seq + k.seq) % 5 = 4, 'GroundFailure', 'NoError'),
       @now - INTERVAL 1 HOUR, @now - INTERVAL 1 HOUR
FROM seq_1_to_$N_CP c JOIN seq_1_to_2 k;

INSERT INTO users (id_tag, name, status, expiry_date)
SELECT CONCAT('BENCH-', LPAD(seq, $TW, '0')), CONCAT('Bench driver ', seq),
       ELT(1 + (seq % 50 = 0) + (seq % 97 = 0), 'Accepted', 'Blocked',
           'Expired'),
       IF(seq % 3 = 0, @now + INTERVAL 1 YEAR, NULL)
FROM seq_1_to_$N_TAGS;

-- Transaction n starts at now - (N - n + 1) steps; it takes 10..120 min
-- and 2..40 kWh.  The newest N_ACTIVE are still running.
SET @base_id = (SELECT COALESCE(MAX(id), 0) FROM transactions);
$tx_sql

-- A session from 300 days ago that was never stopped: the running ones
-- are not all recent, and a list of them must not read the months between.
UPDATE transactions SET meter_stop = NULL, stop_ts = NULL, stop_reason = NULL
WHERE id = @base_id + $N_TX * 65 DIV 365;

-- The connectors of the running transactions are Charging.
UPDATE connectors c JOIN transactions t
    ON t.cp_id = c.cp_id AND t.connector_id = c.connector_id
   AND t.stop_ts IS NULL AND t.cp_id LIKE 'BENCH-%'
SET c.status = 'Charging', c.error_code = 'NoError';

UPDATE charge_points cp JOIN (
    SELECT cp_id, SUM(meter_stop - meter_start) / 1000 AS kwh
    FROM transactions WHERE cp_id LIKE 'BENCH-%' AND stop_ts IS NOT NULL
    GROUP BY cp_id) s ON s.cp_id = cp.id
SET cp.total_kwh = s.kwh;

$mv_sql

ANALYZE TABLE sites, charge_points, connectors, transactions, users, meter_values;
SQL
ms=$((($(date +%s%N) - start) / 1000000))
mv=
((N_MV_DAYS > 0)) && mv=", meter values for the sessions of the last $N_MV_DAYS days"
printf 'bench-data: %d charge points over %d sites, %d transactions (%d running)%s loaded in %d.%01d s\n' \
	"$N_CP" "$N_SITES" "$N_TX" "$N_ACTIVE" "$mv" $((ms / 1000)) $((ms % 1000 / 100))
