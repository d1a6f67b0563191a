#!/usr/bin/env bash
# 22-local-privacy.sh — what another local user can reach of a running
# stack (the one scripts/test.sh started with scripts/stack.sh start, as
# make start does): not the database socket (even knowing the writer's
# password), not the password files, not the logs; the passwords are
# random and in no config file; and a stack started as root runs no
# service as root.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

eval "$("$CSMS_BIN/ocppd" -c "$CSMS_CONF" --print-config)"
log_dir=$(cd "$run_dir/../log" && pwd)

# The passwords: generated, random, in files, not in the config.
rw=$(head -n 1 "$db_password_file" 2>/dev/null)
ro=$(head -n 1 "$db_ro_password_file" 2>/dev/null)
if [[ ${#rw} -ge 32 && ${#ro} -ge 32 && $rw != "$ro" && $rw != csms && $ro != csms_ro ]]; then
	pass passwords_generated
else
	fail passwords_generated "writer '${rw:0:4}…' (${#rw}), reader (${#ro})"
fi
if ! grep -Eq '^db_(ro_)?password *= *[^ ]' "$CSMS_CONF" "$ROOT/csms.conf"; then
	pass no_password_in_config
else
	fail no_password_in_config "$(grep -E '^db_(ro_)?password *=' "$CSMS_CONF" "$ROOT/csms.conf")"
fi
mode=$(stat -c %a "$db_password_file")
[[ $mode == 600 ]] && pass writer_password_file_0600 || fail writer_password_file_0600 "mode $mode"

# The same as another local user.  As root: really become nobody.
if [[ $(id -u) -eq 0 ]]; then
	as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	if "${as_nobody[@]}" mariadb --no-defaults -S "$db_socket" -u "$db_user" -p"$rw" \
		"$db_name" -N -B -e 'SELECT 1' >/dev/null 2>&1; then
		fail nobody_cannot_use_db_socket "nobody logged in as $db_user"
	else
		pass nobody_cannot_use_db_socket
	fi
	# The check itself works: the service's own user does get in.
	svc=$(stat -c %U "$run_dir")
	if [[ $svc != root ]] && runuser -u "$svc" -- mariadb --no-defaults -S "$db_socket" \
		-u "$db_user" -p"$rw" "$db_name" -N -B -e 'SELECT 1' >/dev/null 2>&1; then
		pass service_user_uses_db_socket
	elif [[ $svc == root ]]; then
		pass service_user_uses_db_socket
	else
		fail service_user_uses_db_socket "$svc cannot connect"
	fi
	for f in "$db_password_file" "$db_ro_password_file" "$log_dir/ocppd.log" "$log_dir/mariadb.err" \
		"$log_dir/lighttpd.err"; do
		name=nobody_cannot_read_$(basename "$f" | tr '.-' '__')
		if "${as_nobody[@]}" cat "$f" >/dev/null 2>&1; then
			fail "$name" "nobody read $f"
		else
			pass "$name"
		fi
	done
	if "${as_nobody[@]}" "$CSMS_BIN/csmsctl" -c "$CSMS_CONF" status >/dev/null 2>&1 ||
		"${as_nobody[@]}" test -w "$control_socket"; then
		fail nobody_cannot_use_control_socket "$control_socket reachable"
	else
		pass nobody_cannot_use_control_socket
	fi

	# Started as root: no service runs as root (unless the checkout is
	# out of the service user's reach, the documented fallback).
	uid_of() { awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$1/status" 2>/dev/null; }
	opid=$(cat "$run_dir/ocppd.pid")
	mpid=$(cat "$run_dir/mariadb.pid")
	ouid=$(uid_of "$opid")
	muid=$(uid_of "$mpid")
	wuids=$(for p in $(pgrep -P "$(cat "$run_dir/lighttpd.pid")"); do uid_of "$p"; done | sort -u | tr '\n' ',')
	if [[ $svc == root ]]; then
		if runuser -u csms -- test -x "$ROOT/templates" 2>/dev/null; then
			fail ocppd_not_root "the stack stayed root although user csms reaches $ROOT"
		else
			pass ocppd_not_root
		fi
	elif [[ -n $ouid && $ouid != *0* && -n $muid && $muid != "0 0 0 0" && -n $wuids && $wuids != *"0 0 0 0"* ]]; then
		pass ocppd_not_root
	else
		fail ocppd_not_root "ocppd uids '$ouid', mariadbd '$muid', web programs '$wuids'"
	fi
	grep -q "running as user $svc" "$log_dir/ocppd.log" && pass ocppd_logs_its_user ||
		fail ocppd_logs_its_user "$(tail -n 3 "$log_dir/ocppd.log")"

	# A user that does not exist stops ocppd at once, with one line.
	out=$(CSMS_USER=no-such-user-22 CSMS_OCPP_PORT=$((${CSMS_OCPP_URL##*:} + 33)) \
		CSMS_CONTROL_SOCKET= timeout 20 "$CSMS_BIN/ocppd" -c "$CSMS_CONF" 2>&1)
	rc=$?
	if ((rc == 2)) && [[ $out == 'ocppd: user "no-such-user-22": no such user' ]]; then
		pass unknown_user_refused
	else
		fail unknown_user_refused "rc=$rc $out"
	fi
else
	# Not root: the same holds by the modes alone.
	for d in "$run_dir" "$log_dir" "$(dirname "$db_password_file")"; do
		m=$(stat -c %a "$d")
		[[ ${m: -1} == 0 ]] && pass "private_$(basename "$d")" || fail "private_$(basename "$d")" "$d mode $m"
	done
fi

# A world-readable password file is refused, not used.
tmp=$CSMS_TEST_OUT/22-pw
cp "$db_password_file" "$tmp" && chmod 0644 "$tmp"
out=$(CSMS_DB_PASSWORD= CSMS_DB_PASSWORD_FILE=$tmp "$CSMS_BIN/ocppd" -c "$CSMS_CONF" --migrate 2>&1)
rc=$?
if ((rc != 0)) && [[ $out == *"is readable by every local user"* ]]; then
	pass world_readable_password_file_refused
else
	fail world_readable_password_file_refused "rc=$rc $out"
fi
chmod 0600 "$tmp"
out=$(CSMS_DB_PASSWORD= CSMS_DB_PASSWORD_FILE=$tmp "$CSMS_BIN/ocppd" -c "$CSMS_CONF" --migrate 2>&1)
(($? == 0)) && pass password_file_used || fail password_file_used "$out"
rm -f "$tmp"

exit $((fails > 0))
