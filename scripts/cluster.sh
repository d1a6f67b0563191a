#!/usr/bin/env bash
# cluster.sh — the whole scale-out topology on one machine
# (docs/scale-out.md): 3 MariaDB Galera nodes, 3 ocppd nodes, HAProxy in
# front of both (the shipped haproxy/*.cfg, as they are) and lighttpd
# reading from the cluster.
#
#   cluster.sh run           start everything, stay in the foreground until
#                            Ctrl-C, then stop it all (make cluster)
#   cluster.sh start | stop  the same in the background (make cluster-start,
#                            make cluster-stop)
#   cluster.sh status        each part, its pid and state
#   cluster.sh kill NAME     SIGKILL one part: ocppd-1..3, galera-1..3,
#                            haproxy, web
#   cluster.sh stop NAME     stop one part gracefully (SIGTERM)
#   cluster.sh start NAME    bring one part back
#   cluster.sh env           shell lines for tools and tests: OCPP_URL,
#                            OCPP_TLS_URL, OCPP_TLS_CA, HTTP_URL, API_BASE,
#                            DB_HOST, DB_PORT, DB_USER, DB_PASS, DB_NAME,
#                            DB_READ_PORT, GALERA_n_SOCKET
#
# Addresses (loopback: every 127.0.0.0/8 address works on Linux as it is):
#   HAProxy     127.0.0.1:CSMS_OCPP_PORT (9000) for charge points,
#               127.0.0.10:3306 the database writer, :3307 readers
#   ocppd-n     127.0.0.(n+1):CSMS_CLUSTER_NODE_PORT (CSMS_OCPP_PORT + 1),
#               its control listener on 127.0.0.(n+1):CONTROL_PORT
#               (NODE_PORT + 99: 9100), secret secrets/control_secret
#   galera-n    127.0.0.(n+10):3306, group traffic on 4567/4568/4444
#   lighttpd    127.0.0.1:CSMS_HTTP_PORT (8080)
#   HAProxy     127.0.0.1:CSMS_OCPP_PORT + 443 (9443) for charge points
#               with TLS (wss://), ended at HAProxy with a throwaway CA
#               made here (tls/ca.pem); the nodes believe its
#               forwarded scheme and client certificate
# Everything lives under CSMS_CLUSTER_DIR (var/cluster).  Started as root,
# MariaDB, ocppd and the web programs run as the service user csms (as
# make run does).  HAProxy checks ocppd's GET /healthz (CSMS_HEALTH=tcp:
# a TCP connect only).
set -euo pipefail
umask 027

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${CSMS_BUILD:-build}
[[ $BUILD_DIR = /* ]] || BUILD_DIR=$ROOT/$BUILD_DIR
BIN=$BUILD_DIR/bin
DIR=${CSMS_CLUSTER_DIR:-$ROOT/var/cluster}
# The ports a running cluster was started with win over the defaults, so
# status, env, kill and start NAME need no environment.
saved_ocpp= saved_http= saved_node=
if [[ -f $DIR/ports ]]; then
	read -r saved_ocpp saved_http saved_node <"$DIR/ports" || true
fi
OCPP_PORT=${CSMS_OCPP_PORT:-${saved_ocpp:-9000}}
HTTP_PORT=${CSMS_HTTP_PORT:-${saved_http:-8080}}
NODE_PORT=${CSMS_CLUSTER_NODE_PORT:-${saved_node:-$((OCPP_PORT + 1))}}
CONTROL_PORT=$((NODE_PORT + 99))
TLS_PORT=$((OCPP_PORT + 443))
HEALTH=${CSMS_HEALTH:-http}
LOG_LEVEL=${CSMS_CLUSTER_LOG_LEVEL:-warn}
DB_ADDR=127.0.0.10
DB_WRITE_PORT=3306
DB_READ_PORT=3307
SECRETS=$DIR/secrets
SVC_USER=csms

die() {
	echo "cluster: $*" >&2
	exit 1
}
note() {
	echo "cluster: $*" >&2
}

galera_addr() { echo "127.0.0.$((10 + $1))"; }
ocppd_addr() { echo "127.0.0.$((1 + $1))"; }

# The environment must not reconfigure the nodes: ocppd and the web
# programs take CSMS_<KEY> as config overrides (CSMS_OCPP_PORT would move
# every node onto HAProxy's port).
clean_env() {
	local v
	for v in $(compgen -e | grep '^CSMS_'); do
		[[ $v == CSMS_BUILD ]] || unset "$v"
	done
}

# Alive and not a zombie (a container's init may not reap at once).
pid_alive() {
	local f=$1 pid st
	[[ -f $f ]] || return 1
	pid=$(cat "$f")
	[[ -n $pid ]] || return 1
	st=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
	[[ -n $st && $st != Z ]]
}

listening() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

wait_listen() {
	local pidf=$1 addr=$2 port=$3 what=$4 log=$5 tries=${6:-400}
	local i
	for ((i = 0; i < tries; i++)); do
		listening "$addr" "$port" && return 0
		pid_alive "$pidf" || die "$what exited: $(grep -v '^\s*$' "$log" 2>/dev/null | tail -n 1)"
		sleep 0.05
	done
	die "$what did not listen on $addr:$port, see $log"
}

secret() {
	local f=$SECRETS/$1
	if [[ ! -s $f ]]; then
		mkdir -p "$SECRETS"
		head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f.tmp"
		echo >>"$f.tmp"
		mv "$f.tmp" "$f"
	fi
	head -n 1 "$f"
}

# As root, ocppd and the web programs run as the service user: its group
# reads the database passwords and writes the run directories.
as_root() { [[ $(id -u) -eq 0 ]]; }
ensure_user() {
	as_root || return 0
	if ! getent passwd "$SVC_USER" >/dev/null; then
		useradd --system --user-group --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin "$SVC_USER" >/dev/null 2>&1 || die "cannot create the user $SVC_USER"
	fi
}
give() {
	as_root || return 0
	chown -R "$SVC_USER:$(id -gn "$SVC_USER")" "$@"
}

# ---- Galera ----------------------------------------------------------

galera_sock() { echo "$DIR/galera-$1/run/mysqld.sock"; }

galera_admin() {
	local n=$1
	shift
	mariadb --no-defaults -S "$(galera_sock "$n")" -u "$(id -un)" "$@"
}

galera_running_any() {
	local n
	for n in 1 2 3; do
		[[ $n == "${1:-}" ]] && continue
		pid_alive "$DIR/galera-$n/run/mysqld.pid" && return 0
	done
	return 1
}

galera_start() {
	local n=$1 d addr
	d=$DIR/galera-$n
	addr=$(galera_addr "$n")
	pid_alive "$d/run/mysqld.pid" && return 0
	mkdir -p "$d/data" "$d/run" "$d/log"
	chmod 0700 "$d/data"
	# As the service user, not root: the rsync daemon a joiner runs for
	# the state transfer would otherwise switch to nobody and fail.
	local user=()
	if as_root; then
		user=(--user="$SVC_USER")
		give "$d"
	fi
	local fresh=0 bootstrap=()
	if [[ ! -d $d/data/mysql ]]; then
		fresh=1
	fi
	if ! galera_running_any "$n"; then
		# Nobody to join: this node starts the cluster.  After a full
		# stop it is the node that stopped last (make cluster-stop stops
		# galera-1 last); a crash leaves no safe node, and on this
		# throwaway cluster galera-1's data wins.
		[[ $n == 1 ]] || die "galera-$n: no other node runs; start galera-1 first"
		if ((fresh)); then
			mariadb-install-db --no-defaults --datadir="$d/data" \
				--auth-root-authentication-method=socket --skip-test-db \
				--auth-root-socket-user="$(id -un)" "${user[@]}" \
				>"$d/log/install.log" 2>&1 || die "mariadb-install-db failed, see $d/log/install.log"
		fi
		[[ ! -f $d/data/grastate.dat ]] ||
			sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$d/data/grastate.dat"
		bootstrap=(--wsrep-new-cluster)
	fi
	local peers=gcomm://127.0.0.11:4567,127.0.0.12:4567,127.0.0.13:4567
	# Failure detection tuned down from 5 s / 15 s: on one machine a
	# killed node's sockets close at once, and the writer failover time
	# is mostly this wait.
	local prov="gmcast.listen_addr=tcp://$addr:4567;ist.recv_addr=$addr:4568;gcache.size=128M"
	prov+=";evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.keepalive_period=PT1S"
	# A full state transfer (SST) by rsync locks the donor against writes
	# for as long as the copy takes: prefer a donor that is not the
	# writer (HAProxy's order is galera-1, then -2, then -3); the comma
	# at the end allows any other.
	local donor
	case $n in
	1) donor=galera-3,galera-2, ;;
	2) donor=galera-3,galera-1, ;;
	*) donor=galera-2,galera-1, ;;
	esac
	local args=(--no-defaults --datadir="$d/data" --socket="$(galera_sock "$n")"
		--pid-file="$d/run/mariadbd.pid" --bind-address="$addr" --port=3306
		--skip-name-resolve --max-connections=500
		--innodb-buffer-pool-size=128M --innodb-log-file-size=128M
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci
		--binlog-format=ROW --log-bin-trust-function-creators=1 --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2
		--wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so
		--wsrep-cluster-name=csms-cluster --wsrep-cluster-address="$peers"
		--wsrep-node-name="galera-$n" --wsrep-node-address="$addr"
		--wsrep-sst-method=rsync --wsrep-sst-receive-address="$addr:4444"
		--wsrep-sst-donor="$donor"
		--wsrep-provider-options="$prov" --wsrep-slave-threads=2 "${user[@]}")
	# After a crash grastate.dat has no position (seqno -1), and a node
	# that does not know its position gets a full SST.  Recover it from
	# InnoDB first, as Debian's systemd unit does (galera_recovery): the
	# node then catches up by IST from the donor's gcache, which locks
	# nothing.
	local start_pos=()
	if ((!fresh)) && grep -q '^seqno: *-1' "$d/data/grastate.dat" 2>/dev/null; then
		/usr/sbin/mariadbd "${args[@]}" --log-error="$d/log/recover.log" --wsrep-recover \
			>/dev/null 2>&1 || true
		local pos
		pos=$(sed -n 's/.*WSREP: Recovered position: *//p' "$d/log/recover.log" | tail -n 1)
		if [[ $pos =~ ^[0-9a-f-]+:[0-9]+$ ]]; then
			start_pos=(--wsrep-start-position="$pos")
			note "galera-$n: recovered position $pos after a crash"
		fi
	fi
	/usr/sbin/mariadbd "${args[@]}" --log-error="$d/log/mariadb.err" \
		"${start_pos[@]}" "${bootstrap[@]}" >/dev/null 2>&1 &
	echo $! >"$d/run/mysqld.pid"
	# A joiner copies the data first (SST): give it time.
	local i
	for ((i = 0; i < 1200; i++)); do
		if [[ $(galera_admin "$n" -N -B -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null |
			cut -f2) == Synced ]]; then
			return 0
		fi
		pid_alive "$d/run/mysqld.pid" ||
			die "galera-$n exited: $(grep -i error "$d/log/mariadb.err" | tail -n 1)"
		sleep 0.1
	done
	die "galera-$n is not Synced after 120 s, see $d/log/mariadb.err"
}

galera_state() {
	local n=$1
	galera_admin "$n" -N -B -e "SHOW STATUS WHERE Variable_name IN
		('wsrep_local_state_comment', 'wsrep_cluster_size', 'wsrep_cluster_status')" 2>/dev/null |
		awk '{v[$1]=$2} END {printf "%s, cluster %s of %s", v["wsrep_local_state_comment"],
			v["wsrep_cluster_status"], v["wsrep_cluster_size"]}'
}

