#!/usr/bin/env bash
# bench-profile.sh — `make bench-profile`: where ocppd and mariadbd spend
# their CPU under make bench's closed loop (1,000 charge points, cpsim's
# realistic mix), sampled with perf, written to docs/benchmarks-profile.md
# with the command that produced it.  make bench says how fast; this says
# why not faster.
#
# A fresh stack on its own ports (CSMS_BENCH_PORT_BASE + 500, default
# 29500) with make run's MariaDB sizing, the normal build (-O2 -g: perf
# unwinds ocppd's stacks from its DWARF information).  Environment:
# CSMS_BENCH_SECONDS (the load, default 25; perf samples 10 s of it),
# CSMS_BENCH_OUT (default docs/benchmarks-profile.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CSMS_BUILD=${CSMS_BUILD:-build}
BIN=$ROOT/$CSMS_BUILD/bin
BASE=$((${CSMS_BENCH_PORT_BASE:-29000} + 500))
SECS=${CSMS_BENCH_SECONDS:-25}
OUT=${CSMS_BENCH_OUT:-docs/benchmarks-profile.md}
BDIR=$ROOT/var/bench-profile
TICK=$(getconf CLK_TCK)

command -v perf >/dev/null || {
	echo "bench-profile: perf not found (Debian: apt-get install linux-perf)" >&2
	exit 1
}
[[ -x $BIN/cpsim && -x $BIN/ocppd ]] || { echo "bench-profile: build first (make)" >&2; exit 1; }
((SECS >= 20)) || { echo "bench-profile: CSMS_BENCH_SECONDS must be 20 or more" >&2; exit 1; }

scripts/instance.sh "$BDIR" "$BASE" log_level=warn >/dev/null
[[ -s var/db-sizing.conf ]] && cp var/db-sizing.conf "$BDIR/db-sizing.conf"
export CSMS_CONF=$BDIR/csms.conf
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT
CSMS_SEED_DEMO=1 scripts/stack.sh start >/dev/null
OCPPD_PID=$(cat "$BDIR/run/ocppd.pid")
DB_PID=$(cat "$BDIR/run/mariadb.pid")
P=$BDIR/out
mkdir -p "$P"

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
db() { mariadb --no-defaults -S "$BDIR/run/mysqld.sock" -u "$(id -un)" -N -B -e "$1"; }
# MariaDB's own counters over the run: perf cannot follow mariadbd's
# stacks, these say what work each message asked of it.
status() {
	db "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
	    WHERE VARIABLE_NAME IN ('COM_STMT_EXECUTE', 'COM_COMMIT', 'HANDLER_WRITE',
	      'HANDLER_UPDATE', 'HANDLER_DELETE', 'HANDLER_READ_KEY', 'HANDLER_READ_NEXT',
	      'HANDLER_TMP_WRITE', 'CREATED_TMP_TABLES', 'INNODB_BUFFER_POOL_PAGES_FLUSHED')
	    ORDER BY 1"
}
db "SET GLOBAL userstat = 1; FLUSH TABLE_STATISTICS"
status >"$P/status0"
o0=$(ticks "$OCPPD_PID")
d0=$(ticks "$DB_PID")
t0=$EPOCHREALTIME
"$BIN/cpsim" --load --json --cps 1000 --rate 0 --seconds "$SECS" --ramp 2 \
	"ws://127.0.0.1:$BASE/PROF_" >"$P/load.json" 2>"$P/load.err" &
load=$!
sleep 7
perf record -q -F 499 --call-graph dwarf,16384 -p "$OCPPD_PID" -o "$P/ocppd.data" -- sleep 10 \
	>/dev/null 2>&1 &
p1=$!
perf record -q -F 499 -g -p "$DB_PID" -o "$P/mariadbd.data" -- sleep 10 >/dev/null 2>&1 &
p2=$!
wait "$p1" "$p2"
wait "$load" || { echo "bench-profile: cpsim failed: $(tail -n 2 "$P/load.err")" >&2; exit 1; }
t1=$EPOCHREALTIME
o1=$(ticks "$OCPPD_PID")
d1=$(ticks "$DB_PID")
status >"$P/status1"
db "SELECT TABLE_NAME, ROWS_READ, ROWS_CHANGED FROM information_schema.TABLE_STATISTICS
    WHERE TABLE_SCHEMA NOT IN ('mysql', 'performance_schema', 'information_schema')
    ORDER BY ROWS_CHANGED DESC, ROWS_READ DESC LIMIT 12" >"$P/tables"
db "SET GLOBAL userstat = 0"

