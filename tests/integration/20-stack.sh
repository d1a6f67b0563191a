#!/usr/bin/env bash
# 20-stack.sh — what an admin sees when the stack cannot start: one line
# naming the problem, and nothing left half-started.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

scratch=$CSMS_TEST_OUT/stack-$$
mkdir -p "$scratch"
# An instance of its own: nothing here may touch the running test stack.
iso_env=(CSMS_RUN_DIR="$scratch/run" CSMS_DB_DATADIR="$scratch/mysql"
	CSMS_DB_SOCKET="$scratch/run/mysqld.sock")

# A broken config: one line naming file, line and key.
printf 'ocpp_port = 9000\nheartbeat_intervall = 10\n' >"$scratch/broken.conf"
out=$(env "${iso_env[@]}" CSMS_CONF="$scratch/broken.conf" scripts/stack.sh start 2>&1)
rc=$?
if ((rc != 0)) && [[ $(printf '%s\n' "$out" | wc -l) -eq 1 ]] &&
	[[ $out == *"broken.conf:2: unknown key \"heartbeat_intervall\""* ]]; then
	pass broken_config_one_line
else
	fail broken_config_one_line "rc=$rc out=$out"
fi

printf 'http_port = 80800\n' >"$scratch/range.conf"
out=$(env "${iso_env[@]}" CSMS_CONF="$scratch/range.conf" scripts/stack.sh start 2>&1)
if [[ $? -ne 0 && $out == *"range.conf:1: http_port: 80800 is outside 1..65535"* ]]; then
	pass out_of_range_value_named
else
	fail out_of_range_value_named "$out"
fi

# The OCPP port of the running test stack is taken: refuse before starting
# anything (no MariaDB datadir created, no process left).
ocpp_port=${CSMS_OCPP_URL##*:}
out=$(env "${iso_env[@]}" CSMS_CONF="$CSMS_CONF" CSMS_OCPP_PORT="$ocpp_port" \
	CSMS_HTTP_PORT=1 scripts/stack.sh start 2>&1)
rc=$?
if ((rc != 0)) && [[ $out == "csms: port $ocpp_port (ocpp_port) is already in use" ]] &&
	[[ ! -e $scratch/mysql ]]; then
	pass ocpp_port_taken
else
	fail ocpp_port_taken "rc=$rc out=$out"
fi

http_port=${CSMS_HTTP_URL##*:}
out=$(env "${iso_env[@]}" CSMS_CONF="$CSMS_CONF" CSMS_OCPP_PORT=1 \
	CSMS_HTTP_PORT="$http_port" scripts/stack.sh start 2>&1)
rc=$?
if ((rc != 0)) && [[ $out == "csms: port $http_port (http_port) is already in use" ]] &&
	[[ ! -e $scratch/mysql ]]; then
	pass http_port_taken
else
	fail http_port_taken "rc=$rc out=$out"
fi

# The running stack answers on both ports.
if curl -fsS -o /dev/null "$CSMS_HTTP_URL/static/csms.css"; then
	pass static_served
else
	fail static_served "GET /static/csms.css failed"
fi
code=$(curl -s -o /dev/null -w '%{http_code}' "$CSMS_HTTP_URL/")
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "$CSMS_HTTP_URL/")
if [[ $code == 30[1278] && $loc == */cgi-bin/dashboard* ]]; then
	pass root_redirects_to_dashboard
else
	fail root_redirects_to_dashboard "code=$code location=$loc"
fi

# The web tier's account can read but not write.
ro=(mariadb --no-defaults -S "$CSMS_DB_SOCKET" -u "$CSMS_DB_RO_USER" -p"$CSMS_DB_RO_PASSWORD" "$CSMS_DB_NAME" -N -B)
if "${ro[@]}" -e "SELECT COUNT(*) FROM charge_points" >/dev/null 2>&1 &&
	! "${ro[@]}" -e "INSERT INTO users (id_tag) VALUES ('RO-WRITE')" >/dev/null 2>&1; then
	pass readonly_account_cannot_write
else
	fail readonly_account_cannot_write "the read-only account could write (or not read)"
fi

# Migrations are recorded and a second run applies nothing new.
rw=(mariadb --no-defaults -S "$CSMS_DB_SOCKET" -u "$CSMS_DB_USER" -p"$CSMS_DB_PASSWORD" "$CSMS_DB_NAME" -N -B)
before=$("${rw[@]}" -e "SELECT COUNT(*) FROM schema_version")
files=$(ls sql/[0-9]*.sql | wc -l)
"$CSMS_BIN/ocppd" -c "$CSMS_CONF" --migrate >/dev/null 2>&1
after=$("${rw[@]}" -e "SELECT COUNT(*) FROM schema_version")
if [[ $before == "$files" && $after == "$files" ]]; then
	pass migrations_applied_once
else
	fail migrations_applied_once "files=$files before=$before after=$after"
fi

# An export reaches the client as the program writes it (lighttpd's
# server.stream-response-body in the shipped config): streamed, it goes
# out chunked; kept whole first, lighttpd gives it a Content-Length.  It
# needs a body larger than a read: 20,000 sessions of a charge point of
# the test's own, in 2001, removed again.
"${rw[@]}" -e "INSERT INTO transactions (cp_id, connector_id, id_tag, meter_start,
	meter_stop, start_ts, stop_ts, stop_reason)
	SELECT 'STREAM-TEST', 1, 'STREAMTAG', seq, seq + 1000,
	       '2001-01-01' + INTERVAL seq MINUTE, '2001-01-01' + INTERVAL seq + 30 MINUTE, 'Local'
	FROM seq_1_to_20000"
hdrs=$(curl -s -D - -o /dev/null "$CSMS_HTTP_URL/cgi-bin/api/transactions.csv?cp_id=STREAM-TEST&from=2001-01-01" | tr -d '\r')
"${rw[@]}" -e "DELETE FROM transactions WHERE cp_id = 'STREAM-TEST'"
if [[ ${hdrs,,} == *"transfer-encoding: chunked"* && ${hdrs,,} != *"content-length:"* ]]; then
	pass export_streamed
else
	fail export_streamed "$(head -c 400 <<<"$hdrs")"
fi

rm -rf "$scratch"
exit $((fails > 0))