# Accounts and schema, once the cluster stands (idempotent).
db_setup() {
	local rw ro
	rw=$(secret db_password)
	ro=$(secret db_ro_password)
	galera_admin 1 <<SQL || die "cannot create the database accounts"
CREATE DATABASE IF NOT EXISTS csms CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
CREATE USER IF NOT EXISTS 'csms'@'127.%';
ALTER USER 'csms'@'127.%' IDENTIFIED BY '$rw';
GRANT ALL PRIVILEGES ON csms.* TO 'csms'@'127.%';
CREATE USER IF NOT EXISTS 'csms_ro'@'127.%';
ALTER USER 'csms_ro'@'127.%' IDENTIFIED BY '$ro';
GRANT SELECT ON csms.* TO 'csms_ro'@'127.%';
SQL
	local first=0
	[[ -n $(galera_admin 1 -N -B -e "SHOW TABLES FROM csms LIKE 'charge_points'") ]] || first=1
	local out
	out=$(clean_env && "$BIN/ocppd" -c "$DIR/ocppd-1/csms.conf" --migrate 2>&1) || die "migrate: ${out#ocppd: }"
	if ((first)) && [[ ${CSMS_SEED_DEMO:-1} = 1 ]]; then
		galera_admin 1 csms <"$ROOT/sql/seed-demo.sql" || die "cannot seed the demo id tags"
	fi
}