field() {
	node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));const v=process.argv[2].split(".").reduce((o,k)=>o==null?o:o[k],j);console.log(v==null?"-":v)' \
		"$P/load.json" "$1"
}
answered=$(field answered)
per_msg_status() {
	join "$P/status0" "$P/status1" |
		awk -v n="$answered" '{ printf "| `%s` | %.3f |\n", tolower($1), ($3 - $2) / n }'
}
per_msg_tables() {
	awk -v n="$answered" -F'\t' '$2 + $3 > 0 { printf "| %s | %.3f | %.3f |\n", $1, $3 / n, $2 / n }' "$P/tables"
}
# Self time per shared object, and the hottest symbols (percent of the
# process's samples).
by_dso() {
	perf report -i "$1" --no-children --sort dso --stdio -g none 2>/dev/null |
		awk '/^ +[0-9.]+%/ { printf "| %s | %s |\n", $2, $1 }' | head -n 8
}
top_syms() {
	perf report -i "$1" --no-children --sort dso,sym --stdio -g none 2>/dev/null |
		awk '/^ +[0-9.]+%/ { pct = $1; dso = $2; $1 = ""; $2 = ""; $3 = "";
			sub(/^ +/, ""); printf "| %s | `%s` | %s |\n", pct, $0, dso }' | head -n "$2"
}
# Time in a function and everything it calls (ocppd: the stages of a
# message).
children() {
	perf report -i "$P/ocppd.data" --children --sort sym --stdio -g none 2>/dev/null |
		awk -v f="$1" '/^ +[0-9.]+%/ && ($NF == f || ($NF == "(inlined)" && $(NF - 1) == f)) { print $1; exit }'
}
stage() { # FUNCTION WHAT
	local v
	v=$(children "$1")
	printf '| `%s` | %s | %s |\n' "$1" "$2" "${v:-not sampled}"
}

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
	cat <<EOF
# Where the CPU goes

Produced by \`make bench-profile\` (scripts/bench-profile.sh) on $(date -u +%Y-%m-%d):
$(nproc) cores ($cpu_model), make run's MariaDB sizing, \`cpsim --load --cps 1000
--rate 0 --seconds $SECS\` (make bench's closed loop) with \`perf record\` on ocppd
(DWARF call graphs) and mariadbd for 10 s of it.

Load: $(field msgs_per_sec) msgs/s, p99 $(field latency_ms.p99) ms, $(field callerrors) CALLERRORs.
CPU over the whole run (100% = one core), and per answered message:

| process | CPU | per message |
|---|---|---|
$(awk -v o=$((o1 - o0)) -v d=$((d1 - d0)) -v t="$TICK" -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" -v n="$answered" \
		'BEGIN { printf "| ocppd | %.0f%% | %.1f µs |\n| mariadbd | %.0f%% | %.1f µs |\n", 100*o/t/w, 1e6*o/t/n, 100*d/t/w, 1e6*d/t/n }')

## ocppd

The stages of a message (a function and all it calls, % of ocppd's samples):

| function | what | % |
|---|---|---|
$(stage dispatch_frame "event loop: a frame in — parse, validate, queue or answer")
$(stage json_parse_strict "parsing the frame (cJSON) and the duplicate-key check")
$(stage rpc_check_call "validating the payload against the schema")
$(stage dbq_run_done "event loop: finished jobs — replies sent, calls freed")
$(stage ws_send "writing a reply (libwebsockets, the socket)")
$(stage run_tx "database workers: one batch transaction")
$(stage prefetch_fetch "the batch's reads (one round trip)")
$(stage coalesce_flush "the batch's multi-row writes")
$(stage db_commit "COMMIT (waits for the redo log flush)")
$(stage handle_meter_values "MeterValues rows")
$(stage handle_start_transaction "StartTransaction")
$(stage handle_stop_transaction "StopTransaction")
$(stage bind_row "the message log: reading, masking and binding a frame (\`ocpp_log = auto\` records errors only above 500 links)")

Self time by shared object:

| object | % |
|---|---|
$(by_dso "$P/ocppd.data")

Hottest functions (self):

| % | function | object |
|---|---|---|
$(top_syms "$P/ocppd.data" 15)

## mariadbd

Self time by shared object:

| object | % |
|---|---|
$(by_dso "$P/mariadbd.data")

Hottest functions (self; Debian's mariadbd has no frame pointers, so
only the function a sample landed in is known):

| % | function | object |
|---|---|---|
$(top_syms "$P/mariadbd.data" 20)

MariaDB's own counters over the whole run, per answered message
(\`SHOW GLOBAL STATUS\`; a statement a trigger runs counts as one):

| counter | per message |
|---|---|
$(per_msg_status)

Rows per answered message by table (\`userstat\`,
information_schema.TABLE_STATISTICS, over the whole run):

| table | rows written | rows read |
|---|---|---|
$(per_msg_tables)
EOF
} >"$OUT"
echo "bench-profile: written to $OUT"
cat "$OUT"
