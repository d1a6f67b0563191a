#!/usr/bin/env bash
# 90-fuzz.sh — the fuzz harnesses in `make test`: builds them (tests/fuzz/)
# and replays, once each, every regression input (tests/fuzz/regress/) and
# every committed seed (tests/fuzz/corpus/).  No fresh fuzzing here, so each
# run gives the same verdict; `make fuzz` (scripts/fuzz.sh 600) explores.
# The harnesses need no stack; scripts/fuzz.sh prints the PASS/FAIL lines.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT" || exit 1
# Logs go with this test run's other logs.
if [[ -n ${CSMS_TEST_OUT:-} ]]; then
	export CSMS_FUZZ_WORK=${CSMS_FUZZ_WORK:-$CSMS_TEST_OUT/fuzz}
fi
exec scripts/fuzz.sh 0