# ---- ocppd -----------------------------------------------------------

ocppd_conf() {
	local n=$1 d
	d=$DIR/ocppd-$n
	mkdir -p "$d/run" "$d/log"
	# Every node signs charge point CSRs with the CA HAProxy checks client
	# certificates against; its own copy of the key (give makes it the
	# service user's).
	install -m 0600 "$DIR/tls/ca.key" "$d/cert-ca.key"
	{
		echo "# generated by scripts/cluster.sh: node $n of the one-machine cluster"
		echo "cert_ca_cert = $DIR/tls/ca.pem"
		echo "cert_ca_key = $d/cert-ca.key"
		echo "cert_organization = csms-cluster"
		echo "node_id = ocppd-$n"
		echo "ocpp_listen = $(ocppd_addr "$n")"
		echo "ocpp_port = $NODE_PORT"
		echo "http_port = $HTTP_PORT"
		echo "db_host = $DB_ADDR"
		echo "db_port = $DB_WRITE_PORT"
		echo "db_socket ="
		echo "db_datadir ="
		echo "db_name = csms"
		echo "db_user = csms"
		echo "db_password_file = $SECRETS/db_password"
		echo "db_ro_user = csms_ro"
		echo "db_ro_password_file = $SECRETS/db_ro_password"
		echo "run_dir = $d/run"
		echo "sql_dir = $ROOT/sql"
		echo "templates_dir = $ROOT/templates"
		echo "control_socket = $d/run/ocppd.sock"
		# The web tier sends a command to the node holding the link
		# (docs/control.md, "Routing"), here, with the shared secret.
		echo "control_listen = $(ocppd_addr "$n"):$CONTROL_PORT"
		echo "control_secret_file = $SECRETS/control_secret"
		echo "backup_dir = $DIR/backups"
		echo "csrf_secret_file = $SECRETS/csrf_secret"
		echo "log_level = $LOG_LEVEL"
		echo "trusted_proxies = 127.0.0.1"
		# TLS ends at HAProxy: its X-Forwarded-Proto and client
		# certificate headers count (docs/security.md).
		echo "trusted_proxy_tls = yes"
		# Migrations run once, from db_setup (ocppd --migrate): Galera
		# does not replicate GET_LOCK, so nodes must not migrate at once.
		echo "migrate_on_start = no"
		echo "user = $(as_root && echo "$SVC_USER")"
	} >"$d/csms.conf"
}

