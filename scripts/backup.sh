#!/usr/bin/env bash
# backup.sh — consistent database dumps while everything runs, and restore.
#
#   backup.sh backup          dump to backup_dir/csms-YYYYmmdd-HHMMSS.sql.gz
#   backup.sh restore FILE    load a dump into a stopped stack (ocppd must
#                             not run); the private MariaDB is started if
#                             the config has one
#
# The dump is taken with --single-transaction: InnoDB gives one consistent
# snapshot without locking ocppd out.  Credentials travel in the
# environment (MYSQL_PWD), never on a command line other users can read.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${CSMS_BUILD:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
CONF=${CSMS_CONF:-$ROOT/csms.conf}
export CSMS_CONF=$CONF

die() {
	echo "csms: $*" >&2
	exit 1
}

[[ -x $BUILD_DIR/bin/ocppd ]] || die "$BUILD_DIR/bin/ocppd is not built (run make)"
cfg_out=$("$BUILD_DIR/bin/ocppd" -c "$CONF" --print-config 2>&1) || die "${cfg_out#ocppd: }"
eval "$cfg_out"
# The writer's password: the literal key, else its file (stack.sh made it).
[[ -n $db_password || -z $db_password_file ]] || db_password=$(head -n 1 "$db_password_file")

conn=(--no-defaults -u "$db_user")
if [[ -n $db_host ]]; then
	conn+=(-h "$db_host" -P "$db_port")
else
	conn+=(-S "$db_socket")
fi
export MYSQL_PWD=$db_password

case "${1:-}" in
backup)
	mkdir -p "$backup_dir"
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
	mv "$tmp" "$file"
	echo "$file"
	;;
restore)
	file=${2:-}
	[[ -n $file && -r $file ]] || die "restore: no readable backup file given (make restore FILE=…)"
	gzip -t "$file" 2>/dev/null || die "restore: $file is not a gzip file"
	if [[ -f $run_dir/ocppd.pid ]] && kill -0 "$(cat "$run_dir/ocppd.pid")" 2>/dev/null; then
		die "restore: ocppd is running; stop the stack first (make stop)"
	fi
	CSMS_SEED_DEMO=0 "$ROOT/scripts/stack.sh" db-start
	admin=(mariadb "${conn[@]}")
	if [[ -n $db_datadir ]]; then
		# The private instance: its OS-user admin login may recreate the
		# database; an external server needs the rights granted by its DBA.
		admin=(mariadb --no-defaults -S "$db_socket" -u "$(id -un)")
	fi
	"${admin[@]}" -e "DROP DATABASE IF EXISTS \`$db_name\`; CREATE DATABASE \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;" ||
		die "restore: cannot recreate database $db_name"
	gzip -dc "$file" | "${admin[@]}" "$db_name" || die "restore: loading $file failed"
	# A dump from an older release gets the newer migrations.
	out=$("$BUILD_DIR/bin/ocppd" -c "$CONF" --migrate 2>&1) || die "${out#ocppd: }"
	echo "csms: restored $file"
	;;
*)
	echo "usage: backup.sh backup | restore FILE" >&2
	exit 2
	;;
esac
