#!/usr/bin/env bash
# 70-webservers.sh — the web server configs admins use, tested for real:
# Apache 2.4 with apache/csms.conf (mod_fcgid) and apache/csms-cgi.conf
# (plain CGI), Basic auth, and the /ocpp/ WebSocket proxy of both Apache
# and the running lighttpd (lighttpd/csms.conf), with cpsim as the charge
# point.  Each config as shipped refuses changes without a user (reads
# stay open), and lighttpd's own error pages carry the security headers.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

ocpp_port=${CSMS_OCPP_URL##*:}
http_port=${CSMS_HTTP_URL##*:}
apache_port=$((ocpp_port + 90))
A=$CSMS_TEST_OUT/apache
rm -rf "$A"
mkdir -p "$A"
user=$(id -un)
group=$(id -gn)
if [[ $(id -u) -eq 0 ]]; then
	user=www-data
	group=www-data
fi
htpasswd -bc "$A/htpasswd" operator 's3cret pass' >/dev/null 2>&1
# The login changes id tags: an operator (a login without an account only
# reads; docs/security.md, "Accounts and roles").
out=$("$CSMS_BIN/csmsctl" -u cli:70-webservers account_set user=operator role=operator 2>&1) &&
	pass csmsctl_account_set || fail csmsctl_account_set "$out"

sql() {
	mariadb --no-defaults -S "$CSMS_DB_SOCKET" -u "$CSMS_DB_USER" -p"$CSMS_DB_PASSWORD" "$CSMS_DB_NAME" -N -B -e "$1"
}

# start_apache NAME [-D...]: a private Apache on apache_port.
start_apache() {
	local name=$1
	shift
	local dir=$A/$name
	mkdir -p "$dir/fcgid"
	chown "$user:$group" "$dir/fcgid" 2>/dev/null || true
	CSMS_ROOT=$ROOT CSMS_CGI_BIN=$CSMS_BIN/../web/cgi-bin CSMS_CONF=$CSMS_CONF \
		CSMS_APACHE_PORT=$apache_port CSMS_APACHE_DIR=$dir \
		CSMS_OCPPD=ws://127.0.0.1:$ocpp_port CSMS_APACHE_USER=$user \
		CSMS_APACHE_GROUP=$group CSMS_HTPASSWD=$A/htpasswd \
		apache2 -f "$ROOT/apache/httpd-standalone.conf" -DFOREGROUND "$@" \
		>"$dir/stdout.log" 2>&1 &
	APACHE_PID=$!
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$apache_port") 2>/dev/null && return 0
		kill -0 "$APACHE_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "apache $name did not start: $(tail -n 3 "$dir/stdout.log" "$dir/error.log" 2>/dev/null)"
	return 1
}

stop_apache() {
	kill "$APACHE_PID" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$APACHE_PID" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$APACHE_PID" 2>/dev/null
}
trap 'stop_apache 2>/dev/null' EXIT

status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# check_changes_refused NAME BASE: as shipped, without a user, no POST,
# PUT or DELETE reaches the programs; a read does.
check_changes_refused() {
	local name=$1 base=$2 t=WEB-ANON-$RANDOM
	local p u d g
	p=$(status -X POST -H 'Content-Type: application/json' --data "{\"id_tag\":\"$t\"}" "$base/cgi-bin/api/users")
	u=$(status -X PUT -H 'Content-Type: application/json' --data '{"status":"Blocked"}' "$base/cgi-bin/api/users/WEB-TAG")
	d=$(status -X DELETE "$base/cgi-bin/api/users/WEB-TAG")
	local c
	c=$(status -X POST -H 'Content-Type: application/json' --data '{"type":"Hard"}' "$base/cgi-bin/api/cps/WEB-ANON-CP/commands/Reset")
	local f
	f=$(status -X POST --data 'csrf=x&op=delete&id_tag=WEB-TAG' "$base/cgi-bin/dashboard/tags/edit")
	local n w
	n=$(sql "SELECT COUNT(*) FROM users WHERE id_tag='$t'")
	w=$(sql "SELECT CONCAT(MAX(status), COUNT(*)) FROM users WHERE id_tag='WEB-TAG'")
	if [[ $p == 403 && $u == 403 && $d == 403 && $c == 403 && $f == 403 && $n == 0 && $w == Accepted1 ]]; then
		pass "${name}_anonymous_changes_refused"
	else
		fail "${name}_anonymous_changes_refused" "POST $p PUT $u DELETE $d command $c form $f, tag rows $n, WEB-TAG $w"
	fi
	g=$(status "$base/cgi-bin/api/users")
	[[ $g == 200 ]] && pass "${name}_anonymous_reads" || fail "${name}_anonymous_reads" "status $g"
}

# check_site NAME BASE [curl auth args]: API, dashboard, static, redirect.
check_site() {
	local name=$1 base=$2
	shift 2
	local body
	body=$(curl -s "$@" -w '\n%{http_code} %{content_type}' "$base/cgi-bin/api/cps")
	if [[ $body == *$'\n200 application/json'* && $body == *'"items"'* ]]; then
		pass "${name}_api"
	else
		fail "${name}_api" "${body: -200}"
	fi
	body=$(curl -s "$@" -w '\n%{http_code} %{content_type}' "$base/cgi-bin/dashboard")
	if [[ $body == *$'\n200 text/html'* && $body == *'<html'* ]]; then
		pass "${name}_dashboard"
	else
		fail "${name}_dashboard" "${body: -200}"
	fi
	local code
	code=$(status "$base/static/csms.css")
	[[ $code == 200 ]] && pass "${name}_static" || fail "${name}_static" "status $code"
	code=$(status "$base/cgi-bin/api/no-such-route" "$@")
	[[ $code == 404 ]] && pass "${name}_json_404" || fail "${name}_json_404" "status $code"
}

# check_files NAME BASE: a charge point's upload reaches the upload
# program at /files/ without any login (its one-time token is the
# credential, docs/files.md) and is stored; the token then is used up,
# and a firmware URL without a token is refused.
check_files() {
	local name=$1 base=$2 cp=WEB-FILES-$1 tok code again fw n
	tok=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	sql "INSERT INTO file_tokens (token_hash, cp_id, kind, request_id, created_at, expires_at)
		VALUES ('$(printf %s "$tok" | sha256sum | cut -c1-64)', '$cp', 'log', 70, NOW(3), NOW(3) + INTERVAL 1 HOUR)"
	code=$(status -X PUT -H 'X-File-Name: web.log' --data-binary "log via $name" "$base/files/u/$cp/$tok")
	again=$(status -X PUT --data-binary "again" "$base/files/u/$cp/$tok")
	fw=$(status "$base/files/f/$cp")
	n=$(sql "SELECT COUNT(*) FROM cp_files WHERE cp_id = '$cp' AND size = ${#name} + 8")
	if [[ $code == 201 && $again == 403 && $fw == 403 && $n == 1 ]]; then
		pass "${name}_files_upload"
	else
		fail "${name}_files_upload" "PUT $code, again $again, firmware without token $fw, rows $n"
	fi
}

# cpsim through a proxy: a whole session must land in the database.
check_ws_proxy() {
	local name=$1 url=$2 cp=$3
	local out
	out=$(timeout 60 "$CSMS_BIN/cpsim" "$url/ocpp/$cp" --id-tag WEB-TAG --sessions 1 --duration 2 \
		--meter-interval 1 --exit-after-session --quiet 2>&1)
	local rc=$?
	local n
	n=$(sql "SELECT COUNT(*) FROM transactions WHERE cp_id='$cp' AND meter_stop IS NOT NULL")
	if ((rc == 0)) && [[ $n == 1 ]]; then
		pass "${name}_websocket_proxy"
	else
		fail "${name}_websocket_proxy" "rc=$rc tx=$n: $(echo "$out" | tail -n 2)"
	fi
}

sql "INSERT IGNORE INTO users (id_tag, name) VALUES ('WEB-TAG', 'web server tests')"
ws_base=ws://127.0.0.1:$apache_port
base=http://127.0.0.1:$apache_port

# Apache + mod_fcgid, no auth.
if start_apache fcgid; then
	check_site apache_fcgid "$base"
	check_changes_refused apache_fcgid "$base"
	check_ws_proxy apache "$ws_base" WEB-APACHE-1
	check_files apache_fcgid "$base"
	stop_apache
else
	fail apache_fcgid_start "see $A/fcgid"
fi

# Apache + mod_fcgid with Basic auth.
if start_apache auth -DCSMS_AUTH; then
	code=$(status "$base/cgi-bin/api/cps")
	[[ $code == 401 ]] && pass apache_auth_refuses_anonymous || fail apache_auth_refuses_anonymous "status $code"
	code=$(status -u 'operator:wrong' "$base/cgi-bin/api/cps")
	[[ $code == 401 ]] && pass apache_auth_refuses_wrong_password || fail apache_auth_refuses_wrong_password "status $code"
	check_site apache_auth "$base" -u 'operator:s3cret pass'
	code=$(status -X POST -H 'Content-Type: application/json' --data '{"id_tag":"WEB-APACHE-TAG"}' "$base/cgi-bin/api/users")
	[[ $code == 401 ]] && pass apache_auth_anonymous_change_401 || fail apache_auth_anonymous_change_401 "status $code"
	# With a user the change reaches the program (which, running as the
	# web server's user here, may not reach ocppd's socket: 503 then).
	body=$(curl -s -u 'operator:s3cret pass' -X POST -H 'Content-Type: application/json' \
		--data '{"id_tag":"WEB-APACHE-TAG"}' -w '\n%{http_code}' "$base/cgi-bin/api/users")
	[[ $body == *$'\n201' || $body == *control_unavailable*$'\n503' ]] && pass apache_auth_change_reaches_program ||
		fail apache_auth_change_reaches_program "${body: -200}"
	code=$(curl -s -D - -o /dev/null "$base/static/api-docs.html" | tr -d '\r' | grep -ci "^content-security-policy: default-src 'none'; script-src 'self'")
	[[ $code == 1 ]] && pass apache_static_csp || fail apache_static_csp "no CSP header on api-docs.html"
	code=$(status "$base/static/csms.css")
	[[ $code == 200 ]] && pass apache_auth_static_public || fail apache_auth_static_public "status $code"
	check_files apache_auth "$base"
	stop_apache
else
	fail apache_auth_start "see $A/auth"
fi

# Apache + plain CGI (mod_cgid): the same binaries, one request per process.
if start_apache cgi -DCSMS_CGI; then
	check_site apache_cgi "$base"
	check_changes_refused apache_cgi "$base"
	stop_apache
else
	fail apache_cgi_start "see $A/cgi"
fi

# lighttpd with lighttpd/csms-auth.conf on top of the standalone config.
lport=$((ocpp_port + 91))
ldir=$A/lighttpd-auth
mkdir -p "$ldir/run" "$ldir/log"
cat >"$ldir/lighttpd.conf" <<CONF
include "$ROOT/lighttpd/lighttpd.conf"
var.csms_htpasswd = "$A/htpasswd"
include "$ROOT/lighttpd/csms-auth.conf"
CONF
CSMS_ROOT=$ROOT CSMS_BIN_DIR=$CSMS_BIN/../web/cgi-bin CSMS_HTTP_PORT=$lport \
	CSMS_OCPP_PORT=$ocpp_port CSMS_RUN_DIR=$ldir/run CSMS_LOG_DIR=$ldir/log \
	/usr/sbin/lighttpd -D -f "$ldir/lighttpd.conf" >/dev/null 2>&1 &
lpid=$!
for ((i = 0; i < 100; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$lport") 2>/dev/null && break
	sleep 0.1
done
lbase=http://127.0.0.1:$lport
code=$(status "$lbase/cgi-bin/api/cps")
[[ $code == 401 ]] && pass lighttpd_auth_refuses_anonymous || fail lighttpd_auth_refuses_anonymous "status $code"
code=$(status -u 'operator:wrong' "$lbase/cgi-bin/dashboard")
[[ $code == 401 ]] && pass lighttpd_auth_refuses_wrong_password || fail lighttpd_auth_refuses_wrong_password "status $code"
check_site lighttpd_auth "$lbase" -u 'operator:s3cret pass'
# Through the auth fragment a state change carries the user and goes through.
code=$(status -u 'operator:s3cret pass' -X POST -H 'Content-Type: application/json' \
	--data '{"id_tag":"WEB-AUTH-TAG","name":"added through lighttpd auth"}' "$lbase/cgi-bin/api/users")
n=$(sql "SELECT COUNT(*) FROM users WHERE id_tag='WEB-AUTH-TAG'")
[[ $code == 201 && $n == 1 ]] && pass lighttpd_auth_state_change || fail lighttpd_auth_state_change "status $code rows $n"
check_files lighttpd_auth "$lbase"
kill "$lpid" 2>/dev/null
wait "$lpid" 2>/dev/null

# lighttpd with the standalone config as shipped (no
# CSMS_WEB_ANONYMOUS_CHANGES, which the suite's own server has).
sport=$((ocpp_port + 92))
sdir=$A/lighttpd-shipped
mkdir -p "$sdir/run" "$sdir/log"
env -u CSMS_WEB_ANONYMOUS_CHANGES CSMS_ROOT=$ROOT CSMS_BIN_DIR=$CSMS_BIN/../web/cgi-bin CSMS_HTTP_PORT=$sport \
	CSMS_OCPP_PORT=$ocpp_port CSMS_RUN_DIR=$sdir/run CSMS_LOG_DIR=$sdir/log \
	/usr/sbin/lighttpd -D -f "$ROOT/lighttpd/lighttpd.conf" >/dev/null 2>&1 &
spid=$!
for ((i = 0; i < 100; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$sport") 2>/dev/null && break
	sleep 0.1
done
check_changes_refused lighttpd_shipped "http://127.0.0.1:$sport"
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

# lighttpd's own answers to malformed requests (no request line, huge
# headers, an unknown method) carry the same headers as every page.
raw_head() {
	local req=$1
	exec 3<>"/dev/tcp/127.0.0.1/$http_port" || return
	printf '%b' "$req" >&3
	timeout 5 cat <&3 | tr -d '\r' | sed '/^$/q'
	exec 3<&-
}
big=$(head -c 70000 /dev/zero | tr '\0' a)
for case in "400:GARBAGE\r\n\r\n" "431:GET / HTTP/1.1\r\nHost: x\r\nX-Big: $big\r\n\r\n" \
	"501:BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"; do
	want=${case%%:*}
	head=$(raw_head "${case#*:}")
	if [[ $head == "HTTP/1."?" $want "* && $head == *"X-Content-Type-Options: nosniff"* &&
		$head == *"X-Frame-Options: DENY"* && $head == *"Content-Security-Policy: default-src 'none'"* ]]; then
		pass "lighttpd_${want}_page_headers"
	else
		fail "lighttpd_${want}_page_headers" "$(echo "$head" | head -n 8 | tr '\n' '|')"
	fi
done

# lighttpd, the running test server, proxies /ocpp/ too.
check_ws_proxy lighttpd "ws://127.0.0.1:$http_port" WEB-LIGHTTPD-1

exit $((fails > 0))
