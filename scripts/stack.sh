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
# innodb_log_file_size; by default sized from this machine at the first
# start and kept in db-sizing.conf beside the datadir: see db_sizing) and
# CSMS_<KEY> for any config key.  Every failure is one line naming the
# problem.
#
# Privacy (docs/security.md): everything under var/ is created with umask
# 027 and private directories, so other local users reach neither the
# database socket, the logs nor the password files.  The database
# passwords are random, generated at the first start into
# db_password_file / db_ro_password_file (only when the config sets no
# literal password).  Started as root with `user` set in the config
# (csms.conf: user = csms), the services run as that user: it is created
# as a system user if missing, MariaDB runs as it, ocppd switches to it
# once its port is bound, and lighttpd runs its programs as www-data in
# the user's group (www-data is added to the group; the same user when
# there is no www-data).  When that user cannot reach the checkout (a
# private parent directory) the services stay root, and say so.
set -euo pipefail
umask 027

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

# Who runs what: svc_user (MariaDB, ocppd) and web_user (lighttpd and its
# programs), sharing svc_group.  Empty svc_user: the invoking user runs
# everything.
svc_user=
svc_group=
web_user=
note() {
	echo "csms: $*" >&2
}

# The secret files' directories: private to the service (and its group).
# Only the private instance's: an admin's own files are left as they are.
secret_dirs() {
	private_db || return 0
	local f
	for f in "$db_password_file" "$db_ro_password_file" "$csrf_secret_file"; do
		[[ -n $f ]] && dirname "$f"
	done | sort -u
}

# Can user $1 do all of: test $2...?  (runuser gives the user's groups.)
can_reach() {
	local who=$1
	shift
	runuser -u "$who" -- test "$@" 2>/dev/null
}

choose_users() {
	[[ $(id -u) -eq 0 && -n $user ]] || return 0
	if ! getent passwd "$user" >/dev/null; then
		useradd --system --user-group --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin "$user" >/dev/null 2>&1 ||
			die "cannot create the system user $user (useradd)"
		note "created the system user $user (MariaDB and ocppd run as it)"
	fi
	local group_name=${group:-$(id -gn "$user")}
	getent group "$group_name" >/dev/null || die "group \"$group_name\" does not exist"
	local web=$user
	if getent passwd www-data >/dev/null; then
		web=www-data
		if ! id -nG www-data | tr ' ' '\n' | grep -qx "$group_name"; then
			usermod -a -G "$group_name" www-data ||
				die "cannot add www-data to group $group_name (usermod)"
			note "added www-data to group $group_name (the web programs reach the database socket)"
		fi
	fi
	local d
	for d in "$run_dir" "$LOG_DIR" $(secret_dirs) ${db_datadir:+"$db_datadir"}; do
		mkdir -p "$d"
		chown "$user:$group_name" "$d"
	done
	chmod 0770 "$run_dir"
	# The checkout and var/ must be in reach of both users.
	if can_reach "$user" -w "$run_dir" -a -w "$LOG_DIR" &&
		can_reach "$web" -w "$run_dir" -a -r "$CONF" -a -x "$ROOT/templates" -a \
			-x "$ROOT/static" -a -x "$BUILD_DIR/web/cgi-bin"; then
		svc_user=$user
		svc_group=$group_name
		web_user=$web
	else
		note "user $user or $web cannot reach $ROOT or $run_dir (a parent directory is private): the services run as root"
		export CSMS_USER=
	fi
}

# Modes and owners under var/: directories private to the service and its
# group; the run directory group-writable (the web programs create their
# sockets there).
secure_dirs() {
	local d
	if [[ -n $svc_user ]]; then
		chmod 0770 "$run_dir"
		chmod 0750 "$LOG_DIR"
		chown -R "$svc_user:$svc_group" "$LOG_DIR"
		chmod -R o-rwx "$LOG_DIR"
		touch "$LOG_DIR/lighttpd.err"
		chown "$web_user:$svc_group" "$LOG_DIR/lighttpd.err"
		for d in $(secret_dirs); do
			chmod 0750 "$d"
		done
		[[ -z $db_datadir || ! -d $db_datadir ]] || chmod 0700 "$db_datadir"
	else
		chmod 0700 "$run_dir" "$LOG_DIR"
		chmod -R go-rwx "$LOG_DIR"
		for d in $(secret_dirs); do
			mkdir -p "$d"
			chmod 0700 "$d"
		done
	fi
}

# Before starting anything: users, owners and modes.
mariadb_user=()
prepared=0
prepare() {
	((prepared)) && return 0
	prepared=1
	choose_users
	secure_dirs
	if [[ -n $svc_user ]]; then
		mariadb_user=(--user="$svc_user")
	elif [[ $(id -u) -eq 0 ]]; then
		mariadb_user=(--user=root)
	fi
}

