#!/usr/bin/env bash
# 23-start-contended.sh — ocppd starting while another node's writes hold
# the rows it marks disconnected at start-up: it waits them out (a lock
# wait timeout or a deadlock is run again) and starts, instead of stopping
# with "database: Deadlock found" as a second node of a cluster did when
# the first was busy.  An instance of its own, with a 1 s lock wait.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

base=$((${CSMS_OCPP_URL##*:} + 350))
for v in $(compgen -e | grep '^CSMS_'); do
	case $v in
	CSMS_BIN | CSMS_BUILD | CSMS_ROOT | CSMS_TEST_OUT) ;;
	*) unset "$v" ;;
	esac
done
dir=$CSMS_TEST_OUT/start-contended-$$
conf=$(scripts/instance.sh "$dir" "$base")
cleanup() { CSMS_CONF=$conf scripts/stack.sh stop >/dev/null 2>&1; }
trap cleanup EXIT

if ! out=$(CSMS_CONF=$conf scripts/stack.sh db-start 2>&1) ||
	! out=$(CSMS_CONF=$conf scripts/stack.sh ocppd-start 2>&1) ||
	! out=$(CSMS_CONF=$conf scripts/stack.sh ocppd-stop 2>&1); then
	fail instance_started "$out"
	exit 1
fi
eval "$("$CSMS_BIN/ocppd" -c "$conf" --print-config)"
root=(mariadb --no-defaults -S "$db_socket" -u root -N -B "$db_name")
"${root[@]}" -e "SET GLOBAL innodb_lock_wait_timeout = 1;
	INSERT INTO charge_points (id, boot_answer, connected, connected_since)
	VALUES ('LOCKED-CP', 'Accepted', 1, UTC_TIMESTAMP(3))"

# Another writer holds the charge point's row for 3 s.
"${root[@]}" -e "BEGIN; SELECT id FROM charge_points WHERE id = 'LOCKED-CP' FOR UPDATE;
	SELECT SLEEP(3); COMMIT;" >/dev/null &
holder=$!
sleep 0.5
out=$(CSMS_CONF=$conf scripts/stack.sh ocppd-start 2>&1)
rc=$?
wait "$holder"
log=$dir/log/ocppd.log
if ((rc == 0)) && grep -q "disconnected: Lock wait timeout exceeded.*; again" "$log"; then
	pass start_waits_out_locks
else
	fail start_waits_out_locks "rc=$rc $out $(grep -m3 -i 'lock\|deadlock\|fatal' "$log")"
fi
state=$("${root[@]}" -e "SELECT connected FROM charge_points WHERE id = 'LOCKED-CP'")
if [[ $state == 0 ]]; then
	pass marked_disconnected
else
	fail marked_disconnected "connected=$state"
fi
"${root[@]}" -e "SET GLOBAL innodb_lock_wait_timeout = 50"
exit $((fails > 0))
