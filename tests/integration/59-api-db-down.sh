#!/usr/bin/env bash
# 59-api-db-down.sh — the API through lighttpd while MariaDB is stopped:
# every request still gets a JSON answer (503 database_unavailable), no
# HTML error page, no dead FastCGI process; and when MariaDB is back, the
# same processes reconnect and answer 200.  It stops the test stack's
# MariaDB, so it runs last among the API tests and always restarts it.
set -u
ROOT=${CSMS_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$ROOT"
API=$CSMS_HTTP_URL/cgi-bin/api
fails=0
pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: $2"
	fails=$((fails + 1))
}

restart_db() {
	scripts/stack.sh db-start >/dev/null 2>&1
}
trap restart_db EXIT

# One request: "STATUS CONTENT-TYPE" on the first line, then the body.
req() {
	curl -s -o "$CSMS_TEST_OUT/api-db-down.body" -w '%{http_code} %{content_type}\n' "$API$1"
	cat "$CSMS_TEST_OUT/api-db-down.body"
}

# Reads a response from stdin; $1 is a JS expression over `j` (the parsed
# body), `status` and `type`.  Exit 0 when it is true.
judge() {
	node -e '
		const lines = require("fs").readFileSync(0, "utf8").split("\n");
		const [status, ...rest] = lines[0].split(" ");
		const type = rest.join(" ");
		let j = null;
		try { j = JSON.parse(lines.slice(1).join("\n")); } catch {}
		process.exit(eval(process.argv[1]) ? 0 : 1);
	' "$1"
}

json503='status === "503" && type === "application/json; charset=utf-8" && j && j.error.code === "database_unavailable"'

if req /cps | judge 'status === "200" && j.items.length > 0'; then
	pass api_up_before
else
	fail api_up_before "$(req /cps | head -c 300)"
fi

if ! scripts/stack.sh db-stop; then
	fail db_stop "scripts/stack.sh db-stop failed"
	exit 1
fi

# Several rounds, so both FastCGI processes meet the dead connection.
ok=1
for round in 1 2 3; do
	for path in /cps /cps/x /transactions '/transactions?status=active' /transactions.csv /users /stats /metrics; do
		out=$(req "$path")
		if ! judge "$json503" <<<"$out"; then
			fail db_down_503_json "round $round $path: $(head -c 300 <<<"$out")"
			ok=0
		fi
	done
done
((ok)) && pass db_down_503_json

out=$(req /health)
if judge 'status === "503" && j.status === "unavailable" && j.database === "down"' <<<"$out"; then
	pass db_down_health
else
	fail db_down_health "$out"
fi
if req /openapi.json | judge 'status === "200" && j.openapi'; then
	pass db_down_openapi_still_served
else
	fail db_down_openapi_still_served "openapi.json did not answer"
fi
if req '/transactions?page=0' | judge 'status === "400" && j.error.parameter === "page"'; then
	pass db_down_bad_parameter_still_400
else
	fail db_down_bad_parameter_still_400 "page=0 was not 400 while the database is down"
fi

# Whatever db-start says, what counts is that the API recovers.
if ! out=$(scripts/stack.sh db-start 2>&1); then
	fail db_restart "scripts/stack.sh db-start: $out"
fi

ok=1
for round in 1 2 3; do
	for path in /cps /transactions /stats; do
		out=$(req "$path")
		if ! judge 'status === "200" && j' <<<"$out"; then
			fail db_back_200 "round $round $path: $(head -c 300 <<<"$out")"
			ok=0
		fi
	done
done
((ok)) && pass db_back_200
if req /health | judge 'status === "200" && j.database === "ok"'; then
	pass db_back_health
else
	fail db_back_health "$(req /health)"
fi

# ocppd shares the database: after the restart a charge point's boot must
# be accepted again within its reconnect backoff (later tests rely on it).
scen=$CSMS_TEST_OUT/59-boot.txt
printf '%s\n' 'send BootNotification {"chargePointVendor":"t","chargePointModel":"t"}' \
	'expect field status Accepted' >"$scen"
recovered=0
for ((i = 0; i < 40; i++)); do
	if timeout 10 "$CSMS_BIN/cpsim" --scenario "$scen" --timeout 3 \
		"$CSMS_OCPP_URL/DBDOWN-RECOVER" >/dev/null 2>&1; then
		recovered=1
		break
	fi
	sleep 0.5
done
((recovered)) && pass ocppd_back_after_db_restart || fail ocppd_back_after_db_restart "BootNotification not accepted within 20 s"

((fails == 0))
