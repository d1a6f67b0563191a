#!/usr/bin/env bash
# stack.sh — the private services of a csms-c instance: MariaDB (its own
# datadir and socket), ocppd and lighttpd, all configured from csms.conf.
#
#   stack.sh run        start everything, print the URLs, stay in the
#                       foreground until Ctrl-C, then stop what it started
#   stack.sh start      the same in the background (PID files in run_dir)
#   stack.sh stop       stop what start started
#   stack.sh db-start   only MariaDB (created and migrated on first use)
#   stack.sh ocppd-start | ocppd-stop | web-start | web-stop
#
# Environment: CSMS_CONF (config file), CSMS_BUILD (build dir, default
# build), CSMS_SEED_DEMO=0 to skip the demo id tags, CSMS_DB_BUFFER_POOL
# and CSMS_DB_REDO_LOG (the private MariaDB's innodb_buffer_pool_size and
# innodb_log_file_size, default 256M each; a busy fleet wants 1G or more,
# docs/deploy.md) and CSMS_<KEY> for any config key.  Every failure is one
# line naming the problem.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${CSMS_BUILD:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
BIN=$BUILD_DIR/bin
CONF=${CSMS_CONF:-$ROOT/csms.conf}
export CSMS_CONF=$CONF

die() {
	echo "csms: $*" >&2
	exit 1
}

[[ -x $BIN/ocppd ]] || die "$BIN/ocppd is not built (run make)"
cfg_out=$("$BIN/ocppd" -c "$CONF" --print-config 2>&1) || die "${cfg_out#ocppd: }"
eval "$cfg_out"

LOG_DIR=${run_dir%/}/../log
mkdir -p "$run_dir" "$LOG_DIR"
LOG_DIR=$(cd "$LOG_DIR" && pwd)

