#!/usr/bin/env bash
# bench-storm.sh — `make bench-storm`: the reconnect storm after an ocppd
# restart, measured.  A fresh stack on its own ports; a first wave of
# CPS charge points registers them; then ocppd is restarted and the
# measured wave comes back at once (cpsim --load --mix storm): WebSocket
# open, BootNotification answered, each connector's StatusNotification
# stored.  The same over TLS with an ECDSA P-256 and an RSA-2048
# certificate.  Figures, commands and the chart (charge points online over
# time, scripts/storm-chart.mjs) go to docs/benchmarks-storm.md and
# docs/benchmarks-storm.svg.
#
# Environment: CSMS_BENCH_PORT_BASE (default 29400), CSMS_STORM_CPS
# (default 15000), CSMS_STORM_CONNECTORS (default 2),
# CSMS_STORM_CONNECTING / CSMS_STORM_TLS_CONNECTING (cpsim's handshakes
# in progress over ws:// / wss://, default 500 / 200: above that lws's
# client slows cpsim itself down), CSMS_STORM_MEMCPS (idle links for the
# memory figures, default 5000),
# CSMS_BENCH_OUT (default docs/benchmarks-storm.md).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CSMS_BUILD=${CSMS_BUILD:-build}
BIN=$ROOT/$CSMS_BUILD/bin
BASE=${CSMS_BENCH_PORT_BASE:-29400}
CPS=${CSMS_STORM_CPS:-15000}
CONN=${CSMS_STORM_CONNECTORS:-2}
CONNECTING=${CSMS_STORM_CONNECTING:-500}
TLS_CONNECTING=${CSMS_STORM_TLS_CONNECTING:-200}
OUT=${CSMS_BENCH_OUT:-docs/benchmarks-storm.md}
SVG=${OUT%.md}.svg
BDIR=$ROOT/var/bench-storm

[[ -x $BIN/cpsim && -x $BIN/ocppd ]] || { echo "bench-storm: build first (make)" >&2; exit 1; }

scripts/instance.sh "$BDIR" "$BASE" log_level=warn >/dev/null
[[ -s var/db-sizing.conf ]] && cp var/db-sizing.conf "$BDIR/db-sizing.conf"
export CSMS_CONF=$BDIR/csms.conf
trap 'scripts/stack.sh stop >/dev/null 2>&1 || true' EXIT
scripts/stack.sh start >/dev/null

# Certificates for the TLS runs (throwaway, this run only).
mkdir -p "$BDIR/tls"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj /CN=127.0.0.1 -keyout "$BDIR/tls/ec.key" -out "$BDIR/tls/ec.pem" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
	-subj /CN=127.0.0.1 -keyout "$BDIR/tls/rsa.key" -out "$BDIR/tls/rsa.pem" 2>/dev/null

field() { # field RUN KEY
	node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));const v=j[process.argv[2]];console.log(v==null?"-":v)' \
		"$BDIR/out/$1.json" "$2"
}

# restart [key=value ...]: ocppd again, with these settings (a restart is
# what the wave follows).
restart() {
	scripts/stack.sh ocppd-stop >/dev/null 2>&1 || true
	local env=()
	for kv in "$@"; do env+=("CSMS_${kv%%=*}=${kv#*=}"); done
	env "${env[@]}" scripts/stack.sh ocppd-start >/dev/null
}

# idle NAME URL [cpsim args]: ocppd's resident memory per idle link —
# MEMCPS links held (cpsim --mix hold), measured 5 s after the last one
# is up (once ocppd has given the handshakes' free pages back).
MEMCPS=${CSMS_STORM_MEMCPS:-5000}
idle() {
	local name=$1 url=$2
	shift 2
	local pid r0 r1
	pid=$(cat "$BDIR/run/ocppd.pid")
	r0=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	"$BIN/cpsim" --load --mix hold --cps "$MEMCPS" --max-connecting 500 --seconds 30 --quiet \
		"$@" "$url/IDLE" >"$BDIR/out/$name.hold" 2>&1 &
	local cp=$!
	for _ in $(seq 1 120); do
		(($(ls "/proc/$pid/fd" | wc -l) > MEMCPS)) && break
		sleep 0.5
	done
	sleep 5
	r1=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
	wait "$cp" || true
	awk -v a="$r0" -v b="$r1" -v n="$MEMCPS" 'BEGIN { printf "%.1f", (b - a) / n }' >"$BDIR/out/$name.kb"
}

# wave NAME URL [cpsim args]: one measured wave after a restart.
wave() {
	local name=$1 url=$2
	shift 2
	local conc=$CONNECTING
	[[ $url == wss:* ]] && conc=$TLS_CONNECTING
	"$BIN/cpsim" --load --mix storm --json --cps "$CPS" --connectors "$CONN" \
		--max-connecting "$conc" --seconds 120 --pid "$(cat "$BDIR/run/ocppd.pid")" \
		--curve "$BDIR/out/$name.curve" "$@" "$url/STORM" \
		>"$BDIR/out/$name.json" 2>"$BDIR/out/$name.err" ||
		echo "bench-storm: $name: $(tail -n 1 "$BDIR/out/$name.err")" >&2
}

