#!/usr/bin/env bash
# bench-profile.sh — `make bench-profile`: where ocppd and mariadbd spend
# their CPU under make bench's closed loop (1,000 charge points, cpsim's
# realistic mix), sampled with perf, written to docs/benchmarks-profile.md
# with the command that produced it, then make bench's fixed rate again
# with each thread's run-queue waits and the parts of a database batch.
# make bench says how fast; this says why not faster, and what waits.
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

# ---- Where a message waits: make bench's fixed rate, no perf ----------
# Per thread (/proc/PID/task/TID/schedstat): time on a core, time
# runnable but waiting for one (the run queue), and wake-ups.  What is
# neither was asleep: waiting for the database, the disk or the next job.
FIXED=${CSMS_BENCH_RATE:-15000}
sched() { # PID...: "tid comm run_ns wait_ns slices" of every thread
	local p t
	for p in "$@"; do
		for t in /proc/"$p"/task/*; do
			printf '%s %s %s\n' "${t##*/}" "$(tr ' ' '_' <"$t/comm")" "$(cat "$t/schedstat")"
		done 2>/dev/null
	done
}
ctl_status() { "$BIN/csmsctl" -c "$CSMS_CONF" status; }
ctl_status >"$P/ctl0"
sched "$OCPPD_PID" >"$P/o-sched0"
sched "$DB_PID" >"$P/d-sched0"
f0=$EPOCHREALTIME
"$BIN/cpsim" --load --json --cps 1000 --rate "$FIXED" --seconds 20 \
	"ws://127.0.0.1:$BASE/WAIT_" >"$P/fixed.json" 2>"$P/fixed.err" &
load=$!
sleep 1
sched "$load" >"$P/c-sched0"
while kill -0 "$load" 2>/dev/null; do
	sched "$load" >"$P/c-sched1.tmp" && [[ -s $P/c-sched1.tmp ]] && mv "$P/c-sched1.tmp" "$P/c-sched1"
	sleep 0.5
done
wait "$load" || { echo "bench-profile: cpsim failed: $(tail -n 2 "$P/fixed.err")" >&2; exit 1; }
f1=$EPOCHREALTIME
sched "$OCPPD_PID" >"$P/o-sched1"
sched "$DB_PID" >"$P/d-sched1"
ctl_status >"$P/ctl1"
fixed_answered=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).answered)' "$P/fixed.json")
workers=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).db_workers)' "$P/ctl1")
# One row per group of threads: NAME BEFORE AFTER SELECT, where SELECT
# picks threads by name (a regex) or "top N" / "rest N" by time on a core.
wait_row() {
	awk -v name="$1" -v sel="$4" -v n="$fixed_answered" -v wall="$(awk -v a="$f0" -v b="$f1" 'BEGIN{print b-a}')" '
		NR == FNR { r[$1] = $3; w[$1] = $4; s[$1] = $5; next }
		($1 in r) { d[++k] = $3 - r[$1]; q[k] = $4 - w[$1]; z[k] = $5 - s[$1]; c[k] = $2 }
		END {
			split(sel, a, " ")
			# rank by time on a core, for "top N" / "rest N"
			for (i = 1; i <= k; i++) { rank[i] = 1
				for (j = 1; j <= k; j++) if (d[j] > d[i] || (d[j] == d[i] && j < i)) rank[i]++ }
			for (i = 1; i <= k; i++) {
				take = a[1] == "top" ? rank[i] <= a[2] : a[1] == "rest" ? rank[i] > a[2] : c[i] ~ sel
				if (!take) continue
				run += d[i]; wt += q[i]; sl += z[i]
			}
			printf "| %s | %.0f%% | %.0f%% | %.1f µs | %.1f µs | %.2f | %.0f µs |\n", name,
				100 * run / 1e9 / wall, 100 * wt / 1e9 / wall, run / 1e3 / n, wt / 1e3 / n,
				sl / n, sl ? wt / 1e3 / sl : 0
		}' "$2" "$3"
}
batch_rows() {
	node -e '
		const fs = require("fs");
		const a = JSON.parse(fs.readFileSync(process.argv[1])), b = JSON.parse(fs.readFileSync(process.argv[2]));
		const nb = b.db_batches - a.db_batches, nj = b.db_jobs - a.db_jobs;
		const part = (p, what) => console.log(`| ${p} | ${what} | ${((b.db_time_us[p] - a.db_time_us[p]) / nb / 1000).toFixed(2)} ms |`);
		console.log(`${nb} batches, ${(nj / nb).toFixed(1)} jobs a batch on average.\n`);
		console.log("| part | what | mean wall time a batch |");
		console.log("|---|---|---|");
		part("read", "BEGIN and the batch\x27s reads (one round trip)");
		part("run", "the handlers and their own statements (StartTransaction\x27s INSERT, StopTransaction\x27s UPDATE, ...)");
		part("write", "the multi-row writes (meter values, statuses, last seen, ...)");
		part("commit", "COMMIT: the redo log written and flushed to disk");
	' "$P/ctl0" "$P/ctl1"
}

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

## Where a message waits: a fixed $FIXED msgs/s

After the closed loop, \`cpsim --load --cps 1000 --rate $FIXED --seconds 20\`
(make bench's fixed-rate run) without perf: $(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(`${j.msgs_per_sec} msgs/s held, p50 ${j.latency_ms.p50} ms, p99 ${j.latency_ms.p99} ms, max ${j.latency_ms.max} ms`)' "$P/fixed.json").

Each thread's time on a core, and its time runnable but waiting for a
core (the run queue), from /proc/PID/task/TID/schedstat over the run
(100% = one core); per answered message, with the wake-ups (a thread
going back on a core after it blocked or was preempted) and the mean run
queue wait of one:

| threads | on a core | waiting for a core | on a core, per message | waiting, per message | wake-ups per message | wait per wake-up |
|---|---|---|---|---|---|---|
$(wait_row "ocppd: event loop" "$P/o-sched0" "$P/o-sched1" '^ocppd$')
$(wait_row "ocppd: database workers" "$P/o-sched0" "$P/o-sched1" '^db_worker')
$(wait_row "mariadbd: the $workers busiest threads (the workers' connections)" "$P/d-sched0" "$P/d-sched1" "top $workers")
$(wait_row "mariadbd: every other thread" "$P/d-sched0" "$P/d-sched1" "rest $workers")
$(wait_row "cpsim (the load)" "$P/c-sched0" "$P/c-sched1" '.')

A batch of the database workers (ocppd's \`status\`: \`db_batches\`,
\`db_jobs\`, \`db_time_us\`, over the run; wall time, waits included):

$(batch_rows)
EOF
} >"$OUT"
echo "bench-profile: written to $OUT"
cat "$OUT"
