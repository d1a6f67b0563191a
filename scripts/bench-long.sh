#!/usr/bin/env bash
# bench-long.sh — `make bench-long`: the fixed rate held for many minutes,
# long enough for the tables to outgrow MariaDB's buffer pool, one line of
# figures per minute, written to docs/benchmarks-long.md.  make bench's
# 20-second runs never leave memory; this shows what happens when InnoDB
# has to write pages back and read them in again under the commits.
#
# A fresh stack on its own ports (CSMS_BENCH_PORT_BASE + 700, default
# 29700).  Environment: CSMS_BENCH_MINUTES (default 10), CSMS_BENCH_RATE
# (default 15000 msgs/s), CSMS_BENCH_LONG_OUT (default
# docs/benchmarks-long.md).  MariaDB is sized as `make run` sizes it
# unless CSMS_DB_BUFFER_POOL / CSMS_DB_REDO_LOG say otherwise; the figures
# name the sizes that ran.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CSMS_BUILD=${CSMS_BUILD:-build}
BIN=$ROOT/$CSMS_BUILD/bin
BASE=$((${CSMS_BENCH_PORT_BASE:-29000} + 700))
MINUTES=${CSMS_BENCH_MINUTES:-10}
RATE=${CSMS_BENCH_RATE:-15000}
OUT=${CSMS_BENCH_LONG_OUT:-docs/benchmarks-long.md}
BDIR=$ROOT/var/bench-long
TICK=$(getconf CLK_TCK)

[[ -x $BIN/cpsim && -x $BIN/ocppd ]] || { echo "bench-long: build first (make)" >&2; exit 1; }
[[ $MINUTES =~ ^[1-9][0-9]*$ ]] || { echo "bench-long: CSMS_BENCH_MINUTES must be a whole number of minutes" >&2; exit 1; }

# A fresh database each time: the point is to watch the tables grow.
[[ -f $BDIR/csms.conf ]] && { CSMS_CONF=$BDIR/csms.conf scripts/stack.sh stop >/dev/null 2>&1 || true; }
rm -rf "$BDIR"
scripts/instance.sh "$BDIR" "$BASE" log_level=warn >/dev/null
[[ -s var/db-sizing.conf ]] && cp var/db-sizing.conf "$BDIR/db-sizing.conf"
export CSMS_CONF=$BDIR/csms.conf
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT
CSMS_SEED_DEMO=1 scripts/stack.sh start >/dev/null
OCPPD_PID=$(cat "$BDIR/run/ocppd.pid")
DB_PID=$(cat "$BDIR/run/mariadb.pid")
DB=$(awk -F' = ' '/^db_name/ {print $2}' "$CSMS_CONF" csms.conf | head -n 1)
DB=${DB:-csms}
mkdir -p "$BDIR/out"

db() {
	mariadb --no-defaults -S "$BDIR/run/mysqld.sock" -u "$(id -un)" -N -B "$DB" -e "$1"
}
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status() { # a global status counter
	db "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '$1'"
}
# Data + indexes of the tables the load writes, in MB (InnoDB's own
# accounting, refreshed by ANALYZE).
tables_mb() {
	db "ANALYZE TABLE meter_values, transactions, connectors, charge_points" >/dev/null
	db "SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576)
	    FROM information_schema.PARTITIONS
	    WHERE TABLE_SCHEMA = DATABASE()
	      AND TABLE_NAME IN ('meter_values', 'transactions', 'connectors', 'charge_points')"
}
field() { # field FILE KEY: a number from cpsim's JSON summary
	node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));const v=process.argv[2].split(".").reduce((o,k)=>o==null?o:o[k],j);console.log(v==null?"-":v)' "$1" "$2"
}