echo "bench-storm: first wave ($CPS charge points register)"
wave first "ws://127.0.0.1:$BASE"
echo "bench-storm: ws:// wave after a restart"
restart
wave plain "ws://127.0.0.1:$BASE"
echo "bench-storm: ws:// memory per idle link"
restart
idle plain "ws://127.0.0.1:$BASE"
echo "bench-storm: wss:// ECDSA P-256 wave after a restart"
restart TLS_CERT="$BDIR/tls/ec.pem" TLS_KEY="$BDIR/tls/ec.key"
wave tls_ec "wss://127.0.0.1:$BASE" --insecure
echo "bench-storm: wss:// memory per idle link"
restart TLS_CERT="$BDIR/tls/ec.pem" TLS_KEY="$BDIR/tls/ec.key"
idle tls_ec "wss://127.0.0.1:$BASE" --insecure
echo "bench-storm: wss:// RSA-2048 wave after a restart"
restart TLS_CERT="$BDIR/tls/rsa.pem" TLS_KEY="$BDIR/tls/rsa.key"
wave tls_rsa "wss://127.0.0.1:$BASE" --insecure

# What OpenSSL itself keeps per idle server link (tools/tls-idle-mem.c).
cc -O2 -o "$BDIR/tls-idle-mem" tools/tls-idle-mem.c -lssl -lcrypto
"$BDIR/tls-idle-mem" "$BDIR/tls/ec.pem" "$BDIR/tls/ec.key" >"$BDIR/out/openssl13.txt"
"$BDIR/tls-idle-mem" "$BDIR/tls/ec.pem" "$BDIR/tls/ec.key" tls1.2 >"$BDIR/out/openssl12.txt"

node scripts/storm-chart.mjs "$SVG" "$CPS" \
	"ws://=$BDIR/out/plain.curve" \
	"wss:// ECDSA P-256=$BDIR/out/tls_ec.curve" \
	"wss:// RSA-2048=$BDIR/out/tls_rsa.curve"

row() { # row RUN LABEL
	echo "| $2 | $(field "$1" online) / $CPS | $(field "$1" open_secs) s | $(field "$1" booted_secs) s | **$(field "$1" online_secs) s** | $(field "$1" boot_pending) | $(field "$1" connect_failed) / $(field "$1" timeouts) / $(field "$1" callerrors) |"
}
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
{
	cat <<EOF
# Reconnect storm

Produced by \`make bench-storm\` (scripts/bench-storm.sh) on $(date -u +%Y-%m-%d): $(nproc) cores
($cpu_model), $(free -g | awk '/Mem:/ {print $2}') GiB; ocppd, MariaDB and the load generator on the same
machine, loopback, \`make run\`'s settings (durable commits).

What is measured: $CPS charge points with $CONN connectors, registered by a first
wave, come back all at once after ocppd is restarted — each opens its
WebSocket, sends BootNotification (a \`Pending\` answer is retried after
its interval), then a StatusNotification for connector 0 and each
connector.  A charge point is *online* when its last status is answered:
ocppd answers after the COMMIT, so it is stored.  cpsim opens at most
$CONNECTING handshakes at a time over ws:// and $TLS_CONNECTING over wss://
(\`--max-connecting\`; the rest wait in ocppd's accept queue).  The
machine is shared: load average $(cut -d' ' -f1-3 /proc/loadavg) when the runs ended.

\`\`\`
cpsim --load --mix storm --cps $CPS --connectors $CONN --max-connecting $CONNECTING \\
      --seconds 120 --pid \$(cat var/run/ocppd.pid) --curve FILE ws://127.0.0.1:9000/STORM
\`\`\`

(\`wss://…\` with \`--insecure --max-connecting $TLS_CONNECTING\` for the TLS runs, ocppd with
\`tls_cert\`/\`tls_key\`.)

| run | online | last link open | last boot accepted | all online | Pending answers | failed / timeouts / CALLERRORs |
|---|---|---|---|---|---|---|
$(row plain "ws://")
$(row tls_ec "wss:// ECDSA P-256")
$(row tls_rsa "wss:// RSA-2048")

![charge points online over time](benchmarks-storm.svg)

## Memory per idle link

ocppd's VmRSS with $MEMCPS idle links held (\`cpsim --mix hold\`), 5 s after the
last one came up, minus before, per link:

| link | KiB per idle link |
|---|---|
| ws:// | $(cat "$BDIR/out/plain.kb") |
| wss:// (ECDSA P-256, TLS 1.3) | $(cat "$BDIR/out/tls_ec.kb") |

What OpenSSL $(openssl version | awk '{print $2}') itself keeps per idle server link, as
libwebsockets sets it up (\`tools/tls-idle-mem.c\`: 200 handshakes over
socket pairs, one message each way, bytes still allocated through OpenSSL's
allocator):

\`\`\`
$(cat "$BDIR/out/openssl13.txt")
$(head -n 1 "$BDIR/out/openssl12.txt")
\`\`\`

EOF
cat docs/benchmarks-storm-notes.md >>"$OUT"
} >"$OUT"
echo "bench-storm: written to $OUT and $SVG"
cat "$OUT"
