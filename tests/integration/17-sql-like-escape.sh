#!/usr/bin/env bash
# 17-sql-like-escape.sh — every LIKE of the web tier names its escape
# character (PARAM_LIKE_ESCAPE, the '!' param_like escapes with): MariaDB's
# default '\' is no escape at all under sql_mode NO_BACKSLASH_ESCAPES, and
# a pattern must mean the same whatever the server's mode.
set -u
cd "${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}" || exit 1
bad=""
total=0
for f in cgi-bin/*.c lib/*.c; do
	likes=$(grep -o 'LIKE ?' "$f" | wc -l)
	escaped=$(grep -o 'LIKE ? " PARAM_LIKE_ESCAPE' "$f" | wc -l)
	total=$((total + likes))
	((likes == escaped)) || bad="$bad $f($((likes - escaped)))"
done
if ((total == 0)); then
	echo "FAIL sql_like_has_escape: found no LIKE at all"
	exit 1
elif [[ -n $bad ]]; then
	echo "FAIL sql_like_has_escape: LIKE without PARAM_LIKE_ESCAPE in$bad"
	exit 1
fi
echo "PASS sql_like_has_escape ($total LIKEs)"
