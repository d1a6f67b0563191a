#!/usr/bin/env bash
# 16-include-cycles.sh — ocppd's modules include each other without a
# circle (scripts/include-cycles.sh): each layer links without the ones
# above it, which is what lets dispatch, dbq and calls be unit-tested
# alone.  The checker itself is held against a circle made on purpose.
set -u
cd "${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}" || exit 1
fail=0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include "b.h"\n' >"$tmp/a.h"
printf '#include "c.h"\n' >"$tmp/b.c"
: >"$tmp/b.h"
printf '#include "a.h"\n#include <stdio.h>\n' >"$tmp/c.c"
: >"$tmp/c.h"
: >"$tmp/d.h"
printf '#include "d.h"\n' >"$tmp/a.c"
out=$(scripts/include-cycles.sh "$tmp")
if [[ $? -eq 1 && $out == "a b c" ]]; then
	echo "PASS include_cycles_checker_finds_a_circle"
else
	echo "FAIL include_cycles_checker_finds_a_circle: got \"$out\""
	fail=1
fi

for dir in ocppd cgi-bin lib tools/cpsim; do
	name=${dir//\//_}
	name=${name//-/_}
	if out=$(scripts/include-cycles.sh "$dir"); then
		echo "PASS ${name}_include_graph_has_no_circle"
	else
		echo "FAIL ${name}_include_graph_has_no_circle: $out"
		fail=1
	fi
done
exit $fail
