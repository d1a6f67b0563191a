#!/usr/bin/env bash
# 21-make-run.sh — the first steps README.md gives, as a new user takes
# them: `make run`'s stack (scripts/stack.sh run, in the foreground, with
# the demo data and the operator's login it prints), then README's "try
# it" block run as it is written (only the ports and var/ moved to an
# instance of its own), then Ctrl-C.  Also: the dashboard and the API ask
# for the login, and a change with it goes through.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

base=$((${CSMS_OCPP_URL##*:} + 200))
http=$((base + 80))
dir=$CSMS_TEST_OUT/make-run-$$
conf=$(scripts/instance.sh "$dir" "$base" log_level=info)
log=$dir/out/run.log
# The user's environment: no test-only switches.  In a process group of
# its own, as in a terminal, so Ctrl-C is a SIGINT to the whole group (a
# background job of a script would ignore SIGINT).
# The suite's CSMS_DB_* variables are config overrides: they would point
# this instance at the shared test database.
set -m
env -u CSMS_WEB_ANONYMOUS_CHANGES -u CSMS_DB_SOCKET -u CSMS_DB_NAME \
	-u CSMS_DB_USER -u CSMS_DB_PASSWORD -u CSMS_DB_RO_USER \
	-u CSMS_DB_RO_PASSWORD -u CSMS_DB_BUFFER_POOL -u CSMS_DB_REDO_LOG \
	CSMS_CONF="$conf" CSMS_SEED_DEMO=1 \
	scripts/stack.sh run >"$log" 2>&1 &
run_pid=$!
set +m
cleanup() {
	kill -INT -- "-$run_pid" 2>/dev/null
	wait "$run_pid" 2>/dev/null
	env -u CSMS_DB_SOCKET CSMS_CONF="$conf" scripts/stack.sh stop >/dev/null 2>&1
}
trap cleanup EXIT

for _ in $(seq 1 600); do
	grep -q '^csms: running' "$log" && break
	kill -0 "$run_pid" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q '^csms: running' "$log"; then
	fail make_run_starts "$(tail -n 5 "$log")"
	exit 1
fi
pass make_run_starts
[[ -S $dir/run/mysqld.sock ]] && pass own_database || fail own_database "no $dir/run/mysqld.sock"
# MariaDB sized from the machine at the first start, said, kept, and used.
sizing=$(dirname "$(sed -n "s/^db_datadir = //p" "$conf")")/db-sizing.conf
mem=$(sed -n 's/^# written .*from \([0-9]*\) MB of$/\1/p' "$sizing" 2>/dev/null)
want=$((${mem:-0} / 4 / 64 * 64))
((want < 128)) && want=128
((want > 8192)) && want=8192
got=$(mariadb --no-defaults -S "$dir/run/mysqld.sock" -u "$(id -un)" -N -B \
	-e 'SELECT @@innodb_buffer_pool_size DIV 1048576' 2>&1)
if [[ -n $mem ]] && grep -q "^buffer_pool=${want}M$" "$sizing" && [[ $got == "$want" ]] &&
	grep -q "MariaDB sized for this machine: innodb_buffer_pool_size=${want}M" "$log"; then
	pass database_sized_for_the_machine
else
	fail database_sized_for_the_machine "memory ${mem:-?} MB, want ${want}M; $(tr '\n' ' ' <"$sizing" 2>/dev/null); MariaDB says ${got}M"
fi
pw=$(sed -n 's/^  login      operator \/ \([0-9a-f]*\) .*/\1/p' "$log")
if [[ -n $pw && $pw == "$(head -n 1 "$dir/secrets/operator.password")" ]]; then
	pass login_printed
else
	fail login_printed "$(grep login "$log")"
fi
perm=$(stat -c %a "$dir/secrets/operator.password")
[[ $perm == 600 ]] && pass login_file_private || fail login_file_private "mode $perm"

# README's block, ports and var/ moved to this instance.
block=$(awk '/^<!-- try-it -->$/ {f = 1; next} f && /^```sh$/ {g = 1; next} g && /^```$/ {exit} g' README.md)
[[ -n $block ]] || fail readme_block "no <!-- try-it --> block in README.md"
block=${block//localhost:9000/127.0.0.1:$base}
block=${block//localhost:8080/127.0.0.1:$http}
block=${block//var\/secrets/$dir/secrets}
out=$(env -u CSMS_DB_SOCKET -u CSMS_DB_NAME -u CSMS_DB_USER -u CSMS_DB_PASSWORD \
	-u CSMS_DB_RO_USER -u CSMS_DB_RO_PASSWORD CSMS_CONF="$conf" \
	bash -euo pipefail -c "$block" 2>&1)
rc=$?
if ((rc == 0)) && [[ $out == *'"id":"CP_111"'* && $out == *'Accepted'* ]] &&
	[[ $out != *Invalid* ]]; then
	pass readme_try_it_block
else
	fail readme_try_it_block "rc=$rc: $(printf '%s' "$out" | tail -n 8 | tr '\n' ' ')"
fi

# The login is asked for, and a change with it goes through.
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http/cgi-bin/dashboard/")
[[ $code == 401 ]] && pass dashboard_asks_login || fail dashboard_asks_login "HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
	--data '{"id_tag":"RUN-ANON"}' "http://127.0.0.1:$http/cgi-bin/api/users")
[[ $code == 401 ]] && pass anonymous_change_refused || fail anonymous_change_refused "HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "operator:$pw" -X POST -H 'Content-Type: application/json' \
	--data '{"id_tag":"RUN-OP","status":"Accepted"}' "http://127.0.0.1:$http/cgi-bin/api/users")
[[ $code == 201 ]] && pass operator_change_accepted || fail operator_change_accepted "HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -u "operator:$pw" "http://127.0.0.1:$http/cgi-bin/dashboard/tags")
[[ $code == 200 ]] && pass operator_reads_dashboard || fail operator_reads_dashboard "HTTP $code"

# Ctrl-C stops everything it started.
kill -INT -- "-$run_pid"
wait "$run_pid"
rc=$?
if ((rc == 0)) && ! curl -s -o /dev/null "http://127.0.0.1:$http/" &&
	! (exec 3<>"/dev/tcp/127.0.0.1/$base") 2>/dev/null &&
	! [[ -S $dir/run/mysqld.sock ]]; then
	pass ctrl_c_stops_everything
else
	fail ctrl_c_stops_everything "rc=$rc"
fi
trap - EXIT
env -u CSMS_DB_SOCKET CSMS_CONF="$conf" scripts/stack.sh stop >/dev/null 2>&1
rm -rf "$dir/mysql"
exit $((fails > 0))