ocppd_start() {
	local n=$1 d
	d=$DIR/ocppd-$n
	pid_alive "$d/run/ocppd.pid" && return 0
	ocppd_conf "$n"
	give "$d"
	(
		clean_env
		exec "$BIN/ocppd" -c "$d/csms.conf" >>"$d/log/ocppd.log" 2>&1
	) &
	echo $! >"$d/run/ocppd.pid"
	wait_listen "$d/run/ocppd.pid" "$(ocppd_addr "$n")" "$NODE_PORT" "ocppd-$n" "$d/log/ocppd.log"
}

# ---- HAProxy ---------------------------------------------------------

haproxy_start() {
	local d=$DIR/haproxy
	pid_alive "$d/haproxy.pid" && return 0
	command -v haproxy >/dev/null || die "haproxy not found (scripts/install-deps.sh --cluster)"
	mkdir -p "$d"
	# The shipped files as they are, plus what only this run needs: a
	# stats socket for `status`.
	cat >"$d/local.cfg" <<EOF
# written by scripts/cluster.sh
global
    stats socket $d/admin.sock mode 600 level admin
EOF
	(
		export CSMS_OCPP_BIND=127.0.0.1:$OCPP_PORT CSMS_HEALTH=$HEALTH
		# Two descriptors per connection, within this machine's limit.
		local hard
		hard=$(ulimit -Hn)
		[[ $hard == unlimited ]] && hard=400000
		export CSMS_HAPROXY_MAXCONN=$(((hard - 1000) / 2 < 200000 ? (hard - 1000) / 2 : 200000))
		local n
		for n in 1 2 3; do
			export "CSMS_OCPPD_$n=$(ocppd_addr "$n"):$NODE_PORT"
			export "CSMS_GALERA_$n=$(galera_addr "$n"):3306"
		done
		export CSMS_DB_WRITE_BIND=$DB_ADDR:$DB_WRITE_PORT CSMS_DB_READ_BIND=$DB_ADDR:$DB_READ_PORT
		export CSMS_OCPP_TLS_BIND=127.0.0.1:$TLS_PORT CSMS_OCPP_TLS_CRT=$DIR/tls/server.pem \
			CSMS_OCPP_TLS_CA=$DIR/tls/ca.pem
		exec haproxy -db -f "$ROOT/haproxy/ocpp.cfg" -f "$ROOT/haproxy/galera.cfg" \
			-f "$d/local.cfg" >>"$d/haproxy.log" 2>&1
	) &
	echo $! >"$d/haproxy.pid"
	wait_listen "$d/haproxy.pid" 127.0.0.1 "$OCPP_PORT" haproxy "$d/haproxy.log"
	wait_listen "$d/haproxy.pid" "$DB_ADDR" "$DB_WRITE_PORT" haproxy "$d/haproxy.log"
}

