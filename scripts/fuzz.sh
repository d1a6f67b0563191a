#!/usr/bin/env bash
# fuzz.sh — builds the libFuzzer harnesses of tests/fuzz/ with clang and
# replays the committed inputs through them, then fuzzes each for a while.
# docs/fuzzing.md explains what they cover.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 60 s; frame tmpl query)
#
# For each target it first replays, once each, tests/fuzz/regress/TARGET/
# (the inputs of every bug found so far) and the seed corpus
# tests/fuzz/corpus/TARGET/, then fuzzes for SECONDS starting from the
# seeds and the regression inputs.  SECONDS=0 only replays: the same
# inputs every time, so the same verdict (what `make test` runs); fresh
# fuzzing is `make fuzz`.  It prints "PASS fuzz_TARGET_regress (N inputs)",
# "PASS fuzz_TARGET_corpus (N inputs)", "PASS fuzz_TARGET (...)" or
# "FAIL fuzz_...: why" lines, as scripts/test.sh counts them, and exits
# non-zero when anything failed.
#
# The project's sources are compiled here with clang and the sanitizers
# (never the gcc objects of the normal build) into build/fuzz/; a lock lets
# two runs share it.  Nothing goes into the repository: what the fuzzer
# learns (new corpus entries) is kept across runs in $CSMS_FUZZ_CORPUS
# (default build/fuzz/corpus), reproducers of what it finds in
# build/fuzz/crashes/ (never deleted here), logs in $CSMS_FUZZ_WORK
# (default build/fuzz/work).
#
# Environment: CSMS_FUZZ_CC (default clang), CSMS_FUZZ_BUILD, CSMS_FUZZ_WORK,
# CSMS_FUZZ_CORPUS, CSMS_FUZZ_CORPUS_MAX, CSMS_FUZZ_JOBS (parallel compiles).
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