pool_mb=$(db "SELECT @@innodb_buffer_pool_size DIV 1048576")
redo_mb=$(db "SELECT @@innodb_log_file_size DIV 1048576")
rows=""
for m in $(seq 1 "$MINUTES"); do
	o0=$(ticks "$OCPPD_PID")
	d0=$(ticks "$DB_PID")
	r0=$(status INNODB_BUFFER_POOL_READS)
	w0=$(status INNODB_BUFFER_POOL_PAGES_FLUSHED)
	j=$BDIR/out/minute-$m.json
	# One cpsim per minute: the same 1,000 identities reconnect (a second
	# of handshakes at the start of each minute, as in make bench).
	"$BIN/cpsim" --load --json --cps 1000 --rate "$RATE" --seconds 60 \
		"ws://127.0.0.1:$BASE/LONG_" >"$j" 2>"$BDIR/out/minute-$m.err" ||
		{ echo "bench-long: cpsim failed in minute $m: $(tail -n 2 "$BDIR/out/minute-$m.err")" >&2; exit 1; }
	o1=$(ticks "$OCPPD_PID")
	d1=$(ticks "$DB_PID")
	r1=$(status INNODB_BUFFER_POOL_READS)
	w1=$(status INNODB_BUFFER_POOL_PAGES_FLUSHED)
	n=$(field "$j" answered)
	load=$(cut -d' ' -f1 /proc/loadavg)
	size=$(tables_mb)
	line=$(awk -v m="$m" -v rate="$(field "$j" msgs_per_sec)" -v p50="$(field "$j" latency_ms.p50)" \
		-v p99="$(field "$j" latency_ms.p99)" -v max="$(field "$j" latency_ms.max)" \
		-v to="$(field "$j" timeouts)" -v o=$((o1 - o0)) -v d=$((d1 - d0)) -v t="$TICK" -v n="$n" \
		-v size="$size" -v pool="$pool_mb" -v r=$((r1 - r0)) -v w=$((w1 - w0)) -v la="$load" \
		'BEGIN { printf "| %d | %.0f | %s | %s | %s | %s | %.1f / %.1f | %d MB (%.0f%% of the pool) | %d | %d | %s |",
		         m, rate, p50, p99, max, to, 1e6*o/t/n, 1e6*d/t/n, size, 100*size/pool, r, w, la }')
	echo "bench-long: $line"
	rows+="$line"$'\n'
done

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
	cat <<EOF
# Benchmarks: the fixed rate for $MINUTES minutes

Produced by \`make bench-long\` (scripts/bench-long.sh) on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu_model),
$(free -g | awk '/Mem:/ {print $2}') GiB, MariaDB $(mariadbd --version | awk '{print $3}'), durable
(innodb_flush_log_at_trx_commit=1), innodb_buffer_pool_size=${pool_mb}M,
innodb_log_file_size=${redo_mb}M$(
		if [[ -n ${CSMS_DB_BUFFER_POOL:-}${CSMS_DB_REDO_LOG:-} ]]; then
			echo " (set for this run: CSMS_DB_BUFFER_POOL=${CSMS_DB_BUFFER_POOL:-} CSMS_DB_REDO_LOG=${CSMS_DB_REDO_LOG:-}, what \`make run\` gives a machine with about $((pool_mb * 4)) MB of memory available)"
		else
			echo " (\`make run\`'s sizing for this machine)"
		fi
	).

Command, one line per minute: \`cpsim --load --cps 1000 --rate $RATE --seconds 60\`,
$MINUTES times in a row on a fresh database.  Tables: data and indexes of
meter_values, transactions, connectors and charge_points; disk reads:
pages InnoDB had to read back (\`Innodb_buffer_pool_reads\`); pages
flushed: pages written back (\`Innodb_buffer_pool_pages_flushed\`); load:
the 1-minute load average at the end of the minute (the benchmark alone
makes about 3 on two cores).

| minute | msgs/s | p50 ms | p99 ms | max ms | timeouts | µs CPU per msg (ocppd / mariadbd) | tables | disk reads | pages flushed | load |
|---|---|---|---|---|---|---|---|---|---|---|
EOF
	printf '%s' "$rows"
	# The reading of the figures is kept by hand beside the script.
	cat docs/benchmarks-long-notes.md
} >"$OUT"
echo "bench-long: written to $OUT"
