#!/usr/bin/env bash
# 61-dashboard-outage.sh — the dashboard when things are missing: database
# unreachable (a 503 page, then the same FastCGI process recovers by
# itself), templates missing, a broken config, and every route run as a
# plain CGI program (hosts that only offer CGI).
#
# The outage uses a private lighttpd on its own port whose config points
# the dashboard at a socket path that does not exist yet; the test then
# makes that path a link to the real socket.  The shared MariaDB is never
# stopped, so the other tests are not disturbed.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

scratch=$CSMS_TEST_OUT/dash-outage-$$
mkdir -p "$scratch/run" "$scratch/log"
ocpp_port=${CSMS_OCPP_URL##*:}
port=$((ocpp_port + 66))
url=http://127.0.0.1:$port/cgi-bin/dashboard
# The directory the web server maps /cgi-bin/ onto (api and dashboard).
cgi_dir=$CSMS_BIN/../web/cgi-bin
[[ -x $cgi_dir/dashboard && -x $cgi_dir/api ]] || cgi_dir=$CSMS_BIN
lt_pid=

cleanup() {
	[[ -n $lt_pid ]] && kill "$lt_pid" 2>/dev/null && wait "$lt_pid" 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT

# The test config with the database socket moved to a link we control.
sed '/^db_socket/d' "$CSMS_CONF" >"$scratch/csms.conf"
echo "db_socket = $scratch/db.sock" >>"$scratch/csms.conf"

# status BODYFILE URL [curl args]: prints the HTTP status.
status() {
	local out=$1 u=$2
	shift 2
	curl -s -o "$out" -w '%{http_code}' "$@" "$u"
}

# A complete page: doctype, a title and a way back, never blank.
is_page() {
	grep -q '<!DOCTYPE html>' "$1" && grep -q '<h1' "$1" && grep -q '</html>' "$1"
}

# CSMS_DB_SOCKET in our environment would override the config file.
env -u CSMS_DB_SOCKET CSMS_ROOT="$ROOT" CSMS_BIN_DIR="$cgi_dir" CSMS_HTTP_PORT=$port CSMS_OCPP_PORT=$ocpp_port \
	CSMS_CONF="$scratch/csms.conf" CSMS_RUN_DIR="$scratch/run" CSMS_LOG_DIR="$scratch/log" \
	/usr/sbin/lighttpd -D -f "$ROOT/lighttpd/lighttpd.conf" 2>>"$scratch/log/lighttpd.err" &
lt_pid=$!
up=0
for ((i = 0; i < 200; i++)); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		up=1
		break
	fi
	sleep 0.05
done
if ((!up)); then
	fail private_lighttpd "did not listen on $port: $(tail -n 3 "$scratch/log/lighttpd.err")"
	exit 1
fi

# 1. Database unreachable: every page is a 503 page that says so.
for path in / /transactions /tags "/cp/X"; do
	code=$(status "$scratch/body" "$url$path" -D "$scratch/headers")
	if [[ $code == 503 ]] && is_page "$scratch/body" &&
		grep -q 'Database unavailable' "$scratch/body" &&
		grep -qi '^retry-after: 5' "$scratch/headers" &&
		! grep -qi 'mysql\|mariadb\|socket\|errno' "$scratch/body"; then
		pass "db_down_503_page${path//\//_}"
	else
		fail "db_down_503_page${path//\//_}" "status $code: $(head -c 300 "$scratch/body")"
	fi
done
# A route that needs no data still answers normally.
code=$(status "$scratch/body" "$url/nope")
[[ $code == 404 ]] && is_page "$scratch/body" && pass db_down_unknown_route_still_404 ||
	fail db_down_unknown_route_still_404 "status $code"

# 2. The database comes back: the same FastCGI processes reconnect.
ln -s "$CSMS_DB_SOCKET" "$scratch/db.sock"
ok=0
for ((i = 0; i < 4; i++)); do # lighttpd may route to either process
	code=$(status "$scratch/body" "$url/")
	[[ $code == 200 ]] && grep -q 'charge points online' "$scratch/body" && ok=$((ok + 1))
done
((ok == 4)) && pass db_back_pages_recover || fail db_back_pages_recover "$ok of 4 answers were 200"

# 3. It goes away again while the processes hold a connection: a link that
# no longer works must not leave a blank page or a dead worker.
rm -f "$scratch/db.sock"
ln -s "$scratch/nowhere.sock" "$scratch/db.sock"
code=$(status "$scratch/body" "$url/transactions")
if [[ $code == 200 || $code == 503 ]] && is_page "$scratch/body"; then
	pass db_link_swapped_still_a_page
else
	fail db_link_swapped_still_a_page "status $code"
fi
rm -f "$scratch/db.sock"
ln -s "$CSMS_DB_SOCKET" "$scratch/db.sock"
code=$(status "$scratch/body" "$url/tags")
[[ $code == 200 ]] && pass db_back_again || fail db_back_again "status $code"

# 4. Plain CGI: the same binary, one request per process.
cgi() { # cgi PATH QUERY [env...]: the whole CGI answer on stdout
	local path=$1 query=$2
	shift 2
	env -i PATH="$PATH" REQUEST_METHOD=GET PATH_INFO="$path" QUERY_STRING="$query" \
		SCRIPT_NAME=/cgi-bin/dashboard CSMS_CONF="$CSMS_CONF" "$@" "$CSMS_BIN/dashboard"
}
while read -r path query want; do
	out=$(cgi "$path" "${query#-}" 2>"$scratch/cgi.err")
	got=$(printf '%s\n' "$out" | head -n 1 | tr -d '\r')
	if [[ $got == "Status: $want"* ]] && [[ $out == *'<h1'* ]] &&
		[[ $out == *$'\r\n\r\n<'* || $out == *$'\r\n\r\n\n'* ]]; then
		pass "cgi_mode_${want}${path//\//_}"
	else
		fail "cgi_mode_${want}${path//\//_}" "got '$got' $(head -c 200 "$scratch/cgi.err")"
	fi
done <<'EOF'
/ - 200
/transactions page=1&status=completed 200
/tags - 200
/cp/no-such-cp - 404
/transactions page=0 400
/nope - 404
EOF

out=$(cgi / "" CSMS_DB_SOCKET="$scratch/nowhere.sock" 2>/dev/null)
[[ $out == "Status: 503"* && $out == *'Database unavailable'* ]] &&
	pass cgi_mode_db_down_503 || fail cgi_mode_db_down_503 "$(printf '%s' "$out" | head -n 1)"

# 5. Templates missing: a minimal page with the 500 status, not a blank one.
out=$(cgi / "" CSMS_TEMPLATES_DIR="$scratch/no-templates" 2>"$scratch/cgi.err")
if [[ $out == "Status: 500"* && $out == *'<h1>Internal error</h1>'* ]] &&
	grep -q 'no-templates' "$scratch/cgi.err"; then
	pass templates_missing_500_page_and_log
else
	fail templates_missing_500_page_and_log "$(printf '%s' "$out" | head -c 300)"
fi

# 6. A broken config: a 503 page (the API answers 503 config_error too); the
# reason goes to the log only.
printf 'templates_dir = %s\nno_such_key = 1\n' "$ROOT/templates" >"$scratch/broken.conf"
out=$(cgi / "" CSMS_CONF="$scratch/broken.conf" 2>"$scratch/cgi.err")
if [[ $out == "Status: 503"* && $out == *'Configuration error'* && $out != *no_such_key* ]] &&
	grep -q 'no_such_key' "$scratch/cgi.err"; then
	pass broken_config_503_page
else
	fail broken_config_503_page "$(printf '%s' "$out" | head -c 300)"
fi

exit $((fails > 0))
