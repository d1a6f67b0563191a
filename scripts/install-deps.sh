#!/usr/bin/env bash
# install-deps.sh — installs the Debian packages csms-c needs, and nothing
# when they are all there.  Without root it prints the exact command to run
# and stops.  --test adds what the test suite needs (browser, HTTP tools,
# Node.js for the independent OCPP client, HAProxy for the TLS proxy test); --cluster adds what the
# one-machine cluster needs (scripts/cluster.sh: HAProxy, Galera).
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(build-essential pkg-config libwebsockets-dev libcjson-dev libmariadb-dev
      libfcgi-dev mariadb-server mariadb-client lighttpd apache2
      libapache2-mod-fcgid libcrypt-dev libev-dev libssl-dev libcurl4-openssl-dev
      libjemalloc-dev)
if [[ "${1:-}" == "--test" ]]; then
	# haproxy: tests/integration/94-proxy-tls.mjs runs haproxy/ocpp.cfg.
	pkgs+=(curl chromium wrk clang clang-format libclang-rt-14-dev openssl acl
	       haproxy)
	command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
	command -v npm >/dev/null 2>&1 || pkgs+=(npm)
fi
if [[ "${1:-}" == "--cluster" ]]; then
	pkgs+=(haproxy galera-4 rsync socat curl)
	command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
	if [[ $(id -u) -ne 0 ]]; then
		echo "csms: missing packages; run: sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "csms: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine has no package lists yet.
	apt-get update -q >/dev/null
	# policy-rc.d keeps the packages from starting system services: csms-c
	# runs its own private MariaDB and web server.
	if [[ ! -e /usr/sbin/policy-rc.d ]]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" && ! -d tests/node/node_modules ]]; then
	echo "csms: installing the test client (npm ci in tests/node)"
	(cd tests/node && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
