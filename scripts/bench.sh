#!/usr/bin/env bash
# bench.sh — `make bench`: a fresh stack on its own ports, cpsim's load
# mode against ocppd, and the figures written to docs/benchmarks.md with
# the command that produced them and the CPU split between ocppd, mariadbd
# and the load generator.
#
# Environment: CSMS_BENCH_PORT_BASE (default 29000), CSMS_BENCH_HOLD (CPs
# held, default 15000), CSMS_BENCH_SECONDS (per run, default 20),
# CSMS_BENCH_RATE (fixed-rate run, default 15000 msgs/s),
# CSMS_BENCH_OUT (default docs/benchmarks.md), CSMS_BENCH_CPS (CPs of
# the closed-loop and fixed-rate runs, default 1000), CSMS_BENCH_ONLY (run
# only these runs, e.g. "tput201", and print their rows instead of
# rewriting the page: a quick check of one run).  MariaDB runs with what
# `make run` uses: its var/db-sizing.conf when there is one, else sized
# from this machine the same way (scripts/stack.sh db_sizing);
# CSMS_DB_BUFFER_POOL / CSMS_DB_REDO_LOG override both, and the figures
# say which settings ran.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CSMS_BUILD=${CSMS_BUILD:-build}
BIN=$ROOT/$CSMS_BUILD/bin
BASE=${CSMS_BENCH_PORT_BASE:-29000}
HOLD=${CSMS_BENCH_HOLD:-15000}
SECS=${CSMS_BENCH_SECONDS:-20}
RATE=${CSMS_BENCH_RATE:-15000}
# Lower fixed rates: where the latency target holds on this machine.
CURVE=${CSMS_BENCH_CURVE:-2500 5000 10000}
OUT=${CSMS_BENCH_OUT:-docs/benchmarks.md}
CPS=${CSMS_BENCH_CPS:-1000}
ONLY=${CSMS_BENCH_ONLY:-}
BDIR=$ROOT/var/bench
TICK=$(getconf CLK_TCK)

[[ -x $BIN/cpsim && -x $BIN/ocppd ]] || { echo "bench: build first (make)" >&2; exit 1; }

scripts/instance.sh "$BDIR" "$BASE" log_level=warn >/dev/null
# make run's sizing, when it has made one (var/db-sizing.conf).
[[ -s var/db-sizing.conf ]] && cp var/db-sizing.conf "$BDIR/db-sizing.conf"
export CSMS_CONF=$BDIR/csms.conf
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT
CSMS_SEED_DEMO=1 scripts/stack.sh start >/dev/null
OCPPD_PID=$(cat "$BDIR/run/ocppd.pid")
DB_PID=$(cat "$BDIR/run/mariadb.pid")

cpu_ticks() { # utime + stime of a process
	awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

field() { # field NAME KEY: a number from a run's JSON summary
	node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));const v=process.argv[2].split(".").reduce((o,k)=>o==null?o:o[k],j);console.log(v==null?"-":v)' \
		"$BDIR/out/$1.json" "$2"
}

# Runs cpsim with the given arguments; leaves its JSON summary in $1.json
# and the CPU seconds of each process in $1.cpu.
run() {
	local name=$1
	shift
	local o0 d0 o1 d1
	o0=$(cpu_ticks "$OCPPD_PID")
	d0=$(cpu_ticks "$DB_PID")
	local t0=$EPOCHREALTIME
	"$BIN/cpsim" --load --json --pid "$OCPPD_PID" "$@" "ws://127.0.0.1:$BASE/BENCH${name}_" \
		>"$BDIR/out/$name.json" 2>"$BDIR/out/$name.err" &
	local cp=$!
	local c=0 polls=0
	while kill -0 "$cp" 2>/dev/null; do
		c=$(cpu_ticks "$cp")
		sleep 0.5
		# ocppd's own reply latency from 2 s into the run: after the
		# charge points' connects and boots, as cpsim's figures.
		((++polls == 4)) && "$BIN/csmsctl" -c "$CSMS_CONF" status reset_reply_latency=true >/dev/null
	done
	wait "$cp" || { echo "bench: cpsim $name failed: $(tail -n 2 "$BDIR/out/$name.err")" >&2; exit 1; }
	local t1=$EPOCHREALTIME
	"$BIN/csmsctl" -c "$CSMS_CONF" status >"$BDIR/out/$name.status"
	o1=$(cpu_ticks "$OCPPD_PID")
	d1=$(cpu_ticks "$DB_PID")
	awk -v o=$((o1 - o0)) -v d=$((d1 - d0)) -v c="$c" -v t="$TICK" -v t0="$t0" -v t1="$t1" \
		'BEGIN { w = t1 - t0; printf "%.0f%% / %.0f%% / %.0f%%", 100*o/t/w, 100*d/t/w, 100*c/t/w }' >"$BDIR/out/$name.cpu"
	# CPU time per answered message: what compares across machines, and
	# shows which side a regression came from (the clock tick, 10 ms, is
	# the resolution: a run answers ~100,000 messages or more).
	awk -v o=$((o1 - o0)) -v d=$((d1 - d0)) -v t="$TICK" -v n="$(field "$name" answered)" \
		'BEGIN { if (n > 0) printf "%.1f µs / %.1f µs", 1e6*o/t/n, 1e6*d/t/n; else printf "-" }' \
		>"$BDIR/out/$name.permsg"
}

