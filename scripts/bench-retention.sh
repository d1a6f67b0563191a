#!/usr/bin/env bash
# bench-retention.sh — the disk a charge point's meter values take, kept
# raw and rolled up (sql/020, ocppd/mv_keep.c), measured on the database
# `make bench` has just filled: run by scripts/bench.sh at its end, with
# its stack still up.  The raw values are moved into a month past
# meter_values_retention_days, the way a table looks after months of
# running, and a second ocppd's upkeep pass (the real one) rolls them up
# and drops the month.  Writes docs/benchmarks-retention.md.
#
# Arguments: the bench instance directory and its OCPP port base.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BDIR=$1
BASE=$2
BIN=$ROOT/${CSMS_BUILD:-build}/bin
OUT=${CSMS_BENCH_RETENTION_OUT:-docs/benchmarks-retention.md}
DB=$(awk -F' = ' '/^db_name/ {print $2}' csms.conf)

db() {
	mariadb --no-defaults -S "$BDIR/run/mysqld.sock" -u "$(id -un)" -N -B "$DB" -e "$1"
}
# Rows and bytes (data + indexes, as InnoDB allocated them) of a table.
size() {
	db "ANALYZE TABLE $1" >/dev/null
	db "SELECT (SELECT COUNT(*) FROM $1), SUM(DATA_LENGTH + INDEX_LENGTH)
	    FROM information_schema.PARTITIONS
	    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '$1'"
}

read -r raw_rows raw_bytes < <(size meter_values)
old=$(date -u -d "$(date -u +%Y-%m-01) -5 months" +%Y-%m)
old_part=p${old/-/}
old_bound=$(date -u -d "$old-01 +1 month" +%Y-%m-%d)
first=$(db "SELECT PARTITION_NAME FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE()
	AND TABLE_NAME = 'meter_values' ORDER BY PARTITION_ORDINAL_POSITION LIMIT 1")
first_bound=$(db "SELECT PARTITION_DESCRIPTION FROM information_schema.PARTITIONS WHERE TABLE_SCHEMA = DATABASE()
	AND TABLE_NAME = 'meter_values' AND PARTITION_NAME = '$first'")
db "ALTER TABLE meter_values REORGANIZE PARTITION $first INTO (
	PARTITION $old_part VALUES LESS THAN ('$old_bound'), PARTITION $first VALUES LESS THAN ($first_bound))"
db "UPDATE meter_values SET day = '$old-15'"

log=$BDIR/out/retention-ocppd.log
t0=$EPOCHREALTIME
CSMS_CONF=$BDIR/csms.conf CSMS_OCPP_PORT=$((BASE + 47)) CSMS_CONTROL_SOCKET=$BDIR/run/keeper.sock \
	CSMS_LOG_LEVEL=info "$BIN/ocppd" -c "$BDIR/csms.conf" >"$log" 2>&1 &
pid=$!
for _ in $(seq 1200); do
	grep -q "meter values of $old_part rolled up" "$log" && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.25
done
t1=$EPOCHREALTIME
kill $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
grep -q "meter values of $old_part rolled up" "$log" ||
	{ echo "bench-retention: the month was not rolled up, see $log" >&2; exit 1; }
read -r roll_rows roll_bytes < <(size meter_rollup)
samples=$(db "SELECT SUM(samples) FROM meter_rollup")

awk -v rr="$raw_rows" -v rb="$raw_bytes" -v ur="$roll_rows" -v ub="$roll_bytes" -v s="$samples" \
	-v t0="$t0" -v t1="$t1" -v date="$(date -u +%Y-%m-%d)" -v pool="$(db 'SELECT @@innodb_buffer_pool_size DIV 1048576')" '
BEGIN {
	bps = rb / rr; bpr = ub / ur
	# The reference connector: four measurands a minute while charging,
	# eight hours a day, 30 days.
	raw_m = 4 * 60 * 8 * 30; roll_m = 4 * 4 * 8 * 30
	printf "# Meter values on disk\n\n"
	printf "Produced by `make bench` (scripts/bench-retention.sh) on %s, on the\n", date
	printf "database its closed-loop and fixed-rate runs filled (innodb_buffer_pool_size %d MB).\n\n", pool
	printf "| table | rows | bytes (data + indexes) | bytes per row |\n|---|---|---|---|\n"
	printf "| meter_values (as received) | %d | %d | %.0f |\n", rr, rb, bps
	printf "| meter_rollup (15 minutes) | %d | %d | %.0f |\n\n", ur, ub, bpr
	printf "The rollup of those %d values (a month past retention, by ocppd'"'"'s upkeep\n", s
	printf "pass) took %.1f s, %.0f values/s, on the same 2 cores; a month is rolled up\n", t1 - t0, s / (t1 - t0)
	printf "a range of transactions per statement, off the event loop.  cpsim'"'"'s load\n"
	printf "reports every few seconds, so its quarter hours hold %.1f values each; a\n", s / ur
	printf "real charger reporting once a minute puts 15 in each.\n\n"
	printf "## Per charge point\n\n"
	printf "A connector reporting four measurands a minute while charging, eight hours\n"
	printf "a day: %d values a month, %.1f MB as received; %d rollup rows a month,\n", raw_m, raw_m * bps / 1e6, roll_m
	printf "%.2f MB.  With `meter_values_retention_days = 90` (the default) it holds\n", roll_m * bpr / 1e6
	printf "at most four months of raw values (retention is by whole months: a month\n"
	printf "goes once its last day is past retention), %.0f MB, and its rollup grows by\n", 4 * raw_m * bps / 1e6
	printf "%.2f MB a month.  The message log (`ocpp_log`) is kept\n", roll_m * bpr / 1e6
	printf "`ocpp_log_retention_days` (7 by default) and dropped by whole days.\n"
}' >"$OUT"
echo "bench: written to $OUT"