haproxy_servers() {
	local sock=$DIR/haproxy/admin.sock
	[[ -S $sock ]] || return 0
	echo "show stat" | socat - "UNIX-CONNECT:$sock" 2>/dev/null |
		awk -F, '$2 != "FRONTEND" && $2 != "BACKEND" && $1 !~ /^#/ && NF > 20 {
			printf "%s/%s=%s ", $1, $2, $18 }'
}

# ---- web -------------------------------------------------------------

web_conf() {
	local d=$DIR/web
	mkdir -p "$d/run" "$d/log"
	give "$d"
	{
		echo "# generated by scripts/cluster.sh: the web tier, reading any Galera node"
		echo "ocpp_port = $OCPP_PORT"
		echo "http_port = $HTTP_PORT"
		echo "db_host = $DB_ADDR"
		echo "db_port = $DB_READ_PORT"
		echo "db_socket ="
		echo "db_datadir ="
		echo "db_password_file = $SECRETS/db_password"
		echo "db_ro_password_file = $SECRETS/db_ro_password"
		echo "run_dir = $d/run"
		echo "sql_dir = $ROOT/sql"
		echo "templates_dir = $ROOT/templates"
		# A command goes to the node holding the charge point's link
		# (nodes.control_addr, with control_secret_file); tag changes to
		# node 1's socket, or to another live node when node 1 is down.
		echo "control_socket = $DIR/ocppd-1/run/ocppd.sock"
		echo "control_secret_file = $SECRETS/control_secret"
		echo "csrf_secret_file = $SECRETS/csrf_secret"
		echo "user = $(as_root && echo "$SVC_USER")"
	} >"$d/csms.conf"
}

web_start() {
	web_conf
	(
		clean_env
		CSMS_CONF=$DIR/web/csms.conf CSMS_BUILD=$BUILD_DIR exec "$ROOT/scripts/stack.sh" web-start
	)
}

web_stop() {
	[[ -f $DIR/web/csms.conf ]] || return 0
	(
		clean_env
		CSMS_CONF=$DIR/web/csms.conf CSMS_BUILD=$BUILD_DIR exec "$ROOT/scripts/stack.sh" web-stop
	)
}

# ---- everything ------------------------------------------------------

stop_pidfile() {
	local f=$1 sig=${2:-TERM} pid i
	pid_alive "$f" || {
		rm -f "$f"
		return 0
	}
	pid=$(cat "$f")
	kill "-$sig" "$pid" 2>/dev/null || true
	for ((i = 0; i < 600; i++)); do
		pid_alive "$f" || break
		sleep 0.05
	done
	pid_alive "$f" && kill -9 "$pid" 2>/dev/null
	rm -f "$f"
}