as_root=()
[[ $(id -u) -eq 0 ]] && as_root=(--user=root)

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pid_alive() {
	[[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}

sql_quote() {
	printf "'%s'" "${1//\'/\'\'}"
}

# The admin connection to the private instance: the OS user, by socket.
admin_sql() {
	mariadb --no-defaults -S "$db_socket" -u "$(id -un)" "$@"
}

private_db() {
	[[ -n $db_datadir ]]
}

db_start() {
	private_db || return 0
	local pidf=$run_dir/mariadb.pid
	if pid_alive "$pidf" && mariadb-admin --no-defaults -S "$db_socket" -u "$(id -un)" ping >/dev/null 2>&1; then
		return 0
	fi
	command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || die "mariadbd not found (run scripts/install-deps.sh)"
	local first=0
	if [[ ! -d $db_datadir/mysql ]]; then
		first=1
		mkdir -p "$db_datadir"
		mariadb-install-db --no-defaults --datadir="$db_datadir" \
			--auth-root-authentication-method=socket --skip-test-db \
			"${as_root[@]}" >"$LOG_DIR/mariadb-install.log" 2>&1 ||
			die "mariadb-install-db failed, see $LOG_DIR/mariadb-install.log"
	fi
	# Durable settings are MariaDB's defaults (innodb_flush_log_at_trx_commit=1):
	# an answer ocppd sends is on disk.
	/usr/sbin/mariadbd --no-defaults --datadir="$db_datadir" --socket="$db_socket" \
		--pid-file="$pidf" --skip-networking --skip-name-resolve \
		--log-error="$LOG_DIR/mariadb.err" --max-connections=500 \
		--innodb-buffer-pool-size="${CSMS_DB_BUFFER_POOL:-256M}" \
		--innodb-log-file-size="${CSMS_DB_REDO_LOG:-256M}" \
		--innodb-io-capacity=1000 --innodb-io-capacity-max=4000 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		"${as_root[@]}" >/dev/null 2>&1 &
	local i
	for ((i = 0; i < 300; i++)); do
		if mariadb-admin --no-defaults -S "$db_socket" -u "$(id -un)" ping >/dev/null 2>&1; then
			break
		fi
		sleep 0.1
	done
	((i < 300)) || die "MariaDB did not start, see $LOG_DIR/mariadb.err"
	# Database and the two accounts: ocppd writes, the web tier only reads.
	admin_sql <<SQL || die "cannot create the database accounts"
CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER IF NOT EXISTS $(sql_quote "$db_user")@'localhost';
ALTER USER $(sql_quote "$db_user")@'localhost' IDENTIFIED BY $(sql_quote "$db_password");
GRANT ALL PRIVILEGES ON \`$db_name\`.* TO $(sql_quote "$db_user")@'localhost';
CREATE USER IF NOT EXISTS $(sql_quote "$db_ro_user")@'localhost';
ALTER USER $(sql_quote "$db_ro_user")@'localhost' IDENTIFIED BY $(sql_quote "$db_ro_password");
GRANT SELECT ON \`$db_name\`.* TO $(sql_quote "$db_ro_user")@'localhost';
SQL
	local out
	out=$("$BIN/ocppd" -c "$CONF" --migrate 2>&1) || die "${out#ocppd: }"
	if ((first)) && [[ ${CSMS_SEED_DEMO:-1} = 1 ]]; then
		admin_sql "$db_name" <"$ROOT/sql/seed-demo.sql" || die "cannot seed the demo id tags"
	fi
}

db_stop() {
	private_db || return 0
	local pidf=$run_dir/mariadb.pid
	pid_alive "$pidf" || return 0
	local pid
	pid=$(cat "$pidf")
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
}

# Waits until a process listens on a port; fails early when it died.
wait_listen() {
	local pid=$1 port=$2 what=$3 log=$4
	for ((i = 0; i < 200; i++)); do
		port_busy "$port" && return 0
		if ! kill -0 "$pid" 2>/dev/null; then
			local last
			last=$(grep -v '^\s*$' "$log" 2>/dev/null | tail -n 1)
			die "$what exited: ${last:-see $log}"
		fi
		sleep 0.05
	done
	die "$what did not listen on port $port within 10 s, see $log"
}

ocppd_start() {
	local pidf=$run_dir/ocppd.pid
	pid_alive "$pidf" && return 0
	port_busy "$ocpp_port" && die "port $ocpp_port (ocpp_port) is already in use"
	local log=$LOG_DIR/ocppd.log
	if [[ ${1:-} = foreground-log ]]; then
		"$BIN/ocppd" -c "$CONF" 2> >(tee -a "$log" >&2) &
	else
		"$BIN/ocppd" -c "$CONF" >/dev/null 2>>"$log" &
	fi
	echo $! >"$pidf"
	wait_listen "$!" "$ocpp_port" ocppd "$log"
}

stop_pidfile() {
	local pidf=$1
	pid_alive "$pidf" || {
		rm -f "$pidf"
		return 0
	}
	local pid
	pid=$(cat "$pidf")
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 200; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$pidf"
}

web_start() {
	local pidf=$run_dir/lighttpd.pid
	pid_alive "$pidf" && return 0
	command -v lighttpd >/dev/null || [[ -x /usr/sbin/lighttpd ]] || die "lighttpd not found (run scripts/install-deps.sh)"
	port_busy "$http_port" && die "port $http_port (http_port) is already in use"
	export CSMS_ROOT=$ROOT CSMS_BIN_DIR=$BUILD_DIR/web/cgi-bin CSMS_HTTP_PORT=$http_port CSMS_OCPP_PORT=$ocpp_port \
		CSMS_RUN_DIR=$run_dir CSMS_LOG_DIR=$LOG_DIR
	local out
	out=$(/usr/sbin/lighttpd -tt -f "$ROOT/lighttpd/lighttpd.conf" 2>&1) ||
		die "lighttpd config: $(echo "$out" | tail -n 1)"
	/usr/sbin/lighttpd -D -f "$ROOT/lighttpd/lighttpd.conf" >/dev/null 2>>"$LOG_DIR/lighttpd.err" &
	echo $! >"$pidf"
	wait_listen "$!" "$http_port" lighttpd "$LOG_DIR/lighttpd.err"
}

start_all() {
	# Check both ports before starting anything: no half-started stack.
	pid_alive "$run_dir/ocppd.pid" || ! port_busy "$ocpp_port" || die "port $ocpp_port (ocpp_port) is already in use"
	pid_alive "$run_dir/lighttpd.pid" || ! port_busy "$http_port" || die "port $http_port (http_port) is already in use"
	db_start
	ocppd_start "$@"
	web_start
}

stop_all() {
	stop_pidfile "$run_dir/lighttpd.pid"
	stop_pidfile "$run_dir/ocppd.pid"
	db_stop
}

case "${1:-}" in
run)
	trap 'stop_all; exit 1' ERR
	trap 'echo; echo "csms: stopping"; stop_all; exit 0' INT TERM
	start_all foreground-log
	trap - ERR
	cat <<EOF
csms: running (Ctrl-C stops everything)
  dashboard  http://localhost:$http_port/
  API        http://localhost:$http_port/cgi-bin/api/cps
  OCPP       ws://localhost:$ocpp_port/{CP_ID}
  logs       $LOG_DIR
EOF
	# Stay in the foreground while ocppd lives.
	while pid_alive "$run_dir/ocppd.pid" && pid_alive "$run_dir/lighttpd.pid"; do
		sleep 1 &
		wait $! || true
	done
	echo "csms: a service exited, stopping (see $LOG_DIR)" >&2
	stop_all
	exit 1
	;;
start)
	trap 'stop_all' ERR
	start_all
	echo "csms: started; dashboard http://localhost:$http_port/  OCPP ws://localhost:$ocpp_port/{CP_ID}"
	;;
stop) stop_all ;;
db-start) db_start ;;
db-stop) db_stop ;;
ocppd-start) ocppd_start ;;
ocppd-stop) stop_pidfile "$run_dir/ocppd.pid" ;;
web-start) web_start ;;
web-stop) stop_pidfile "$run_dir/lighttpd.pid" ;;
*)
	echo "usage: stack.sh run|start|stop|db-start|db-stop|ocppd-start|ocppd-stop|web-start|web-stop" >&2
	exit 2
	;;
esac
