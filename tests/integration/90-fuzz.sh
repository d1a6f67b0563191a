#!/usr/bin/env bash
# 90-fuzz.sh — the short fuzzing run of `make test`: builds the libFuzzer
# harnesses (tests/fuzz/) and runs each for $CSMS_FUZZ_SECONDS (default 60)
# after replaying every regression input.  The harnesses need no stack;
# scripts/fuzz.sh prints the PASS/FAIL lines.  `make fuzz` is the long run.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
# The scratch corpus lives with this test run's output when there is one,
# so a run leaves the repository and other runs alone.
if [[ -n ${CSMS_TEST_OUT:-} ]]; then
	export CSMS_FUZZ_WORK=${CSMS_FUZZ_WORK:-$CSMS_TEST_OUT/fuzz}
fi
exec scripts/fuzz.sh "${CSMS_FUZZ_SECONDS:-60}"
