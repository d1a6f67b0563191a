#!/usr/bin/env bash
# 40-cpsim.sh — cpsim against the real ocppd: a full session leaves the
# rows it should, the shipped scenarios replay (faults included), and a
# small load run loses nothing.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }
sql() {
	mariadb --no-defaults -S "$CSMS_DB_SOCKET" -u "$CSMS_DB_USER" -p"$CSMS_DB_PASSWORD" "$CSMS_DB_NAME" -N -B -e "$1"
}
sql "INSERT IGNORE INTO users (id_tag, name) VALUES ('CPSIM-TAG', 'cpsim'), ('SCENTAG1', 'scenario'), ('SCENTAG2', 'scenario')"

# One full session: boot, status, authorize, start, meter values, stop.
out=$(timeout 90 "$CSMS_BIN/cpsim" "$CSMS_OCPP_URL/CPSIM-SESSION-1" --connectors 2 \
	--id-tag CPSIM-TAG --power-kw 11 --duration 4 --meter-interval 1 \
	--vendor ACME --model Wallbox --firmware 1.2.3 --exit-after-session --quiet 2>&1)
rc=$?
summary=$(echo "$out" | tail -n 1)
tx=$(echo "$summary" | sed -n 's/.* tx=\[\([0-9]*\)\].*/\1/p')
wh=$(echo "$summary" | sed -n 's/.* energy_wh=\([0-9]*\).*/\1/p')
if ((rc == 0)) && [[ $summary == *" ok" && -n $tx && -n $wh ]]; then
	pass session_summary_ok
else
	fail session_summary_ok "rc=$rc $summary"
fi
row=$(sql "SELECT vendor, model, firmware_version, connected FROM charge_points WHERE id='CPSIM-SESSION-1'")
[[ $row == $'ACME\tWallbox\t1.2.3\t'[01] ]] && pass session_boot_stored || fail session_boot_stored "$row"
conns=$(sql "SELECT GROUP_CONCAT(connector_id, ':', status ORDER BY connector_id) FROM connectors WHERE cp_id='CPSIM-SESSION-1'")
[[ $conns == "0:Available,1:Available,2:Available" ]] && pass session_connectors || fail session_connectors "$conns"
if [[ -n $tx ]]; then
	t=$(sql "SELECT cp_id, id_tag, meter_stop - meter_start, stop_reason, stop_ts IS NOT NULL FROM transactions WHERE id=$tx")
	[[ $t == $'CPSIM-SESSION-1\tCPSIM-TAG\t'"$wh"$'\tLocal\t1' ]] && pass session_transaction || fail session_transaction "$t (energy $wh)"
	# 11 kW for ~4 s is ~12 Wh: the energy must be plausible, not just equal.
	((wh > 0 && wh < 100)) && pass session_energy_plausible || fail session_energy_plausible "$wh Wh"
	mv=$(sql "SELECT COUNT(*), MAX(value_num) FROM meter_values WHERE transaction_id=$tx AND measurand='Energy.Active.Import.Register'")
	n=${mv%%$'\t'*}
	((n >= 3)) && pass session_meter_values || fail session_meter_values "$mv"
	kwh=$(sql "SELECT total_kwh * 1000 = $wh FROM charge_points WHERE id='CPSIM-SESSION-1'")
	[[ $kwh == 1 ]] && pass session_total_kwh || fail session_total_kwh "total_kwh does not match $wh Wh"
fi

# The shipped scenarios, the fault script among them.
for s in normal-session faults garbage; do
	out=$(timeout 90 "$CSMS_BIN/cpsim" --scenario "tools/cpsim/scenarios/$s.txt" \
		"$CSMS_OCPP_URL/CPSIM-SCEN-$s" 2>&1)
	rc=$?
	if ((rc == 0)); then
		pass "scenario_$s"
	else
		fail "scenario_$s" "rc=$rc $(echo "$out" | grep -iE 'fail|expect' | head -n 3)"
	fi
done
# The repeated stop of the fault script counted its energy once.
f=$(sql "SELECT COUNT(*), SUM(meter_stop - meter_start) FROM transactions WHERE cp_id='CPSIM-SCEN-faults'")
k=$(sql "SELECT total_kwh * 1000 FROM charge_points WHERE id='CPSIM-SCEN-faults'")
[[ $f == $'1\t600' && ${k%%.*} == 600 ]] && pass faults_energy_counted_once || fail faults_energy_counted_once "tx=$f total_wh=$k"

# A small load run: nothing answered may be missing.
json=$(timeout 120 "$CSMS_BIN/cpsim" --load --json --cps 200 --rate 0 --seconds 8 --ramp 1 \
	"$CSMS_OCPP_URL/CPSIMLOAD" 2>/dev/null)
rc=$?
check=$(node -e '
const j = JSON.parse(process.argv[1]);
const ok = j.held === 200 && j.sent > 1000 && j.sent === j.answered &&
	j.callerrors === 0 && j.timeouts === 0 && j.protocol_errors === 0;
console.log(ok ? "ok" : `held=${j.held} sent=${j.sent} answered=${j.answered} callerrors=${j.callerrors} timeouts=${j.timeouts}`);
' "$json" 2>&1)
((rc == 0)) && [[ $check == ok ]] && pass load_all_answered || fail load_all_answered "rc=$rc $check"
# Every stop answered has its meter_stop; energy adds up exactly; no CP has
# two open transactions on one connector; no meter value is orphaned.
inv=$(sql "SELECT
  (SELECT COUNT(*) FROM transactions WHERE cp_id LIKE 'CPSIMLOAD%'),
  (SELECT COUNT(*) FROM transactions WHERE cp_id LIKE 'CPSIMLOAD%' AND stop_ts IS NOT NULL AND meter_stop IS NULL),
  (SELECT COUNT(*) FROM (SELECT cp_id, connector_id FROM transactions WHERE cp_id LIKE 'CPSIMLOAD%' AND stop_ts IS NULL GROUP BY cp_id, connector_id HAVING COUNT(*) > 1) d),
  (SELECT ROUND(SUM(total_kwh) * 1000) FROM charge_points WHERE id LIKE 'CPSIMLOAD%') =
  (SELECT COALESCE(SUM(GREATEST(meter_stop - meter_start, 0)), 0) FROM transactions WHERE cp_id LIKE 'CPSIMLOAD%' AND meter_stop IS NOT NULL),
  (SELECT COUNT(*) FROM meter_values m LEFT JOIN transactions t ON t.id = m.transaction_id WHERE m.cp_id LIKE 'CPSIMLOAD%' AND m.transaction_id IS NOT NULL AND t.id IS NULL)")
read -r ntx stopped_without_meter double_open energy_ok orphans <<<"$inv"
if ((ntx > 50)) && [[ $stopped_without_meter == 0 && $double_open == 0 && $energy_ok == 1 && $orphans == 0 ]]; then
	pass load_nothing_lost
else
	fail load_nothing_lost "tx=$ntx stopped_without_meter=$stopped_without_meter double_open=$double_open energy_ok=$energy_ok orphans=$orphans"
fi
exit $((fails > 0))
