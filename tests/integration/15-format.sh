#!/usr/bin/env bash
# 15-format.sh — the C sources keep the .clang-format style.
set -u
cd "${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}" || exit 1
if out=$(make --no-print-directory -s check-format 2>&1); then
	echo "PASS clang_format_clean"
else
	echo "FAIL clang_format_clean: $(echo "$out" | grep -oE '^[^:]+\.[ch]' | sort -u | tr '\n' ' ')"
	exit 1
fi
