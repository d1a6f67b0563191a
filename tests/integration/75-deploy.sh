#!/usr/bin/env bash
# 75-deploy.sh — `make install` lays out the tree admins expect, and a
# backup taken mid-session restores with every transaction in it.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
fails=0
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; fails=$((fails + 1)); }

stage=$CSMS_TEST_OUT/stage
rm -rf "$stage"
if make --no-print-directory -s BUILD="${CSMS_BUILD:-build}" install PREFIX=/usr/local DESTDIR="$stage" >"$CSMS_TEST_OUT/install.log" 2>&1; then
	missing=()
	for f in usr/local/sbin/ocppd usr/local/bin/cpsim \
		usr/local/lib/csms/cgi-bin/api usr/local/lib/csms/cgi-bin/dashboard \
		usr/local/share/csms/templates/overview.tmpl usr/local/share/csms/static/csms.css \
		usr/local/share/csms/sql/001_schema.sql usr/local/share/csms/lighttpd/csms.conf \
		usr/local/share/csms/apache/csms.conf usr/local/share/csms/doc/README.md \
		usr/local/etc/csms/csms.conf usr/local/lib/systemd/system/ocppd.service; do
		[[ -e $stage/$f ]] || missing+=("$f")
	done
	if ((${#missing[@]} == 0)) && [[ -x $stage/usr/local/sbin/ocppd ]]; then
		pass install_tree
	else
		fail install_tree "missing: ${missing[*]}"
	fi
	unit=$stage/usr/local/lib/systemd/system/ocppd.service
	if grep -q '^ExecStart=/usr/local/sbin/ocppd -c /usr/local/etc/csms/csms.conf$' "$unit" &&
		grep -q '^Restart=on-failure' "$unit" && grep -q '^User=csms' "$unit" &&
		grep -q '^ProtectSystem=strict' "$unit" && grep -q '^NoNewPrivileges=yes' "$unit"; then
		pass systemd_unit
	else
		fail systemd_unit "$(grep -E 'ExecStart|Restart|User|Protect' "$unit")"
	fi
	conf=$stage/usr/local/etc/csms/csms.conf
	out=$(env -u CSMS_CONF "$stage/usr/local/sbin/ocppd" -c "$conf" --print-config 2>&1)
	if [[ $out == *"templates_dir='/usr/local/share/csms/templates'"* &&
		$out == *"sql_dir='/usr/local/share/csms/sql'"* && $out == *"db_datadir=''"* ]]; then
		pass installed_config_valid
	else
		fail installed_config_valid "$(echo "$out" | head -n 3)"
	fi
	# A second install keeps the admin's config and puts the new one beside it.
	echo "# admin edit" >>"$conf"
	make --no-print-directory -s BUILD="${CSMS_BUILD:-build}" install PREFIX=/usr/local DESTDIR="$stage" >/dev/null 2>&1
	if grep -q '# admin edit' "$conf" && [[ -e $conf.new ]]; then
		pass install_keeps_config
	else
		fail install_keeps_config "config overwritten or no .new"
	fi
	make --no-print-directory -s BUILD="${CSMS_BUILD:-build}" uninstall PREFIX=/usr/local DESTDIR="$stage" >/dev/null 2>&1
	if [[ ! -e $stage/usr/local/sbin/ocppd && ! -e $stage/usr/local/share/csms && -e $conf ]]; then
		pass uninstall
	else
		fail uninstall "files left or config removed"
	fi
else
	fail install_tree "make install failed: $(tail -n 3 "$CSMS_TEST_OUT/install.log")"
fi

# Backup mid-session: a CP is charging while the dump runs.
sql_in() { # sql_in SOCKET QUERY
	mariadb --no-defaults -S "$1" -u "$CSMS_DB_USER" -p"$CSMS_DB_PASSWORD" "$CSMS_DB_NAME" -N -B -e "$2"
}
sql_in "$CSMS_DB_SOCKET" "INSERT IGNORE INTO users (id_tag, name) VALUES ('BACKUP-TAG', 'backup test')"
for i in 1 2 3; do
	timeout 60 "$CSMS_BIN/cpsim" "$CSMS_OCPP_URL/BACKUP-CP-$i" --id-tag BACKUP-TAG --sessions 1 --duration 1 \
		--meter-interval 1 --exit-after-session --quiet >/dev/null 2>&1
done
timeout 120 "$CSMS_BIN/cpsim" "$CSMS_OCPP_URL/BACKUP-CP-LIVE" --id-tag BACKUP-TAG --sessions 1 --duration 8 \
	--meter-interval 1 --exit-after-session --quiet >/dev/null 2>&1 &
live=$!
sleep 3
backup_dir=$CSMS_TEST_OUT/backups
file=$(CSMS_BACKUP_DIR=$backup_dir scripts/backup.sh backup 2>&1)
rc=$?
# What the dump must hold: every transaction that existed when it started.
expect=$(sql_in "$CSMS_DB_SOCKET" "SELECT COUNT(*) FROM transactions WHERE cp_id LIKE 'BACKUP-CP-%' AND cp_id <> 'BACKUP-CP-LIVE' AND meter_stop IS NOT NULL")
wait "$live"
if ((rc == 0)) && [[ -s $file && $file == "$backup_dir"/csms-*.sql.gz ]]; then
	pass backup_while_running
else
	fail backup_while_running "rc=$rc $file"
fi

# Restore into a second, stopped instance of its own.
r=$CSMS_TEST_OUT/restore
rm -rf "$r"
mkdir -p "$r"
rconf=(CSMS_RUN_DIR="$r/run" CSMS_DB_DATADIR="$r/mysql" CSMS_DB_SOCKET="$r/run/mysqld.sock")
out=$(env "${rconf[@]}" scripts/backup.sh restore "$file" 2>&1)
rc=$?
if ((rc == 0)); then
	got=$(sql_in "$r/run/mysqld.sock" "SELECT COUNT(*) FROM transactions WHERE cp_id LIKE 'BACKUP-CP-%' AND cp_id <> 'BACKUP-CP-LIVE' AND meter_stop IS NOT NULL")
	live_tx=$(sql_in "$r/run/mysqld.sock" "SELECT COUNT(*) FROM transactions WHERE cp_id = 'BACKUP-CP-LIVE'")
	orig=$(sql_in "$CSMS_DB_SOCKET" "SELECT GROUP_CONCAT(id, ':', meter_start, ':', IFNULL(meter_stop, '-') ORDER BY id) FROM transactions WHERE cp_id LIKE 'BACKUP-CP-%' AND cp_id <> 'BACKUP-CP-LIVE'")
	rest=$(sql_in "$r/run/mysqld.sock" "SELECT GROUP_CONCAT(id, ':', meter_start, ':', IFNULL(meter_stop, '-') ORDER BY id) FROM transactions WHERE cp_id LIKE 'BACKUP-CP-%' AND cp_id <> 'BACKUP-CP-LIVE'")
	if [[ $expect == 3 && $got == 3 && $live_tx == 1 && $orig == "$rest" ]]; then
		pass restore_has_every_transaction
	else
		fail restore_has_every_transaction "expected 3 finished + 1 live, got $got + $live_tx; $orig vs $rest"
	fi
	daily=$(sql_in "$r/run/mysqld.sock" "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")
	live=$(sql_in "$CSMS_DB_SOCKET" "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE()")
	[[ $daily == "$live" && $daily -ge 3 ]] && pass restore_keeps_triggers || fail restore_keeps_triggers "triggers: $daily, live: $live"
else
	fail restore_has_every_transaction "restore failed: $out"
fi
env "${rconf[@]}" scripts/stack.sh db-stop >/dev/null 2>&1

# Restore refuses a running stack and a missing file, with one line.  The
# refusal comes from the database (ocppd's lock), not from a PID file:
# with the PID file gone it still refuses, and the data is untouched.
before=$(sql_in "$CSMS_DB_SOCKET" "SELECT COUNT(*) FROM transactions")
out=$(scripts/backup.sh restore "$file" 2>&1)
[[ $? -ne 0 && $out == "csms: restore: ocppd is running on database $CSMS_DB_NAME (connection "*"): stop it first (systemctl stop ocppd, or make stop)" ]] &&
	pass restore_refuses_running_stack || fail restore_refuses_running_stack "$out"
eval "$("$CSMS_BIN/ocppd" -c "$CSMS_CONF" --print-config | grep '^run_dir=')"
mv "$run_dir/ocppd.pid" "$run_dir/ocppd.pid.saved"
out=$(scripts/backup.sh restore "$file" 2>&1)
rc=$?
mv "$run_dir/ocppd.pid.saved" "$run_dir/ocppd.pid"
after=$(sql_in "$CSMS_DB_SOCKET" "SELECT COUNT(*) FROM transactions")
[[ $rc -ne 0 && $out == *"ocppd is running on database"* && $before == "$after" ]] &&
	pass restore_refuses_without_pidfile || fail restore_refuses_without_pidfile "rc=$rc $out ($before -> $after rows)"
mode=$(stat -c %a "$file")
[[ $mode == 600 ]] && pass backup_file_0600 || fail backup_file_0600 "mode $mode"
out=$(scripts/backup.sh restore /nonexistent.sql.gz 2>&1)
[[ $? -ne 0 && $out == *"no readable backup file"* ]] &&
	pass restore_names_missing_file || fail restore_names_missing_file "$out"

# make stop with nothing of its own running says so (an installed ocppd
# is systemd's to stop; restore asks the database anyway).
d=$CSMS_TEST_OUT/nostack
mkdir -p "$d/run"
out=$(CSMS_RUN_DIR=$d/run scripts/stack.sh stop 2>&1)
[[ $? -eq 0 && $out == "csms: nothing to stop: "* ]] && pass stop_says_nothing_stopped || fail stop_says_nothing_stopped "$out"

rm -rf "$r" "$stage" "$d"
exit $((fails > 0))
