#!/usr/bin/env bash
# 43-reconnect-storm.sh — a reconnect wave, small: 300 charge points with
# three connectors each connect at once (cpsim --mix storm) to an ocppd in an
# instance of its own whose boot_pending_backlog is tiny, so the shaping
# must act: BootNotification answered Pending (with the short interval)
# while the database queue is deep, the charge points boot again, and in
# the end every one is online with nothing refused, timed out or failed,
# and every connector's StatusNotification is in the database.  A bad
# boot_pending_interval stops ocppd with one line naming the key.
# (The 15,000-charge-point wave is make bench-storm, not make test.)
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

base=$((${CSMS_OCPP_URL##*:} + 330))
for v in $(compgen -e | grep '^CSMS_'); do
	case $v in
	CSMS_BIN | CSMS_BUILD | CSMS_ROOT | CSMS_TEST_OUT) ;;
	*) unset "$v" ;;
	esac
done
dir=$CSMS_TEST_OUT/reconnect-storm-$$
conf=$(scripts/instance.sh "$dir" "$base" boot_pending_backlog=10 \
	boot_pending_interval=1)
cleanup() { CSMS_CONF=$conf scripts/stack.sh stop >/dev/null 2>&1; }
trap cleanup EXIT

# The setting is validated at start: one clear line.
out=$(CSMS_BOOT_PENDING_INTERVAL=0 "$CSMS_BIN/ocppd" -c "$conf" --check-config 2>&1)
rc=$?
if ((rc != 0)) && [[ $(wc -l <<<"$out") -eq 1 && ${out,,} == *boot_pending_interval* ]]; then
	pass bad_setting_one_line
else
	fail bad_setting_one_line "rc=$rc: $out"
fi

if ! out=$(CSMS_CONF=$conf scripts/stack.sh start 2>&1); then
	fail instance_started "$out"
	exit 1
fi
"$CSMS_BIN/cpsim" --load --mix storm --cps 300 --connectors 3 --seconds 60 --json \
	--curve "$dir/out/curve.txt" "ws://127.0.0.1:$base/STORMT" \
	>"$dir/out/storm.json" 2>"$dir/out/storm.err"
rc=$?
j() { node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(JSON.stringify(j[process.argv[2]]))' "$dir/out/storm.json" "$1" 2>/dev/null; }
if ((rc == 0)) && [[ $(j online) == 300 && $(j ok) == true ]]; then
	pass all_online
else
	fail all_online "rc=$rc online=$(j online) failure=$(j failure) $(tail -n 3 "$dir/out/storm.err")"
fi
if [[ $(j connect_failed) == 0 && $(j timeouts) == 0 && $(j callerrors) == 0 &&
	$(j http_refusals) == '{}' && $(j closed_early) == 0 ]]; then
	pass nothing_refused
else
	fail nothing_refused "$(cat "$dir/out/storm.json")"
fi
pending=$(j boot_pending)
if [[ $pending =~ ^[0-9]+$ ]] && ((pending > 0)); then
	pass boot_pending_when_overloaded
else
	fail boot_pending_when_overloaded "boot_pending=$pending"
fi
if grep -q 'BootNotification | Pending for [12] s' "$dir/log/ocppd.log"; then
	pass pending_interval_short
else
	fail pending_interval_short "$(grep -m1 Pending "$dir/log/ocppd.log")"
fi
# The curve ends with every charge point online.
if tail -n 1 "$dir/out/curve.txt" | awk '{ exit !($4 == 300) }'; then
	pass curve_written
else
	fail curve_written "$(tail -n 2 "$dir/out/curve.txt")"
fi
n=$(mariadb --no-defaults -S "$dir/run/mysqld.sock" -u csms -p"$(cat "$dir/secrets/db_password")" \
	-N -B csms -e "SELECT COUNT(*) FROM connectors WHERE cp_id LIKE 'STORMT%' AND status = 'Available'" 2>&1)
if [[ $n == 1200 ]]; then
	pass statuses_stored
else
	fail statuses_stored "$n connector rows, want 1200 (300 x connectors 0..3)"
fi
exit $((fails > 0))
