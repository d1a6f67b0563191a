#!/usr/bin/env bash
# 41-cpsim-reconnect.sh — cpsim --reconnect and --journal against the real
# ocppd in an instance of its own: ocppd is killed with SIGKILL while a
# session-mode charge point is mid-session and 100 load-mode charge points
# run their mix, then started again.  Both cpsim runs must reconnect,
# resend what had no answer (same id, so ocppd answers a retried
# StartTransaction with the first transactionId) and end ok; every
# journaled Start/StopTransaction must be in the database with its values,
# and the database's invariants must hold.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

base=$((${CSMS_OCPP_URL##*:} + 310))
# The suite's CSMS_* variables override config keys (CSMS_DB_SOCKET, ...):
# this instance is configured by its own file only.
for v in $(compgen -e | grep '^CSMS_'); do
	case $v in
	CSMS_BIN | CSMS_BUILD | CSMS_ROOT | CSMS_TEST_OUT) ;;
	*) unset "$v" ;;
	esac
done
dir=$CSMS_TEST_OUT/cpsim-reconnect-$$
conf=$(scripts/instance.sh "$dir" "$base")
cleanup() {
	[[ -n ${spid:-} ]] && kill "$spid" 2>/dev/null
	[[ -n ${lpid:-} ]] && kill "$lpid" 2>/dev/null
	CSMS_CONF=$conf scripts/stack.sh stop >/dev/null 2>&1
}
trap cleanup EXIT
if ! out=$(CSMS_CONF=$conf CSMS_SEED_DEMO=1 scripts/stack.sh start 2>&1); then
	fail instance_started "$out"
	exit 1
fi
export DB_SOCKET=$dir/run/mysqld.sock DB_USER=csms DB_NAME=csms
DB_PASS=$(cat "$dir/secrets/db_password")
export DB_PASS
url=ws://127.0.0.1:$base
sj=$dir/out/session.jsonl
lj=$dir/out/load.jsonl

"$CSMS_BIN/cpsim" --reconnect --journal "$sj" --exit-after-session --sessions 4 \
	--duration 2 --meter-interval 1 --quiet "$url/RC-SESSION-1" >"$dir/out/session.out" 2>&1 &
spid=$!
"$CSMS_BIN/cpsim" --load --reconnect --journal "$lj" --json --cps 100 --seconds 12 --ramp 1 \
	"$url/RCLOAD" >"$dir/out/load.json" 2>"$dir/out/load.err" &
lpid=$!

# Kill when both have acknowledged transactions: the session its first
# start, the load run a few hundred.
lines() { [[ -f $1 ]] && wc -l <"$1" || echo 0; }
for _ in $(seq 1 300); do
	(($(lines "$sj") >= 1 && $(lines "$lj") >= 300)) && break
	sleep 0.1
done
if (($(lines "$sj") >= 1 && $(lines "$lj") >= 300)); then
	pass transactions_before_kill
else
	fail transactions_before_kill "session $(lines "$sj"), load $(lines "$lj") journal lines"
fi
opid=$(cat "$dir/run/ocppd.pid")
kill -9 "$opid"
# Gone, or a zombie nobody reaps yet (a container's init may not).
for _ in $(seq 1 100); do
	[[ $(awk '/^State:/ {print $2}' "/proc/$opid/status" 2>/dev/null) =~ ^(Z|)$ ]] && break
	sleep 0.05
done
rm -f "$dir/run/ocppd.pid"
sleep 1
if out=$(CSMS_CONF=$conf scripts/stack.sh ocppd-start 2>&1) && [[ $(cat "$dir/run/ocppd.pid") != "$opid" ]]; then
	pass ocppd_restarted
else
	fail ocppd_restarted "$out"
fi

wait "$spid"
src=$?
spid=
wait "$lpid"
lrc=$?
lpid=
summary=$(tail -n 1 "$dir/out/session.out")
reconnects=$(sed -n 's/.* reconnects=\([0-9]*\).*/\1/p' <<<"$summary")
if ((src == 0)) && [[ $summary == *" ok" && $summary == *"sessions=4 "* ]] && ((reconnects >= 1)); then
	pass session_reconnected_and_finished
else
	fail session_reconnected_and_finished "rc=$src $summary"
fi
check=$(node -e '
const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ok = j.ok && j.link_drops === 100 && j.reconnected === 100 && j.held === 100 &&
	j.unanswered_end === 0 && j.sent === j.answered && j.timeouts === 0 && j.callerrors === 0;
console.log(ok ? "ok" : JSON.stringify(j));
' "$dir/out/load.json" 2>&1)
((lrc == 0)) && [[ $check == ok ]] && pass load_reconnected_all_answered ||
	fail load_reconnected_all_answered "rc=$lrc $check $(tail -n 2 "$dir/out/load.err")"

out=$(node tests/cluster/journal-check.mjs "$sj" --prefix RC-SESSION-1 2>&1) &&
	[[ $out == *'"starts":4,"stops":4,'* ]] && pass session_journal_in_database ||
	fail session_journal_in_database "$out"
out=$(node tests/cluster/journal-check.mjs "$lj" --prefix RCLOAD 2>&1) &&
	pass load_journal_in_database || fail load_journal_in_database "$out"
# A retried StartTransaction was recognised: no session the charge point
# was not told about.
n=$(mariadb --no-defaults -S "$DB_SOCKET" -u csms -p"$DB_PASS" csms -N -B -e \
	"SELECT COUNT(*) FROM transactions WHERE cp_id = 'RC-SESSION-1'")
[[ $n == 4 ]] && pass session_no_duplicate_transaction || fail session_no_duplicate_transaction "$n rows"
exit $((fails > 0))
