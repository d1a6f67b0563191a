#!/usr/bin/env bash
# backup.sh — consistent database dumps while everything runs, and restore.
# `make install` installs it as csms-backup and csms-restore.
#
#   backup.sh backup          dump to backup_dir/csms-YYYYmmdd-HHMMSS.sql.gz
#   backup.sh restore FILE    load a dump; refused while any ocppd uses the
#                             database
#   csms-backup               the same, installed (config: $CSMS_CONF, else
#   csms-restore FILE         the installed csms.conf)
#
# The dump is taken with --single-transaction: InnoDB gives one consistent
# snapshot without locking ocppd out.  Dumps are written mode 0600 into a
# 0700 directory (they hold every id tag and the operators' history).
# Credentials travel in the environment (MYSQL_PWD), never on a command
# line other users can read.
#
# Whether ocppd runs is asked of the database, not of a PID file: every
# ocppd holds a named lock csms_ocppd:<db>:<slot> for its life
# (ocppd/nodelock.c).  The restore runs in one session that first takes
# csms_restore:<db> (ocppd refuses to start while it is held), then checks
# that no slot is held, then drops, recreates and loads the database.
set -euo pipefail
umask 077

# make install sets these two to the installed ocppd and config.
installed_ocppd=
installed_conf=

die() {
	echo "csms: $*" >&2
	exit 1
}

if [[ -n $installed_ocppd ]]; then
	ROOT=
	OCPPD=${CSMS_OCPPD:-$installed_ocppd}
	CONF=${CSMS_CONF:-$installed_conf}
	case "$(basename "$0")" in
	csms-backup) set -- backup "$@" ;;
	csms-restore) set -- restore "$@" ;;
	esac
else
	ROOT=$(cd "$(dirname "$0")/.." && pwd)
	BUILD_DIR=${CSMS_BUILD:-build}
	[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
	OCPPD=${CSMS_OCPPD:-$BUILD_DIR/bin/ocppd}
	CONF=${CSMS_CONF:-$ROOT/csms.conf}
	[[ -x $OCPPD ]] || die "$OCPPD is not built (run make)"
fi
export CSMS_CONF=$CONF

cfg_out=$("$OCPPD" -c "$CONF" --print-config 2>&1) || die "${cfg_out#ocppd: }"
eval "$cfg_out"
# The writer's password: the literal key, else its file.
if [[ -z $db_password && -n $db_password_file ]]; then
	[[ -r $db_password_file ]] || die "cannot read $db_password_file (db_password_file; run as root or ocppd's user)"
	db_password=$(head -n 1 "$db_password_file")
fi

conn=(--no-defaults -u "$db_user")
if [[ -n $db_host ]]; then
	conn+=(-h "$db_host" -P "$db_port")
else
	conn+=(-S "$db_socket")
fi
export MYSQL_PWD=$db_password

sql_quote() {
	printf "'%s'" "${1//\'/\'\'}"
}

# The statements that open a restore session (see the top of this file).
restore_guard() {
	local slots=() i
	for ((i = 0; i < 64; i++)); do
		slots+=("IS_USED_LOCK($(sql_quote "csms_ocppd:$db_name:$i"))")
	done
	local list
	list=$(
		IFS=,
		echo "${slots[*]}"
	)
	cat <<SQL
DELIMITER ;;
BEGIN NOT ATOMIC
  DECLARE holder BIGINT;
  DECLARE msg VARCHAR(200);
  IF GET_LOCK($(sql_quote "csms_restore:$db_name"), 0) IS NOT TRUE THEN
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'csms-restore: another restore of this database is running';
  END IF;
  SET holder = COALESCE($list);
  IF holder IS NOT NULL THEN
    SET msg = CONCAT('csms-restore: ocppd is running on database ', $(sql_quote "$db_name"),
      ' (connection ', holder, '): stop it first (systemctl stop ocppd, or make stop)');
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = msg;
  END IF;
END;;
DELIMITER ;
DROP DATABASE IF EXISTS \`$db_name\`;
CREATE DATABASE \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
USE \`$db_name\`;
SQL
}

case "${1:-}" in
backup)
	mkdir -p "$backup_dir"
	chmod 0700 "$backup_dir"
	file=$backup_dir/csms-$(date -u +%Y%m%d-%H%M%S).sql.gz
	tmp=$file.partial
	# pipefail makes a failed dump fail the whole pipeline; the .partial
	# name keeps a broken dump from ever looking like a backup.
	mariadb-dump "${conn[@]}" --single-transaction --quick --routines \
		--triggers --hex-blob --default-character-set=utf8mb4 \
		"$db_name" | gzip -c >"$tmp" || {
		rm -f "$tmp"
		die "backup failed (is the database running?)"
	}
	chmod 0600 "$tmp"
	mv "$tmp" "$file"
	echo "$file"
	;;
restore)
	file=${2:-}
	[[ -n $file && -r $file ]] || die "restore: no readable backup file given (csms-restore FILE, make restore FILE=…)"
	gzip -t "$file" 2>/dev/null || die "restore: $file is not a gzip file"
	admin=(mariadb "${conn[@]}")
	if [[ -n $db_datadir ]]; then
		# The private instance: started if it is not running, and its
		# OS-user admin login recreates the database; an external
		# server needs the rights its DBA granted db_user.
		[[ -n $ROOT ]] || die "restore: db_datadir names a private database: restore it from its checkout (make restore)"
		CSMS_SEED_DEMO=0 "$ROOT/scripts/stack.sh" db-start
		admin=(mariadb --no-defaults -S "$db_socket" -u "$(id -un)")
	fi
	errf=$(mktemp)
	trap 'rm -f "$errf"' EXIT
	if ! { restore_guard && gzip -dc "$file"; } | "${admin[@]}" 2>"$errf"; then
		why=$(sed -n 's/^ERROR .*: csms-restore: //p' "$errf" | head -n 1)
		[[ -z $why ]] || die "restore: $why"
		die "restore: loading $file failed: $(grep -v '^\s*$' "$errf" | tail -n 1)"
	fi
	# A dump from an older release gets the newer migrations.
	out=$("$OCPPD" -c "$CONF" --migrate 2>&1) || die "${out#ocppd: }"
	echo "csms: restored $file"
	;;
*)
	echo "usage: backup.sh backup | restore FILE" >&2
	exit 2
	;;
esac
