#!/usr/bin/env bash
# 76-installed-layout.sh — the installed system, set up the way
# docs/deploy.md says, walked end to end.
#
# `make install` into a temporary prefix; a MariaDB of its own; the
# doc's code blocks marked `deploy:NAME` run as written (paths, the port
# and the web server's user substituted, nothing else); ocppd started the
# way its systemd unit starts it — User, Group, SupplementaryGroups, UMask,
# NoNewPrivileges and the RuntimeDirectory with its mode, read from the
# installed unit file (PID 1 is not systemd here); lighttpd (FastCGI, the
# doc's fragment with Basic auth) and Apache (plain CGI, Basic auth) as
# their own unprivileged user, which is in no group of ocppd's.  Then: an
# id tag added through the dashboard and one with csmsctl, a charge
# point's session, commands from the API and the dashboard that reach the
# charge point, an ocppd restart and more commands (the dashboard's form
# secret survives it), a backup (0600), a restore refused while ocppd
# runs and one after it stopped.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

DOC=$ROOT/docs/deploy.md
# block NAME: the body of the doc's code block marked deploy:NAME.
block() {
	awk -v name="$1" '
		$0 ~ "^```[a-z]* deploy:" name "$" { on = 1; next }
		on && /^```$/ { exit }
		on { print }' "$DOC"
}

# Every marked block the test uses is there and is valid shell.
missing=()
for b in packages install user secrets database config files first-tag htpasswd first-admin lighttpd-conf cron restore; do
	body=$(block "$b")
	if [[ -z $body ]]; then
		missing+=("$b")
	elif [[ $b != lighttpd-conf && $b != cron ]] && ! bash -n <(echo "$body") 2>/dev/null; then
		missing+=("$b (not valid sh)")
	fi
done
((${#missing[@]} == 0)) && pass doc_blocks_present || fail doc_blocks_present "${missing[*]}"
# The packages line installs what the later steps run.
block packages | grep -qw acl && pass doc_packages_have_acl || fail doc_packages_have_acl "$(block packages)"

if [[ $(id -u) -ne 0 ]]; then
	# Users, groups and privilege switches need root; the suite runs as
	# root (make test installs its packages).
	echo "note: not root: the live part of the installed-layout test is skipped"
	exit $((fails > 0))
fi

ocpp_port=${CSMS_OCPP_URL##*:}
build=${CSMS_BUILD:-build}
# Nothing of the test stack's environment leaks in: every CSMS_<KEY>
# would override the installed config (systemd passes none either).
unset $(compgen -e | grep '^CSMS_')
OPORT=$((ocpp_port + 71))
LPORT=$((ocpp_port + 72))
APORT=$((ocpp_port + 73))
SVC=csms        # the unit's user (read from the unit below)
WEB=csmsweb     # the web servers' user: in no group of ocppd's
PW='op pass 76'
T=$(mktemp -d /tmp/csms-installed.XXXXXX)
chmod 0755 "$T"
P=$T/prefix
CONF=$P/etc/csms/csms.conf
export PATH=$P/sbin:$P/bin:$PATH

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	[[ -n ${KEEP_T:-} ]] || rm -rf "$T"
}
trap cleanup EXIT

# The doc's text for this test's layout.
adapt() {
	sed -e "s|/usr/local|$P|g" -e "s|/run/lighttpd|$T/run/lighttpd|g" \
		-e "s|/run/csms|$T/run/csms|g" -e "s|/var/backups/csms|$T/backups|g" \
		-e "s|/var/lib/csms|$T/lib/csms|g" \
		-e "s|www-data|$WEB|g" -e "s|csms_ocpp_port = 9000|csms_ocpp_port = $OPORT|" \
		-e "s|htpasswd -c \(.*\) operator)|htpasswd -bc \1 operator '$PW')|" \
		-e '/^apt-get /d'
}

getent passwd "$WEB" >/dev/null ||
	useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$WEB" ||
	{
		fail web_user "cannot create $WEB"
		exit 1
	}

# ---- a MariaDB of its own (the doc's `mariadb` is its root login) ------
DBSOCK=$T/mysqld.sock
mariadb-install-db --no-defaults --datadir="$T/mysql" --auth-root-authentication-method=socket \
	--auth-root-socket-user=root --skip-test-db --user=root >"$T/mariadb-install.log" 2>&1
/usr/sbin/mariadbd --no-defaults --datadir="$T/mysql" --socket="$DBSOCK" --pid-file="$T/mariadb.pid" \
	--skip-networking --user=root --log-error="$T/mariadb.err" --innodb-buffer-pool-size=32M \
	--innodb-log-file-size=16M --character-set-server=utf8mb4 >/dev/null 2>&1 &
pids+=($!)
for ((i = 0; i < 300; i++)); do
	mariadb-admin --no-defaults -S "$DBSOCK" -u root ping >/dev/null 2>&1 && break
	sleep 0.1
done
sql() {
	mariadb --no-defaults -S "$DBSOCK" -u root csms -N -B -e "$1"
}

# ---- make install, then the doc's steps --------------------------------
if make --no-print-directory -s BUILD="$build" install PREFIX="$P" WEB_GROUP="$WEB" \
	RUNDIR="$T/run/csms" BACKUPDIR="$T/backups" DB_SOCKET="$DBSOCK" FILESDIR="$T/lib/csms/files" \
	>"$T/install.log" 2>&1; then
	pass make_install
else
	fail make_install "$(tail -n 3 "$T/install.log")"
	exit 1
fi
# The test's port (the doc's is 9000), on loopback.
sed -i -e "s|^ocpp_port = .*|ocpp_port = $OPORT|" -e "s|^ocpp_listen = .*|ocpp_listen = 127.0.0.1|" "$CONF"
{
	echo 'set -e'
	echo "mariadb() { command mariadb --no-defaults -S '$DBSOCK' -u root \"\$@\"; }"
	for b in user secrets database config files htpasswd; do
		block "$b" | adapt
	done
} >"$T/doc-steps.sh"
if out=$(bash "$T/doc-steps.sh" 2>&1); then
	pass doc_steps_run
else
	fail doc_steps_run "$(echo "$out" | tail -n 3)"
fi
modes=$(cd "$P/etc/csms" && stat -c '%n %a %U:%G' db_password db_ro_password csrf_secret htpasswd | tr '\n' ' ')
[[ $modes == "db_password 640 root:csms db_ro_password 640 root:$WEB csrf_secret 640 root:$WEB htpasswd 640 root:$WEB " ]] &&
	pass secret_files_private || fail secret_files_private "$modes"

# ---- ocppd the way its unit runs it -------------------------------------
unit=$P/lib/systemd/system/ocppd.service
key() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
U=$(key User) G=$(key Group) SG=$(key SupplementaryGroups) UM=$(key UMask)
RD=$(key RuntimeDirectory) RDM=$(key RuntimeDirectoryMode) EXEC=$(key ExecStart)
[[ $U == "$SVC" && $SG == "$WEB" && -n $UM && $RD == csms && -n $RDM && $EXEC == "$P/sbin/ocppd -c $CONF" ]] &&
	pass unit_settings || fail unit_settings "User=$U SupplementaryGroups=$SG UMask=$UM RuntimeDirectory=$RD ExecStart=$EXEC"

OPID=
# start_ocppd [MODE] [GROUPS]: RuntimeDirectory created fresh (systemd
# removes it at every stop), then ExecStart as the unit's user.
start_ocppd() {
	local mode=${1:-$RDM} groups=${2-$SG}
	rm -rf "$T/run/$RD"
	mkdir -p "$T/run"
	install -d -m "$mode" -o "$U" -g "$G" "$T/run/$RD"
	local gopt=(--clear-groups)
	[[ -z $groups ]] || gopt=(--groups="${groups// /,}")
	: >"$T/ocppd.log"
	(
		umask "$UM"
		# shellcheck disable=SC2086 # ExecStart is a command line
		exec setpriv --reuid="$U" --regid="$G" "${gopt[@]}" --no-new-privs $EXEC
	) >>"$T/ocppd.log" 2>&1 &
	OPID=$!
	for ((i = 0; i < 200; i++)); do
		grep -q 'listening on' "$T/ocppd.log" && return 0
		kill -0 "$OPID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
stop_ocppd() {
	kill "$OPID" 2>/dev/null
	wait "$OPID" 2>/dev/null
	rm -rf "${T:?}/run/$RD"
}

# A socket the web server could not reach is a start-up error, one line.
start_ocppd 0750
rc=$?
last=$(tail -n 1 "$T/ocppd.log")
if ((rc != 0)) && ! kill -0 "$OPID" 2>/dev/null &&
	[[ $last == "ocppd: control socket $T/run/csms/ocppd.sock: group $WEB cannot enter $T/run/csms (mode 0750)"* ]]; then
	pass unreachable_socket_dir_refused
else
	fail unreachable_socket_dir_refused "rc=$rc: $last"
	stop_ocppd
fi
start_ocppd "$RDM" ""
rc=$?
last=$(tail -n 1 "$T/ocppd.log")
if ((rc != 0)) && [[ $last == *"cannot give it group $WEB"*"must be a member of that group" ]]; then
	pass socket_group_not_member_refused
else
	fail socket_group_not_member_refused "rc=$rc: $last"
	stop_ocppd
fi

if start_ocppd; then
	pass ocppd_starts_as_unit
else
	fail ocppd_starts_as_unit "$(tail -n 3 "$T/ocppd.log")"
	exit 1
fi
sock=$T/run/csms/ocppd.sock
got=$(stat -c '%a %U:%G' "$sock" "$T/run/csms" | tr '\n' ' ')
[[ $got == "660 $SVC:$WEB $RDM $SVC:$SVC " || $got == "660 $SVC:$WEB ${RDM#0} $SVC:$SVC " ]] &&
	pass control_socket_modes || fail control_socket_modes "$got"
if setpriv --reuid=nobody --regid=nogroup --clear-groups csmsctl -c "$CONF" status >/dev/null 2>&1; then
	fail nobody_cannot_use_control_socket "nobody reached $sock"
else
	pass nobody_cannot_use_control_socket
fi

# ---- the web servers, as $WEB --------------------------------------------
mkdir -p "$T/run/lighttpd" "$T/apache/fcgid"
touch "$T/lighttpd.err"
chown "$WEB:$WEB" "$T/run/lighttpd" "$T/apache/fcgid" "$T/lighttpd.err"
{
	echo "server.port          = $LPORT"
	echo 'server.bind          = "127.0.0.1"'
	echo "server.document-root = \"$P/share/csms/static\""
	echo "server.errorlog      = \"$T/lighttpd.err\""
	echo "server.username      = \"$WEB\""
	echo "server.groupname     = \"$WEB\""
	echo 'mimetype.assign      = ( ".css" => "text/css" )'
	block lighttpd-conf | adapt
} >"$T/lighttpd.conf"
/usr/sbin/lighttpd -D -f "$T/lighttpd.conf" >"$T/lighttpd.out" 2>&1 &
pids+=($!)
CSMS_ROOT=$P/share/csms CSMS_CGI_BIN=$P/lib/csms/cgi-bin CSMS_CONF=$CONF \
	CSMS_APACHE_PORT=$APORT CSMS_APACHE_DIR=$T/apache CSMS_OCPPD=ws://127.0.0.1:$OPORT \
	CSMS_APACHE_USER=$WEB CSMS_APACHE_GROUP=$WEB CSMS_HTPASSWD=$P/etc/csms/htpasswd \
	apache2 -f "$P/share/csms/apache/httpd-standalone.conf" -DFOREGROUND -DCSMS_CGI -DCSMS_AUTH \
	>"$T/apache.out" 2>&1 &
pids+=($!)
up=()
for port in $LPORT $APORT; do
	for ((i = 0; i < 100; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && up+=("$port") && break
		sleep 0.1
	done
done
((${#up[@]} == 2)) && pass web_servers_start ||
	fail web_servers_start "listening: ${up[*]}; $(tail -n 2 "$T/lighttpd.out" "$T/lighttpd.err" "$T/apache.out" "$T/apache/error.log" 2>/dev/null)"
L=http://127.0.0.1:$LPORT/cgi-bin
A=http://127.0.0.1:$APORT/cgi-bin
auth=(-u "operator:$PW")
if grep -q 'Warning' "$T/lighttpd.err" "$T/lighttpd.out" 2>/dev/null; then
	fail lighttpd_starts_clean "$(grep Warning "$T/lighttpd.err" "$T/lighttpd.out" | head -n 2)"
else
	pass lighttpd_starts_clean
fi

# ---- files: the upload directory is the web server's -------------------
FD=$T/lib/csms/files
got=$(stat -c '%a %U:%G' "$FD")
[[ $got == "2750 $WEB:$SVC" ]] && pass files_dir_modes || fail files_dir_modes "$got"
# A charge point's upload through each web server, with no login (the
# URL's token is the credential): stored by $WEB, group-readable only.
for srv in "lighttpd $LPORT" "apache_cgi $APORT"; do
	name=${srv% *} port=${srv#* } cp=INST-FILES-${srv% *}
	tok=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	sql "INSERT INTO file_tokens (token_hash, cp_id, kind, request_id, created_at, expires_at)
		VALUES ('$(printf %s "$tok" | sha256sum | cut -c1-64)', '$cp', 'log', 76, NOW(3), NOW(3) + INTERVAL 1 HOUR)"
	code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT -H 'X-File-Name: inst.log' --data-binary "installed $name" \
		"http://127.0.0.1:$port/files/u/$cp/$tok")
	stored=$(sql "SELECT stored_name FROM cp_files WHERE cp_id = '$cp'")
	got=$(stat -c '%a %U' "$FD/$stored" 2>/dev/null)
	[[ $code == 201 && -n $stored && $got == "640 $WEB" && $(cat "$FD/$stored") == "installed $name" ]] &&
		pass "${name}_upload_stored" || fail "${name}_upload_stored" "status $code, '$stored' $got"
done
fid=$(sql "SELECT id FROM cp_files WHERE cp_id = 'INST-FILES-lighttpd'")
got=$(curl -s "${auth[@]}" "$A/api/files/$fid/content")
[[ $got == "installed lighttpd" ]] && pass admin_downloads_upload || fail admin_downloads_upload "'$got'"

csrf_of() { grep -o 'name="csrf" value="[0-9a-f]*"' | head -n 1 | sed 's/.*value="\(.*\)"/\1/'; }
# post_form BASE PATH field=value...: the status code of a form POST.
post_form() {
	local base=$1 path=$2
	shift 2
	local args=() kv
	for kv in "$@"; do
		args+=(--data-urlencode "$kv")
	done
	curl -s -o /dev/null -w '%{http_code}' "${auth[@]}" "${args[@]}" "$base/dashboard$path"
}

# ---- the first admin (the doc's csmsctl), then the first id tags -------
out=$(bash -c "$(block first-admin | adapt)" 2>&1)
role=$(sql "SELECT role FROM web_users WHERE user='operator'")
[[ $role == admin ]] && pass csmsctl_first_admin || fail csmsctl_first_admin "role '$role': $out"
# ---- the first id tags: dashboard (lighttpd) and csmsctl (the doc) -----
tok=$(curl -s "${auth[@]}" "$L/dashboard/tags" | csrf_of)
code=$(post_form "$L" /tags/edit "csrf=$tok" op=add id_tag=INST-TAG-1 "name=added in the dashboard" status=Accepted)
n=$(sql "SELECT COUNT(*) FROM users WHERE id_tag='INST-TAG-1'")
[[ ${#tok} == 64 && $code == 303 && $n == 1 ]] && pass dashboard_adds_tag ||
	fail dashboard_adds_tag "token '${tok:0:8}' status $code rows $n"
out=$(bash -c "$(block first-tag | adapt)" 2>&1)
n=$(sql "SELECT COUNT(*) FROM users WHERE id_tag='CARD-0001'")
[[ $n == 1 ]] && pass csmsctl_adds_first_tag || fail csmsctl_adds_first_tag "$out"

# ---- first sessions: the doc's first tag, and the dashboard's -----------
session() { # session NAME CP TAG (in the background)
	timeout 60 cpsim "ws://127.0.0.1:$OPORT/$2" --id-tag "$3" --sessions 1 --duration 2 \
		--meter-interval 1 --exit-after-session --quiet >"$T/$1.log" 2>&1
	echo $? >"$T/$1.rc"
}
session first_session_charges INST-CP-1 CARD-0001 &
s1=$!
session dashboard_tag_charges INST-CP-3 INST-TAG-1 &
wait "$s1" $!
for s in first_session_charges:INST-CP-1 dashboard_tag_charges:INST-CP-3; do
	name=${s%%:*} cp=${s#*:}
	rc=$(cat "$T/$name.rc")
	n=$(sql "SELECT COUNT(*) FROM transactions WHERE cp_id='$cp' AND meter_stop IS NOT NULL")
	[[ $rc == 0 && $n == 1 ]] && pass "$name" || fail "$name" "rc=$rc tx=$n: $(tail -n 1 "$T/$name.log")"
done

# A charge point that stays on the line for the commands.
cpsim "ws://127.0.0.1:$OPORT/INST-CP-2" --id-tag CARD-0001 --sessions 0 --quiet >"$T/cpsim.log" 2>&1 &
pids+=($!)
online() {
	for ((i = 0; i < 300; i++)); do
		[[ $(sql "SELECT connected FROM charge_points WHERE id='INST-CP-2'") == 1 ]] && return 0
		sleep 0.1
	done
	return 1
}
online || fail cp_online "INST-CP-2 never connected"

# api_command NAME: TriggerMessage through Apache (plain CGI) to the CP.
api_command() {
	local body
	body=$(curl -s "${auth[@]}" -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
		-d '{"requestedMessage":"Heartbeat"}' "$A/api/cps/INST-CP-2/commands/TriggerMessage?wait=10")
	[[ $body == *'"status":"Accepted"'*$'\n200' ]] && pass "$1" || fail "$1" "${body: -200}"
}
# dash_command NAME BASE [TOKEN]: the same from the dashboard's form.
dash_command() {
	local name=$1 base=$2 tok=${3:-}
	[[ -n $tok ]] || tok=$(curl -s "${auth[@]}" "$base/dashboard/cp/INST-CP-2" | csrf_of)
	local before code after
	before=$(sql "SELECT COUNT(*) FROM commands WHERE cp_id='INST-CP-2' AND response LIKE '%Accepted%'")
	code=$(post_form "$base" /cp/INST-CP-2/command "csrf=$tok" action=TriggerMessage requestedMessage=Heartbeat)
	# The form waits a moment for the answer; the history has it soon.
	for ((i = 0; i < 100; i++)); do
		after=$(sql "SELECT COUNT(*) FROM commands WHERE cp_id='INST-CP-2' AND response LIKE '%Accepted%'")
		((after > before)) && break
		sleep 0.1
	done
	[[ $code == 303 && $after == $((before + 1)) ]] && pass "$name" || fail "$name" "status $code, answered commands $before -> $after"
}
api_command api_command_reaches_cp
dash_command dashboard_command_reaches_cp "$L"
atok=$(curl -s "${auth[@]}" "$A/dashboard/cp/INST-CP-2" | csrf_of)

# ---- ocppd restarts (systemd removes and recreates /run/csms) ----------
stop_ocppd
if start_ocppd && online; then
	api_command api_command_after_restart
	dash_command dashboard_command_after_restart "$L"
	# Plain CGI reads the form secret at every request: a form rendered
	# before the restart still works after it (the secret is persistent).
	dash_command cgi_form_survives_restart "$A" "$atok"
else
	fail ocppd_restart "$(tail -n 3 "$T/ocppd.log")"
fi

# ---- backups ---------------------------------------------------------------
cron=$(block cron | adapt | sed 's/^\([^ ]* *\)\{5\}root *//')
out=$(bash -c "$cron" 2>&1)
rc=$?
file=$(ls "$T"/backups/csms-*.sql.gz 2>/dev/null | head -n 1)
got=$(stat -c '%a' "$T/backups" "$file" 2>/dev/null | tr '\n' ' ')
((rc == 0)) && [[ -n $file && $got == "700 600 " ]] && pass backup_by_cron_line_0600 ||
	fail backup_by_cron_line_0600 "rc=$rc '$file' modes '$got': $out"

# A tag added after the backup: a refused restore must not lose it.
csmsctl -c "$CONF" tag_add id_tag=AFTER-BACKUP >/dev/null 2>&1
out=$(csms-restore "$file" 2>&1)
rc=$?
n=$(sql "SELECT COUNT(*) FROM users WHERE id_tag='AFTER-BACKUP'")
((rc != 0)) && [[ $out == "csms: restore: ocppd is running on database csms (connection "* && $n == 1 ]] &&
	pass restore_refused_while_ocppd_runs || fail restore_refused_while_ocppd_runs "rc=$rc rows=$n: $out"

# The doc's restore, with systemctl being the unit's stop and start.
stop_ocppd
restore=$(block restore | adapt | grep '^csms-restore' | sed "s|csms-restore .*|csms-restore '$file'|")
out=$(bash -c "$restore" 2>&1)
rc=$?
n=$(sql "SELECT COUNT(*) FROM users WHERE id_tag IN ('AFTER-BACKUP', 'INST-TAG-1', 'CARD-0001')")
((rc == 0)) && [[ $n == 2 && $(sql "SELECT COUNT(*) FROM users WHERE id_tag='AFTER-BACKUP'") == 0 ]] &&
	pass restore_after_stop || fail restore_after_stop "rc=$rc tags=$n: $out"
if start_ocppd; then
	pass ocppd_starts_after_restore
	stop_ocppd
else
	fail ocppd_starts_after_restore "$(tail -n 2 "$T/ocppd.log")"
fi

exit $((fails > 0))
