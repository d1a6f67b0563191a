#!/usr/bin/env bash
# 16-ctl-codes.sh — every error code ocppd answers on the control socket is
# one of lib/ctl_proto.h's CTL_ERRORS, so the web tier maps it to the
# right HTTP status (an unknown code would read as a charge point's
# CALLERROR: 502).  Reads the code literals of control_fail(), fail_call()
# and `code = "..."` lines in ocppd/.
set -u
cd "${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}" || exit 1
known=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\), [0-9]*).*/\1/p' lib/ctl_proto.h)
if [ "$(echo "$known" | wc -w)" -lt 10 ]; then
	echo "FAIL ctl_error_codes_known: could not read CTL_ERRORS"
	exit 1
fi
# fail_call(k, cp, status, code, msg): skip the status argument.
used=$(grep -hE 'control_fail\(|fail_call\(|\bcode = "' ocppd/*.c |
	sed -E 's/fail_call\([^,]*,[^,]*, *"[a-z_]*",/fail_call(/' |
	grep -oE '"[a-z]+(_[a-z]+)*"' | tr -d '"' | sort -u)
bad=""
for c in $used; do
	echo "$known" | grep -qx "$c" || bad="$bad $c"
done
if [ -z "$used" ]; then
	echo "FAIL ctl_error_codes_known: found no codes in ocppd/"
	exit 1
elif [ -n "$bad" ]; then
	echo "FAIL ctl_error_codes_known: not in lib/ctl_proto.h:$bad"
	exit 1
fi
echo "PASS ctl_error_codes_known ($(echo $used | wc -w) codes)"