# A throwaway CA, HAProxy's server certificate (127.0.0.1) and its key,
# made once per cluster directory.  A real installation uses its own.
tls_make() {
	local t=$DIR/tls
	[[ -s $t/server.pem ]] && return 0
	command -v openssl >/dev/null || die "openssl not found"
	mkdir -p "$t"
	(
		cd "$t" || exit 1
		umask 077
		openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=csms-cluster test CA" \
			-keyout ca.key -out ca.pem 2>/dev/null &&
			openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
				-keyout server.key -out server.csr 2>/dev/null &&
			printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >server.ext &&
			openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
				-extfile server.ext -out server.crt 2>/dev/null &&
			cat server.crt server.key >server.pem && chmod 0644 ca.pem
	) || die "cannot make the TLS certificates in $t"
}

prepare() {
	[[ -x $BIN/ocppd ]] || die "$BIN/ocppd is not built (run make)"
	command -v /usr/sbin/mariadbd >/dev/null || die "mariadbd not found (scripts/install-deps.sh --cluster)"
	[[ -f /usr/lib/galera/libgalera_smm.so ]] || die "galera-4 is not installed (scripts/install-deps.sh --cluster)"
	mkdir -p "$DIR"
	chmod 0750 "$DIR"
	echo "$OCPP_PORT $HTTP_PORT $NODE_PORT" >"$DIR/ports"
	ensure_user
	secret db_password >/dev/null
	secret db_ro_password >/dev/null
	secret control_secret >/dev/null
	tls_make
	# The service user's group reads the passwords and the control
	# secret (ocppd, web programs).
	if as_root; then
		chgrp "$(id -gn "$SVC_USER")" "$DIR" "$SECRETS" "$SECRETS"/db_password "$SECRETS"/db_ro_password \
			"$SECRETS"/control_secret
		chmod 0750 "$SECRETS"
		chmod 0640 "$SECRETS"/db_password "$SECRETS"/db_ro_password "$SECRETS"/control_secret
	fi
	local n
	for n in 1 2 3; do
		ocppd_conf "$n"
	done
	# A port in use by something else makes a half-started cluster.
	for n in "127.0.0.1 $OCPP_PORT" "127.0.0.1 $HTTP_PORT" "$DB_ADDR $DB_WRITE_PORT"; do
		# shellcheck disable=SC2086
		if listening $n && ! pid_alive "$DIR/haproxy/haproxy.pid" && ! pid_alive "$DIR/web/run/lighttpd.pid"; then
			die "${n/ /:} is already in use"
		fi
	done
}

start_part() {
	case $1 in
	galera-[123]) galera_start "${1#galera-}" ;;
	ocppd-[123]) ocppd_start "${1#ocppd-}" ;;
	haproxy) haproxy_start ;;
	web) web_start ;;
	*) die "unknown part $1 (ocppd-1..3, galera-1..3, haproxy, web)" ;;
	esac
}

pidfile_of() {
	case $1 in
	galera-[123]) echo "$DIR/$1/run/mysqld.pid" ;;
	ocppd-[123]) echo "$DIR/$1/run/ocppd.pid" ;;
	haproxy) echo "$DIR/haproxy/haproxy.pid" ;;
	web) echo "$DIR/web/run/lighttpd.pid" ;;
	*) die "unknown part $1 (ocppd-1..3, galera-1..3, haproxy, web)" ;;
	esac
}

start_all() {
	prepare
	local n
	for n in 1 2 3; do
		galera_start "$n"
		note "galera-$n $(galera_state "$n")"
	done
	haproxy_start
	db_setup
	for n in 1 2 3; do
		ocppd_start "$n"
	done
	web_start
	# The operator's login is the first admin, as make run makes it: once,
	# through ocppd-1's control socket (the web tier's).
	(
		clean_env
		CSMS_CONF=$DIR/web/csms.conf CSMS_BUILD=$BUILD_DIR exec "$ROOT/scripts/stack.sh" operator-admin
	) || note "the operator login is not an admin"
	# Started is not yet in HAProxy's rotation (rise 2 x inter 1 s).
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(haproxy_servers) =~ ocppd/ocppd-1=UP\ ocppd/ocppd-2=UP\ ocppd/ocppd-3=UP ]] && return 0
		sleep 0.1
	done
	note "HAProxy does not see every ocppd node up: $(haproxy_servers)"
}

