#!/usr/bin/env bash
# 90-fuzz.sh — the short fuzzing run of `make test`: builds the libFuzzer
# harnesses (tests/fuzz/) and runs each for $CSMS_FUZZ_SECONDS (default 60)
# after replaying every regression input.  The harnesses need no stack;
# scripts/fuzz.sh prints the PASS/FAIL lines.  `make fuzz` is the long run.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 1
# Logs and reproducers go with this test run's other logs; the corpus the
# fuzzer builds up stays in build/fuzz/corpus, so each run goes deeper.
if [[ -n ${CSMS_TEST_OUT:-} ]]; then
	export CSMS_FUZZ_WORK=${CSMS_FUZZ_WORK:-$CSMS_TEST_OUT/fuzz}
fi
exec scripts/fuzz.sh "${CSMS_FUZZ_SECONDS:-60}"
