#!/usr/bin/env bash
# test.sh — runs the whole csms-c suite and ends with "N passed, N failed".
#
# 1. the C unit tests (build/tests/test_*);
# 2. a throwaway stack (private MariaDB, ocppd, lighttpd) on its own ports
#    and data directory, then every executable in tests/integration/, in
#    name order, against it.
#
# Every test program prints "PASS name" or "FAIL name: why" lines; a
# program that exits non-zero without a FAIL line counts as one failure.
#
# Environment: CSMS_BUILD (build dir), CSMS_TEST_PORT_BASE (default 19000:
# OCPP on it, HTTP on it + 80), CSMS_TEST_DIR (default var/test),
# CSMS_TEST_ONLY (a regex: run only matching tests), CSMS_TEST_SKIP_UNIT=1,
# CSMS_ASAN_BUILD (a sanitizer build dir whose unit tests run too and whose
# ocppd the leak test uses).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export CSMS_BUILD=${CSMS_BUILD:-build}
BUILD_ABS=$CSMS_BUILD
[[ $BUILD_ABS = /* ]] || BUILD_ABS=$ROOT/$BUILD_ABS
BASE=${CSMS_TEST_PORT_BASE:-19000}
TDIR=${CSMS_TEST_DIR:-$ROOT/var/test}
ONLY=${CSMS_TEST_ONLY:-.}

passed=0
failed=0
failures=()

# Counts the PASS/FAIL lines of one program's output.
tally() {
	local name=$1 log=$2 rc=$3
	local p f
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	grep -E '^(PASS|FAIL) ' "$log" | sed "s|^|  [$name] |"
	if ((rc != 0 && f == 0)); then
		echo "  [$name] FAIL $name: exited with status $rc (see $log)"
		tail -n 20 "$log" | sed 's/^/      /'
		f=1
	fi
	if ((rc == 0 && p == 0 && f == 0)); then
		echo "  [$name] FAIL $name: ran no check"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	((f == 0)) || failures+=("$name")
}

# A clean instance (a stack a previous run left behind is stopped first).
# No counters snapshot: the tests compare the counters with the tables at
# once (tests/integration/55-fleet-counters.mjs runs the snapshot).
scripts/instance.sh "$TDIR" "$BASE" log_level=info webhook_sender=no fleet_counters_interval=0 >/dev/null
export CSMS_TEST_OUT=$TDIR/out

if [[ ${CSMS_TEST_SKIP_UNIT:-0} != 1 ]]; then
	echo "== unit tests"
	for t in "$BUILD_ABS"/tests/test_*; do
		[[ -x $t ]] || continue
		name=$(basename "$t")
		[[ $name =~ $ONLY ]] || continue
		timeout 300 "$t" >"$TDIR/out/$name.log" 2>&1
		tally "$name" "$TDIR/out/$name.log" $?
	done
	# The same tests built with the sanitizers (make test builds them).
	if [[ -n ${CSMS_ASAN_BUILD:-} && $CSMS_ASAN_BUILD != "$CSMS_BUILD" ]]; then
		for t in "$ROOT/$CSMS_ASAN_BUILD"/tests/test_*; do
			[[ -x $t ]] || continue
			name=asan-$(basename "$t")
			[[ $name =~ $ONLY ]] || continue
			ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
				timeout 300 "$t" >"$TDIR/out/$name.log" 2>&1
			tally "$name" "$TDIR/out/$name.log" $?
		done
	fi
fi

export CSMS_CONF=$TDIR/csms.conf
# The suite's web server lets anonymous requests change things (its tests
# post without a login); shipped configs refuse that unless asked.
export CSMS_WEB_ANONYMOUS_CHANGES=1
# The suite's databases stay small whatever the machine (a user's first
# start sizes MariaDB from the machine: scripts/stack.sh db_sizing).
export CSMS_DB_BUFFER_POOL=${CSMS_DB_BUFFER_POOL:-256M} CSMS_DB_REDO_LOG=${CSMS_DB_REDO_LOG:-256M}

stop_stack() {
	scripts/stack.sh stop >/dev/null 2>&1 || true
}
trap 'stop_stack; exit 130' INT TERM

echo "== integration tests (OCPP ws://127.0.0.1:$BASE, HTTP http://127.0.0.1:$((BASE + 80)))"
if CSMS_SEED_DEMO=0 scripts/stack.sh start >"$TDIR/out/stack.log" 2>&1; then
	export CSMS_OCPP_URL=ws://127.0.0.1:$BASE
	export CSMS_HTTP_URL=http://127.0.0.1:$((BASE + 80))
	export CSMS_BIN=$BUILD_ABS/bin
	export CSMS_ROOT=$ROOT
	[[ -n ${CSMS_ASAN_BUILD:-} ]] && export CSMS_ASAN_BIN=$ROOT/$CSMS_ASAN_BUILD/bin
	export CSMS_DB_SOCKET=$TDIR/run/mysqld.sock CSMS_DB_NAME=csms
	# The passwords the stack generated at its first start.
	CSMS_DB_PASSWORD=$(head -n 1 "$TDIR/secrets/db_password")
	CSMS_DB_RO_PASSWORD=$(head -n 1 "$TDIR/secrets/db_ro_password")
	export CSMS_DB_USER=csms CSMS_DB_PASSWORD CSMS_DB_RO_USER=csms_ro CSMS_DB_RO_PASSWORD
	# Daemons the tests start switch to the stack's user too: they keep
	# their control sockets in out/.
	chown --reference="$TDIR/run" "$TDIR/out" 2>/dev/null && chmod 0770 "$TDIR/out"
	for t in tests/integration/*; do
		[[ -f $t && -x $t ]] || continue
		name=$(basename "$t")
		[[ $name =~ $ONLY ]] || continue
		timeout 600 "$t" >"$TDIR/out/$name.log" 2>&1
		tally "$name" "$TDIR/out/$name.log" $?
	done
else
	echo "  FAIL stack: $(tail -n 1 "$TDIR/out/stack.log")"
	failed=$((failed + 1))
	failures+=(stack)
fi
stop_stack

if ((${#failures[@]})); then
	echo "failed: ${failures[*]} (logs in $TDIR/out)"
fi
echo "$passed passed, $failed failed"
((failed == 0))