SECS=${1:-60}
shift || true
TARGETS=("$@")
((${#TARGETS[@]})) || TARGETS=(frame tmpl query)
if ! [[ $SECS =~ ^[0-9]+$ ]]; then
	echo "usage: scripts/fuzz.sh [SECONDS] [frame|tmpl|query ...]" >&2
	exit 2
fi

CC=${CSMS_FUZZ_CC:-clang}
OUT=${CSMS_FUZZ_BUILD:-$ROOT/build/fuzz}
WORK=${CSMS_FUZZ_WORK:-$OUT/work}
CORPUS=${CSMS_FUZZ_CORPUS:-$OUT/corpus}
# The scratch corpus is merged down to what adds coverage when it grows past
# this many files, so it stays small over many runs.
CORPUS_MAX=${CSMS_FUZZ_CORPUS_MAX:-3000}
JOBS=${CSMS_FUZZ_JOBS:-$(nproc 2>/dev/null || echo 2)}

# What each harness links besides lib/ (the whole of lib/ goes into one
# archive; the linker takes only what a harness uses).
declare -A SOURCES=(
	[frame]="ocppd/rpc.c"
	[tmpl]=""
	[query]="cgi-bin/cgi.c cgi-bin/param.c cgi-bin/api-json.c cgi-bin/api-text.c"
)
# Longest input per target: a large MeterValues frame, a page template, a
# long query string.
declare -A MAX_LEN=([frame]=16384 [tmpl]=8192 [query]=4096)

SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
PKGS="libcjson libmariadb fcgi"
# shellcheck disable=SC2086 # $PKGS is a list
BASE_CFLAGS="-std=gnu11 -O1 -g -D_GNU_SOURCE $SAN -Ilib -Iocppd -Icgi-bin -I$OUT/gen $(pkg-config --cflags $PKGS 2>/dev/null)"
# shellcheck disable=SC2086
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -lcrypt -lm -lpthread"

fail_build() {
	echo "FAIL fuzz_build: $1"
	exit 1
}

# ---- build ---------------------------------------------------------------

command -v "$CC" >/dev/null ||
	fail_build "$CC not found (Debian: apt-get install clang libclang-rt-14-dev)"
mkdir -p "$OUT/obj" "$OUT/gen" "$WORK" "$CORPUS"
# One build at a time in $OUT (released when this script exits); running
# harnesses are not disturbed by a rebuild, which replaces the files.
exec 9>"$OUT/.lock"
flock -w 900 9 || fail_build "another scripts/fuzz.sh kept $OUT/.lock for 15 minutes"
probe=$OUT/obj/probe
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$probe.c"
"$CC" -fsanitize=fuzzer,address,undefined "$probe.c" -o "$probe" >"$probe.log" 2>&1 ||
	fail_build "$CC cannot link libFuzzer (Debian: apt-get install libclang-rt-14-dev): $(head -n 3 "$probe.log")"

# The schemas as C text, generated here so nothing of the gcc build is used.
"$CC" -O2 -o "$OUT/bin2c" tools/bin2c.c || fail_build "tools/bin2c.c"
"$OUT/bin2c" ocpp16_schemas_json <lib/ocpp16-schemas.json >"$OUT/gen/ocpp16_schemas.c" ||
	fail_build "generating the schema table"

# Project sources: coverage instrumentation without libFuzzer's main.
# Warnings are shown; only the harnesses themselves use -Werror, so a
# clang-only warning elsewhere does not stop the fuzzing.
declare -A WANT=()
for f in lib/*.c $OUT/gen/ocpp16_schemas.c; do WANT[$f]=1; done
for t in "${TARGETS[@]}"; do
	[[ -v SOURCES[$t] ]] || fail_build "unknown target $t (frame, tmpl, query)"
	for f in ${SOURCES[$t]}; do WANT[$f]=1; done
done

compile() { # src obj extra-flags...
	local src=$1 obj=$2
	shift 2
	# shellcheck disable=SC2086
	"$CC" $BASE_CFLAGS -fsanitize=fuzzer-no-link -Wall -Wextra "$@" -c "$src" -o "$obj" 2>"$obj.log"
}

objs=()
pids=()
srcs=()
running=0
for src in "${!WANT[@]}"; do
	obj=$OUT/obj/$(basename "${src%.c}").o
	[[ $src == cgi-bin/* ]] && obj=$OUT/obj/cgi-$(basename "${src%.c}").o
	[[ $src == ocppd/* ]] && obj=$OUT/obj/ocppd-$(basename "${src%.c}").o
	objs+=("$obj")
	compile "$src" "$obj" &
	pids+=($!)
	srcs+=("$src")
	running=$((running + 1))
	if ((running >= JOBS)); then
		wait -n
		running=$((running - 1))
	fi
done
build_ok=1
for i in "${!pids[@]}"; do
	if ! wait "${pids[$i]}"; then
		echo "FAIL fuzz_build: ${srcs[$i]} does not compile with $CC:"
		head -n 20 "${objs[$i]}.log" | sed 's/^/    /'
		build_ok=0
	elif [[ -s ${objs[$i]}.log ]]; then
		echo "warning: ${srcs[$i]} ($CC):"
		head -n 20 "${objs[$i]}.log" | sed 's/^/    /'
	fi
done
((build_ok)) || exit 1
rm -f "$OUT/libfuzzcsms.a"
ar rcs "$OUT/libfuzzcsms.a" "${objs[@]}" || fail_build "ar"

for t in "${TARGETS[@]}"; do
	# shellcheck disable=SC2086
	"$CC" $BASE_CFLAGS -fsanitize=fuzzer -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror \
		-DFUZZ_TMPL_DIR="\"$ROOT/templates/\"" \
		"tests/fuzz/fuzz_$t.c" "$OUT/libfuzzcsms.a" $LIBS \
		-o "$OUT/fuzz_$t" 2>"$OUT/fuzz_$t.log" || {
		echo "FAIL fuzz_build: tests/fuzz/fuzz_$t.c:"
		head -n 30 "$OUT/fuzz_$t.log" | sed 's/^/    /'
		exit 1
	}
done
flock -u 9

# ---- run -----------------------------------------------------------------

failed=0

# The one-line reason of a failed run, from libFuzzer's and the
# sanitizers' output.
why() {
	local log=$1 s
	s=$(grep -a -m1 -oE 'check failed: .{0,160}' "$log")
	[[ -n $s ]] || s=$(grep -a -m1 -oE 'runtime error: .{0,160}' "$log")
	[[ -n $s ]] || s=$(grep -a -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [^(]*' "$log")
	[[ -n $s ]] || s="exited with status $2: $(tail -n 1 "$log")"
	echo "$s"
}

# Keeps only the entries that add coverage, once the corpus has grown.
merge_corpus() {
	local t=$1 c=$CORPUS/$1 n
	n=$(find "$c" -type f | wc -l)
	((n > CORPUS_MAX)) || return 0
	rm -rf "$c.merged" && mkdir -p "$c.merged" &&
		"$OUT/fuzz_$t" -merge=1 -timeout=10 -rss_limit_mb=2048 \
			-max_len="${MAX_LEN[$t]}" "$c.merged" "$c" \
			>"$WORK/$t/merge.log" 2>&1 &&
		rm -rf "$c" && mv "$c.merged" "$c" ||
		echo "note: merging $c failed (see $WORK/$t/merge.log)"
	rm -rf "$c.merged"
}

for t in "${TARGETS[@]}"; do
	bin=$OUT/fuzz_$t
	dir=$WORK/$t
	mkdir -p "$dir" "$CORPUS/$t"

	# 1. Every crash found so far, then every seed, once each (files as
	#    arguments: libFuzzer runs each and stops at the first failure).
	for kind in regress corpus; do
		inputs=()
		for f in "tests/fuzz/$kind/$t"/*; do
			[[ -f $f ]] && inputs+=("$f")
		done
		((${#inputs[@]})) || continue
		if "$bin" "${inputs[@]}" >"$dir/$kind.log" 2>&1; then
			echo "PASS fuzz_${t}_$kind (${#inputs[@]} inputs)"
		else
			echo "FAIL fuzz_${t}_$kind: $(why "$dir/$kind.log" $?) (log: $dir/$kind.log)"
			failed=$((failed + 1))
		fi
	done
	((SECS > 0)) || continue

	# 2. Fuzz.  New entries go to the first corpus directory (scratch);
	#    the seeds and regression inputs are only read.
	corpora=("$CORPUS/$t" "tests/fuzz/corpus/$t")
	[[ -d tests/fuzz/regress/$t ]] && corpora+=("tests/fuzz/regress/$t")
	dict=()
	[[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
	mkdir -p "$OUT/crashes/$t"
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
		-max_len="${MAX_LEN[$t]}" -print_final_stats=1 \
		-artifact_prefix="$OUT/crashes/$t/" "${dict[@]}" "${corpora[@]}" \
		>"$dir/fuzz.log" 2>&1
	rc=$?
	if ((rc == 0)); then
		runs=$(grep -a -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$dir/fuzz.log" | grep -oE '[0-9]+$')
		cov=$(grep -a -oE 'cov: [0-9]+' "$dir/fuzz.log" | tail -n 1)
		echo "PASS fuzz_$t (${SECS}s, ${runs:-?} runs, ${cov:-cov: ?})"
		merge_corpus "$t"
	else
		artifact=$(grep -a -oE 'Test unit written to [^ ]+' "$dir/fuzz.log" | tail -n 1 | sed 's/^Test unit written to //')
		kind=crash
		case $(basename "${artifact:-x}") in
		leak-*) kind=leak ;;
		timeout-*) kind=timeout ;;
		oom-*) kind="out of memory" ;;
		esac
		echo "FAIL fuzz_$t: $kind, reproducer saved to ${artifact:-(none)}: $(why "$dir/fuzz.log" $rc) (log: $dir/fuzz.log; replay: $bin ${artifact:-FILE})"
		failed=$((failed + 1))
	fi
done
((failed == 0))