# ocppd's p99 of a run in ms: from each frame read to its reply written
# (the load generator's figure adds its own waits and the network).
server_p99() {
	node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(j.reply_us.p99/1000)' \
		"$BDIR/out/$1.status"
}

want() { [[ -z $ONLY || " $ONLY " == *" $1 "* ]]; }

if want hold; then
	echo "bench: holding $HOLD connections"
	run hold --cps "$HOLD" --mix hold --rate 0 --seconds "$SECS" --ramp 15
fi
if want tput; then
	echo "bench: closed-loop throughput, $CPS CPs"
	run tput --cps "$CPS" --rate 0 --seconds "$SECS" --ramp 2
fi
# The same closed loop with every charge point speaking OCPP 2.0.1: the
# cycle as TransactionEvents (each stored once, deduplicated by seqNo).
if want tput201; then
	echo "bench: closed-loop throughput, $CPS CPs, OCPP 2.0.1"
	run tput201 --ocpp 2.0.1 --cps "$CPS" --rate 0 --seconds "$SECS" --ramp 2
fi
if want rate; then
	echo "bench: fixed rate $RATE msgs/s, $CPS CPs"
	run rate --cps "$CPS" --rate "$RATE" --seconds "$SECS"
fi
if want curve; then
	for r in $CURVE; do
		echo "bench: fixed rate $r msgs/s, $CPS CPs"
		run "rate$r" --cps "$CPS" --rate "$r" --seconds "$SECS"
	done
fi

row_tput201= cpu_tput201=
if want tput201; then
	row_tput201="| closed-loop throughput, OCPP 2.0.1 | \`cpsim --load --ocpp 2.0.1 --cps $CPS --rate 0 --seconds $SECS\` | \
$(field tput201 msgs_per_sec) msgs/s, p50 $(field tput201 latency_ms.p50) ms, p99 $(field tput201 latency_ms.p99) ms, \
CALLERRORs $(field tput201 callerrors), timeouts $(field tput201 timeouts) |"
	cpu_tput201="| closed-loop throughput, OCPP 2.0.1 | $(cat "$BDIR/out/tput201.cpu") | $(cat "$BDIR/out/tput201.permsg") |"
fi
# p99 against the offered rate, up to the fixed rate's.
curve_rows=
if want curve; then
	for r in $CURVE $RATE; do
		n=rate$r
		[[ $r == "$RATE" ]] && n=rate
		[[ -s $BDIR/out/$n.json ]] || continue
		curve_rows+="| $r | $(field "$n" msgs_per_sec) | $(field "$n" latency_ms.p50) | $(field "$n" latency_ms.p99) | $(server_p99 "$n") | $(field "$n" latency_ms.max) | $(cat "$BDIR/out/$n.cpu") | $(cat "$BDIR/out/$n.permsg") |"$'\n'
	done
fi
if [[ -n $ONLY ]]; then
	printf '%s' "$curve_rows"
	echo "$row_tput201"
	echo "$cpu_tput201"
	exit 0
fi