port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A process that has exited but is not reaped yet (a zombie: its parent
# has not waited for it) is not alive, though kill -0 still finds it.
pid_alive() {
	local pid state
	[[ -f $1 ]] || return 1
	pid=$(cat "$1")
	kill -0 "$pid" 2>/dev/null || return 1
	state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 0
	[[ $state != Z ]]
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

# A password file of the private instance that does not exist yet gets a
# random password: readable by the service user only (the writer's) or by
# its group too (the read-only account the web programs use).
ensure_secret() {
	local file=$1
	[[ -n $file && ! -e $file ]] || return 0
	mkdir -p "$(dirname "$file")"
	(
		umask 077
		# 32 random bytes as hex: no character needs quoting anywhere.
		head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file.tmp"
		echo >>"$file.tmp"
	)
	mv "$file.tmp" "$file"
}

# The effective password: the literal key when set, else its file.
password_of() {
	if [[ -n $1 ]]; then
		printf '%s' "$1"
	elif [[ -n $2 ]]; then
		[[ -r $2 ]] || die "cannot read $2 (the database password file)"
		head -n 1 "$2"
	fi
}

secure_secret() {
	local file=$1 mode=$2
	[[ -n $file && -e $file ]] || return 0
	if [[ -n $svc_user ]]; then
		chown "$svc_user:$svc_group" "$file"
		chmod "$mode" "$file"
	else
		chmod 0600 "$file"
	fi
}

# The private MariaDB's buffer pool and redo log.  Too small a pool or
# log makes InnoDB write dirty pages back under the commits' feet (at
# 15,000 msgs/s: p99 from ~7 ms to 100-200 ms, and the fixed rate not
# held; docs/benchmarks.md), so at the first start they are sized from
# the machine — a quarter of the memory available (128 MB to 8 GB), the
# redo log half of that (96 MB to 2 GB, at most 1/16 of the free disk) —
# written to db-sizing.conf beside the datadir, and kept from then on, so
# every start and `make bench` use the same.  CSMS_DB_BUFFER_POOL and
# CSMS_DB_REDO_LOG win over both (make test keeps its instances small).
db_sizing() {
	local f mem disk pool redo
	f=$(dirname "$db_datadir")/db-sizing.conf
	if [[ ! -s $f ]]; then
		mem=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo 2>/dev/null)
		disk=$(df -Pm "$(dirname "$db_datadir")" 2>/dev/null | awk 'NR == 2 { print $4 }')
		[[ $mem =~ ^[0-9]+$ ]] || mem=1024
		[[ $disk =~ ^[0-9]+$ ]] || disk=4096
		pool=$((mem / 4 / 64 * 64))
		((pool < 128)) && pool=128
		((pool > 8192)) && pool=8192
		redo=$((pool / 2))
		((redo > disk / 16)) && redo=$((disk / 16))
		((redo < 96)) && redo=96
		((redo > 2048)) && redo=2048
		printf '# written by scripts/stack.sh at the first start: from %s MB of
# memory available and %s MB of free disk (delete to size again)
buffer_pool=%sM
redo_log=%sM
' \
			"$mem" "$disk" "$pool" "$redo" >"$f"
		if [[ -z ${CSMS_DB_BUFFER_POOL:-}${CSMS_DB_REDO_LOG:-} ]]; then
			echo "csms: MariaDB sized for this machine: innodb_buffer_pool_size=${pool}M innodb_log_file_size=${redo}M ($f)" >&2
		fi
	fi
	db_pool=${CSMS_DB_BUFFER_POOL:-$(sed -n 's/^buffer_pool=//p' "$f")}
	db_redo=${CSMS_DB_REDO_LOG:-$(sed -n 's/^redo_log=//p' "$f")}
	[[ -n $db_pool && -n $db_redo ]] || die "$f: no buffer_pool= or redo_log= line (delete it to size again)"
}

db_start() {
	private_db || return 0
	prepare
	[[ -n $db_password ]] || ensure_secret "$db_password_file"
	[[ -n $db_ro_password ]] || ensure_secret "$db_ro_password_file"
	secure_secret "$db_password_file" 0600
	secure_secret "$db_ro_password_file" 0640
	local rw_pw ro_pw
	rw_pw=$(password_of "$db_password" "$db_password_file")
	ro_pw=$(password_of "$db_ro_password" "$db_ro_password_file")
	local pidf=$run_dir/mariadb.pid
	if pid_alive "$pidf" && mariadb-admin --no-defaults -S "$db_socket" -u "$(id -un)" ping >/dev/null 2>&1; then
		return 0
	fi
	command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || die "mariadbd not found (run scripts/install-deps.sh)"
	# A datadir an earlier root-run stack created becomes the user's.
	if [[ -n $svc_user && -d $db_datadir/mysql && $(stat -c %U "$db_datadir/mysql") != "$svc_user" ]]; then
		chown -R "$svc_user:$svc_group" "$db_datadir"
	fi
	local first=0
	if [[ ! -d $db_datadir/mysql ]]; then
		first=1
		mkdir -p "$db_datadir"
		# Only root gets a socket-authenticated admin account (by
		# default the service user would get one, with every privilege).
		mariadb-install-db --no-defaults --datadir="$db_datadir" \
			--auth-root-authentication-method=socket --skip-test-db \
			--auth-root-socket-user="$(id -un)" \
			"${mariadb_user[@]}" >"$LOG_DIR/mariadb-install.log" 2>&1 ||
			die "mariadb-install-db failed, see $LOG_DIR/mariadb-install.log"
	fi
	chmod 0700 "$db_datadir"
	local db_pool db_redo
	db_sizing
	# Durable settings are MariaDB's defaults (innodb_flush_log_at_trx_commit=1):
	# an answer ocppd sends is on disk.
	/usr/sbin/mariadbd --no-defaults --datadir="$db_datadir" --socket="$db_socket" \
		--pid-file="$pidf" --skip-networking --skip-name-resolve \
		--log-error="$LOG_DIR/mariadb.err" --max-connections=500 \
		--innodb-buffer-pool-size="$db_pool" \
		--innodb-log-file-size="$db_redo" \
		--innodb-io-capacity=1000 --innodb-io-capacity-max=4000 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		"${mariadb_user[@]}" >/dev/null 2>&1 &
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
ALTER USER $(sql_quote "$db_user")@'localhost' IDENTIFIED BY $(sql_quote "$rw_pw");
GRANT ALL PRIVILEGES ON \`$db_name\`.* TO $(sql_quote "$db_user")@'localhost';
CREATE USER IF NOT EXISTS $(sql_quote "$db_ro_user")@'localhost';
ALTER USER $(sql_quote "$db_ro_user")@'localhost' IDENTIFIED BY $(sql_quote "$ro_pw");
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
	prepare
	port_busy "$ocpp_port" && die "port $ocpp_port (ocpp_port) is already in use"
	local log=$LOG_DIR/ocppd.log
	touch "$log"
	[[ -z $svc_user ]] || chown "$svc_user:$svc_group" "$log"
	chmod 0640 "$log"
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

# The operator's login of the private stack: the shipped configs refuse
# changes without a user, so the dashboard's and the API's changes need
# one.  A random password at the first start, kept next to the database
# passwords (the password readable by the invoking user only, the
# htpasswd hash by the web programs' group); CSMS_WEB_ANONYMOUS_CHANGES=1
# skips it.
secrets_dir() {
	if [[ -n ${db_password_file:-} ]]; then
		dirname "$db_password_file"
	else
		echo "${run_dir%/}/../secrets"
	fi
}

ensure_operator() {
	local dir pw ht
	dir=$(secrets_dir)
	pw=$dir/operator.password
	ht=$dir/operator.htpasswd
	(
		umask 077
		mkdir -p "$dir"
		if [[ ! -s $pw ]]; then
			head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$pw.tmp"
			echo >>"$pw.tmp"
			mv "$pw.tmp" "$pw"
			rm -f "$ht"
		fi
		if [[ ! -s $ht ]]; then
			printf 'operator:%s\n' "$(head -n 1 "$pw" | openssl passwd -6 -stdin)" >"$ht.tmp"
			mv "$ht.tmp" "$ht"
		fi
	)
	if [[ -n $svc_user ]]; then
		chown "root:$svc_group" "$ht"
		chmod 0640 "$ht"
	fi
	echo "$ht"
}

# The dashboard's form secret (csrf_secret_file): 32 random bytes made
# once, kept across restarts, readable by the web programs' user only.
csrf_secret() {
	local f=$csrf_secret_file
	[[ -n $f ]] || return 0
	[[ ! -e $f ]] || private_db || return 0 # an admin's own file
	if [[ ! -e $f ]]; then
		mkdir -p "$(dirname "$f")"
		(
			umask 077
			head -c 32 /dev/urandom >"$f.tmp"
		)
		mv "$f.tmp" "$f"
	fi
	[[ -z $web_user ]] || chown "$web_user:$svc_group" "$f"
	chmod 0600 "$f"
}

# Where the upload program keeps received files and firmware images
# (files_dir, docs/files.md): written by the web programs' user, read by
# its group (backups, the admin), nobody else.
files_dir_setup() {
	[[ -n ${files_dir:-} ]] || return 0
	mkdir -p "$files_dir"
	if [[ -n $web_user ]]; then
		chown "$web_user:$svc_group" "$files_dir"
		chmod 2750 "$files_dir"
	else
		chmod 0700 "$files_dir"
	fi
}

web_start() {
	local pidf=$run_dir/lighttpd.pid
	pid_alive "$pidf" && return 0
	prepare
	csrf_secret
	files_dir_setup
	command -v lighttpd >/dev/null || [[ -x /usr/sbin/lighttpd ]] || die "lighttpd not found (run scripts/install-deps.sh)"
	port_busy "$http_port" && die "port $http_port (http_port) is already in use"
	export CSMS_ROOT=$ROOT CSMS_BIN_DIR=$BUILD_DIR/web/cgi-bin CSMS_HTTP_PORT=$http_port CSMS_OCPP_PORT=$ocpp_port \
		CSMS_RUN_DIR=$run_dir CSMS_LOG_DIR=$LOG_DIR
	# The shipped config as it is, plus who its programs run as and the
	# operator's login (csms-auth.conf, as docs/deploy.md includes it).
	local conf=$run_dir/lighttpd-run.conf
	{
		echo "# written by scripts/stack.sh: the shipped config and its options"
		echo "include \"$ROOT/lighttpd/lighttpd.conf\""
		if [[ -n $web_user ]]; then
			echo "server.username  = \"$web_user\""
			echo "server.groupname = \"$svc_group\""
		fi
		if [[ ${CSMS_WEB_ANONYMOUS_CHANGES:-0} != 1 ]]; then
			echo "var.csms_htpasswd = \"$(ensure_operator)\""
			echo "include \"$ROOT/lighttpd/csms-auth.conf\""
		fi
	} >"$conf"
	local out
	out=$(/usr/sbin/lighttpd -tt -f "$conf" 2>&1) ||
		die "lighttpd config: $(echo "$out" | tail -n 1)"
	/usr/sbin/lighttpd -D -f "$conf" >/dev/null 2>>"$LOG_DIR/lighttpd.err" &
	echo $! >"$pidf"
	wait_listen "$!" "$http_port" lighttpd "$LOG_DIR/lighttpd.err"
}

start_all() {
	# Check both ports before starting anything: no half-started stack.
	pid_alive "$run_dir/ocppd.pid" || ! port_busy "$ocpp_port" || die "port $ocpp_port (ocpp_port) is already in use"
	pid_alive "$run_dir/lighttpd.pid" || ! port_busy "$http_port" || die "port $http_port (http_port) is already in use"
	db_start
	ocppd_start "$@"
	ensure_operator_admin
	web_start
}

# The operator's login is the stack's first admin (a login without an
# account only reads: docs/security.md), made once through ocppd like any
# account; a stamp next to its password says it was, so a role an admin
# changed later stays.
ensure_operator_admin() {
	[[ ${CSMS_WEB_ANONYMOUS_CHANGES:-0} != 1 ]] || return 0
	local stamp out
	stamp=$(secrets_dir)/operator.account
	[[ -e $stamp ]] && return 0
	# The control socket opens just after the OCPP port.
	for ((i = 0; i < 100; i++)); do
		if out=$("$BIN/csmsctl" -c "$CONF" -u stack.sh -t 15 account_set user=operator role=admin 2>&1); then
			: >"$stamp"
			return 0
		fi
		sleep 0.1
	done
	die "cannot make the operator login an admin: $out"
}

stop_all() {
	stop_pidfile "$run_dir/lighttpd.pid"
	stop_pidfile "$run_dir/ocppd.pid"
	db_stop
}

# make stop: what this instance started, and says so; an ocppd started
# some other way (systemd, by hand) is not ours to stop, and a restore
# finds it anyway (it asks the database).
stop_cmd() {
	local what=() p
	for p in lighttpd ocppd mariadb; do
		pid_alive "$run_dir/$p.pid" && what+=("$p")
	done
	stop_all
	if ((${#what[@]})); then
		echo "csms: stopped ${what[*]}"
	else
		echo "csms: nothing to stop: no service started by make start/make run runs from $run_dir (an installed ocppd stops with systemctl stop ocppd)"
	fi
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
	if [[ ${CSMS_WEB_ANONYMOUS_CHANGES:-0} != 1 ]]; then
		echo "  login      operator / $(head -n 1 "$(secrets_dir)/operator.password")  (the dashboard and the API ask for it)"
	fi
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
stop) stop_cmd ;;
db-start) db_start ;;
db-stop) db_stop ;;
ocppd-start) ocppd_start ;;
ocppd-stop) stop_pidfile "$run_dir/ocppd.pid" ;;
web-start) web_start ;;
web-stop) stop_pidfile "$run_dir/lighttpd.pid" ;;
operator-admin) ensure_operator_admin ;;
*)
	echo "usage: stack.sh run|start|stop|db-start|db-stop|ocppd-start|ocppd-stop|web-start|web-stop|operator-admin" >&2
	exit 2
	;;
esac