stop_all() {
	web_stop 2>/dev/null || true
	local n
	for n in 3 2 1; do
		stop_pidfile "$DIR/ocppd-$n/run/ocppd.pid"
	done
	stop_pidfile "$DIR/haproxy/haproxy.pid"
	# galera-1 last: it is the one safe to start the cluster again.
	for n in 3 2 1; do
		stop_pidfile "$DIR/galera-$n/run/mysqld.pid"
	done
}

status() {
	local p f state
	for p in galera-1 galera-2 galera-3 haproxy ocppd-1 ocppd-2 ocppd-3 web; do
		f=$(pidfile_of "$p")
		if pid_alive "$f"; then
			case $p in
			galera-*) state="running ($(galera_state "${p#galera-}"))" ;;
			haproxy) state="running ($(haproxy_servers))" ;;
			*) state=running ;;
			esac
			printf '%-9s %-8s %s\n' "$p" "$(cat "$f")" "$state"
		else
			printf '%-9s %-8s %s\n' "$p" - stopped
		fi
	done
}

print_env() {
	cat <<EOF
OCPP_URL=ws://127.0.0.1:$OCPP_PORT
OCPP_TLS_URL=wss://127.0.0.1:$TLS_PORT
OCPP_TLS_CA=$DIR/tls/ca.pem
HTTP_URL=http://127.0.0.1:$HTTP_PORT
API_BASE=http://127.0.0.1:$HTTP_PORT/cgi-bin/api
DB_HOST=$DB_ADDR
DB_PORT=$DB_WRITE_PORT
DB_READ_PORT=$DB_READ_PORT
DB_USER=csms
DB_PASS=$(head -n 1 "$SECRETS/db_password" 2>/dev/null)
DB_NAME=csms
GALERA_1_SOCKET=$(galera_sock 1)
GALERA_2_SOCKET=$(galera_sock 2)
GALERA_3_SOCKET=$(galera_sock 3)
OPERATOR_PASSWORD=$(head -n 1 "$SECRETS/operator.password" 2>/dev/null)
EOF
}

case "${1:-}" in
run)
	trap 'rc=$?; ((rc == 0)) || stop_all' EXIT
	trap 'echo; note stopping; stop_all; exit 0' INT TERM
	start_all
	cat <<EOF
cluster: running (Ctrl-C stops everything)
  OCPP       ws://127.0.0.1:$OCPP_PORT/{CP_ID}  (HAProxy -> ocppd 127.0.0.2-4:$NODE_PORT)
  dashboard  http://127.0.0.1:$HTTP_PORT/
  database   $DB_ADDR:$DB_WRITE_PORT (writer), :$DB_READ_PORT (readers) -> Galera 127.0.0.11-13
  status     scripts/cluster.sh status
  logs       $DIR/*/log, $DIR/haproxy/haproxy.log
EOF
	[[ -s $SECRETS/operator.password ]] &&
		echo "  login      operator / $(head -n 1 "$SECRETS/operator.password")"
	while pid_alive "$DIR/haproxy/haproxy.pid"; do
		sleep 1 &
		wait $! || true
	done
	note "haproxy exited, stopping"
	stop_all
	exit 1
	;;
start)
	if [[ -n ${2:-} ]]; then
		prepare
		start_part "$2"
		note "$2 started"
	else
		trap 'rc=$?; ((rc == 0)) || stop_all' EXIT
		start_all
		note "started; OCPP ws://127.0.0.1:$OCPP_PORT/{CP_ID}, dashboard http://127.0.0.1:$HTTP_PORT/"
	fi
	;;
stop)
	if [[ -n ${2:-} ]]; then
		# One part, gracefully (SIGTERM): an ocppd answers what it has
		# queued first; see `drain` to move its charge points at a pace.
		stop_pidfile "$(pidfile_of "$2")"
		note "$2 stopped"
	else
		stop_all
		note stopped
	fi
	;;
kill)
	[[ -n ${2:-} ]] || die "usage: cluster.sh kill NAME"
	f=$(pidfile_of "$2")
	pid_alive "$f" || die "$2 is not running"
	kill -9 "$(cat "$f")"
	for _ in $(seq 1 100); do
		pid_alive "$f" || break
		sleep 0.02
	done
	rm -f "$f"
	note "$2 killed (SIGKILL)"
	;;
status) status ;;
env) print_env ;;
*)
	echo "usage: cluster.sh run|start [NAME]|stop [NAME]|status|kill NAME|env" >&2
	exit 2
	;;
esac