# The targets against this run's figures, and what the closed loop's
# would take at this run's CPU per message.
tput_rate=$(field tput msgs_per_sec)
rate_p99=$(field rate latency_ms.p99)
# (the file has no final newline: read's status would end the script)
read -r us_o us_d < <(sed 's/ µs//g; s/ \/ / /' "$BDIR/out/tput.permsg") || true
# The fixed rate's CPU split: how busy the cores were.
read -r cpu_o cpu_d cpu_c < <(sed 's/%//g; s/ \/ / /g' "$BDIR/out/rate.cpu") || true
targets=$(awk -v r="$tput_rate" -v p="$rate_p99" -v held="$(field rate msgs_per_sec)" -v want="$RATE" \
	-v o="$us_o" -v d="$us_d" -v cores="$(nproc)" -v cps="$CPS" \
	-v co="$cpu_o" -v cd="$cpu_d" -v cc="$cpu_c" -v sp="$(server_p99 rate)" '
	BEGIN {
		printf "| closed loop, %d charge points: at least 40,000 msgs/s | %.0f msgs/s | %s |\n",
		       cps, r, (r >= 40000 ? "met" : "**not met**")
		printf "| fixed %d msgs/s: p99 under 10 ms | p99 %s ms as cpsim measures it, %s ms ocppd'"'"'s own (%.0f msgs/s held) | %s |\n",
		       want, p, sp, held, (p < 10 && held >= 0.99 * want ? "met" : "**not met**")
		printf "\nWhat the first target takes: this run used %.1f + %.1f = %.1f µs of CPU\n", o, d, o + d
		printf "(ocppd + mariadbd) per answered message, so 40,000 msgs/s needs %.1f\n", (o + d) * 40000 / 1e6
		printf "cores for those two alone, on a machine of %d that also runs the load generator.\n", cores
		b = cores * 1e6 / 40000
		printf "On this machine the target needs everything, cpsim included, under %.0f µs a\n", b
		if (o + d > b)
			printf "message: a cut of %.0f%% or more.", 100 * (1 - b / (o + d))
		else
			printf "message, and ocppd with mariadbd took %.0f%% of that.", 100 * (o + d) / b
		printf "  Where the microseconds go: in\n"
		printf "ocppd the kernel (a receive and a send per message, and the switches of\n"
		printf "the database round trips) is about half; in mariadbd InnoDB'"'"'s own work per\n"
		printf "row written, and the meter values are 1.05 rows a message in\n"
		printf "this mix (docs/benchmarks-profile.md, docs/benchmarks-ocppd.md).\n"
		printf "\nWhat the second target takes: at the fixed rate ocppd, mariadbd and cpsim\n"
		printf "kept %.0f%% of the %d cores busy.  The tail is then the run queue: a\n", (co + cd + cc) / cores, cores
		printf "message waits for the batch before its own, a batch is about six statements,\n"
		printf "each a wake-up of the worker and of its MariaDB thread, and each wake-up may\n"
		printf "wait for a core while other threads run.  \`make bench-profile\` measures those waits per\n"
		printf "thread and the parts of a batch (docs/benchmarks-profile.md, \"Where a\n"
		printf "message waits\"); the COMMIT'"'"'s flush to disk is a fraction of a batch.\n"
	}')

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
flush=$(mariadb --no-defaults -S "$BDIR/run/mysqld.sock" -u "$(id -un)" -N -B \
	-e "SELECT CONCAT('innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit, ', sync_binlog=', @@sync_binlog, ', log_bin=', @@log_bin, ', innodb_buffer_pool_size=', @@innodb_buffer_pool_size DIV 1048576, 'M', ', innodb_log_file_size=', @@innodb_log_file_size DIV 1048576, 'M', ', innodb_io_capacity=', @@innodb_io_capacity)")

{
	cat <<EOF
# Benchmarks

Produced by \`make bench\` (scripts/bench.sh) on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu_model),
$(free -g | awk '/Mem:/ {print $2}') GiB, MariaDB $(mariadbd --version | awk '{print $3}'), ocppd with
$(awk -F' = ' '/^db_workers/ {print $2}' csms.conf) database workers; load generator \`cpsim --load\` on the same machine, loopback.
Load average when the runs ended: $(cut -d' ' -f1-3 /proc/loadavg) (the runs alone make about 3).
MariaDB settings during every run: $flush (with the first one, every
acknowledged message is committed to disk before its answer is sent).
They are \`make run\`'s: its private MariaDB is sized from the machine at
the first start (\`$(sed -n 's/^# written .*from \([0-9]*\) MB of$/\1/p' "$BDIR/db-sizing.conf") MB\` of memory available then;
\`var/db-sizing.conf\`, docs/deploy.md).

| run | command | result |
|---|---|---|
| connections held | \`cpsim --load --mix hold --cps $HOLD --seconds $SECS\` | $(field hold held) held, ocppd RSS $(field hold server_kb_per_conn) KiB per connection |
| closed-loop throughput | \`cpsim --load --cps $CPS --rate 0 --seconds $SECS\` | $(field tput msgs_per_sec) msgs/s, p50 $(field tput latency_ms.p50) ms, p99 $(field tput latency_ms.p99) ms, CALLERRORs $(field tput callerrors), timeouts $(field tput timeouts) |
$row_tput201
| fixed rate | \`cpsim --load --cps $CPS --rate $RATE --seconds $SECS\` | $(field rate msgs_per_sec) msgs/s, p50 $(field rate latency_ms.p50) ms, p95 $(field rate latency_ms.p95) ms, p99 $(field rate latency_ms.p99) ms (ocppd's own: $(server_p99 rate) ms), max $(field rate latency_ms.max) ms, CALLERRORs $(field rate callerrors), timeouts $(field rate timeouts) |

CPU split (ocppd / mariadbd / cpsim, 100% = one core), and CPU time per
answered message (ocppd / mariadbd):

| run | CPU | per message |
|---|---|---|
| connections held | $(cat "$BDIR/out/hold.cpu") | |
| closed-loop throughput | $(cat "$BDIR/out/tput.cpu") | $(cat "$BDIR/out/tput.permsg") |
$cpu_tput201
| fixed rate | $(cat "$BDIR/out/rate.cpu") | $(cat "$BDIR/out/rate.permsg") |

The message mix is cpsim's realistic one (StatusNotification, MeterValues,
Heartbeat, Authorize, StartTransaction/StopTransaction pairs); see
docs/cpsim.md.  The OCPP 2.0.1 row runs the same cycle in 2.0.1's
messages: TransactionEvent Started / Updated / Ended in place of
StartTransaction, MeterValues and StopTransaction. How ocppd gets there (group commit, one read round trip
per batch, coalesced multi-row writes) and the measurements behind each
step: docs/benchmarks-ocppd.md.

## Targets

| target | this run | |
|---|---|---|
$(printf '%s\n' "$targets" | sed -n '1,2p')
| the fixed rate held for ten minutes once the tables outgrow the buffer pool | \`make bench-long\`: docs/benchmarks-long.md | see there |
| 15,000 charge points back after a restart: 6 s over ws://, 20 s over wss:// (ECDSA P-256) | \`make bench-storm\`, quoted below | see below |
| an idle TLS link: 10 KB or less | about 19 KB (docs/benchmarks-storm.md) | **not met**: OpenSSL 3.0's own state per connection, about 14 KB |
| every API endpoint and dashboard page under 100 ms p95 at 100,000 charge points | \`make bench-web\`: docs/benchmarks-web.md | see there |
$(printf '%s\n' "$targets" | sed -n '3,$p')

## Latency against the offered rate

\`cpsim --load --cps $CPS --rate R --seconds $SECS\` for each rate R: how far
below the closed loop's throughput the latency target holds on this
machine (CPU: ocppd / mariadbd / cpsim, 100% = one core; per message:
ocppd / mariadbd).  p50, p99 and max are cpsim's, from a call sent to its
answer read; ocppd's own p99 is from the frame read to the reply written
(its \`status\`: \`reply_us\`, docs/control.md), from 2 s into the run,
after the connects and boots.

| offered msgs/s | held msgs/s | p50 ms | p99 ms | ocppd's own p99 ms | max ms | CPU | per message |
|---|---|---|---|---|---|---|---|
$(printf '%s' "$curve_rows")

Where the CPU of each message goes (perf on ocppd and mariadbd under this
closed loop): \`make bench-profile\`, docs/benchmarks-profile.md.

## Web tier

The REST API and the dashboard are measured on 1,000 charge points and
1,000,000 transactions (\`tools/bench-data.sh\`, then \`tools/bench-api.sh\`):
docs/benchmarks-api.md and docs/benchmarks-dashboard.md.  At fleet size
(100,000 charge points over 500 sites, 10,000,000 transactions, meter values
of 30 days; \`make bench-web\`): docs/benchmarks-web.md.

## The message log

The figures above run with the default \`ocpp_log = auto\`: every frame
recorded while a node holds at most 500 links, errors only above (these
runs hold 1,000); what \`all\` costs against \`errors\` and \`off\`:
docs/benchmarks-ocpp-log.md.

## Disk

Meter values as received and their 15-minute rollup past
\`meter_values_retention_days\`, per row and per charge point and month,
measured on the database these runs filled: docs/benchmarks-retention.md.

## Ten minutes past the buffer pool

The fixed rate for ten minutes on a fresh database, until the tables no
longer fit in MariaDB's buffer pool: \`make bench-long\`,
docs/benchmarks-long.md (the pool size it ran with is named there).

## Reconnect storm

15,000 charge points coming back at once after a restart, over ws:// and
wss:// (ECDSA P-256 and RSA-2048), and the memory of an idle link:
\`make bench-storm\`, docs/benchmarks-storm.md.  Its last figures:

EOF
	# The storm's own run writes its table; it is quoted, not re-run
	# (four minutes more, and a wave wants the machine to itself).
	sed -n '/^| run | online/,/^$/p' docs/benchmarks-storm.md
	echo '![charge points online over time](benchmarks-storm.svg)'
} >"$OUT"
echo "bench: written to $OUT"
scripts/bench-retention.sh "$BDIR" "$BASE"
cat "$OUT"
