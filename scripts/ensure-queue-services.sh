#!/usr/bin/env bash
# Makes sure Debian's PostgreSQL server and Redis are installed for the queue-mode end-to-end test
# (test/e2e/queue.e2e.test.ts starts its own throw-away instances of both; nothing here starts a service).
# Idempotent: returns at once when both are installed; otherwise one apt-get update and one install.
set -euo pipefail

pg_bin() {
  # Debian puts the server binaries under /usr/lib/postgresql/<major>/bin, outside PATH.
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
have_pg() { local d; d=$(pg_bin); [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/psql" ]; }
have_redis() { command -v redis-server >/dev/null 2>&1; }

missing=()
have_pg || missing+=(postgresql)
have_redis || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "ensure-queue-services: need root or sudo to apt-get install ${missing[*]}" >&2; exit 1; fi
  fi
  t0=$(date +%s)
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run on the machine holds the dpkg lock for a while: wait for it instead of failing.
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  # policy-rc.d 101: install the packages without starting (or enabling) Debian's own system services.
  if [ ! -e /usr/sbin/policy-rc.d ] && [ -z "$SUDO" ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "ensure-queue-services: installed ${missing[*]} in $(( $(date +%s) - t0 )) s" >&2
fi
# One line for the test: where the PostgreSQL server binaries are, and redis-server.
printf '{"pgBin":"%s","redisServer":"%s"}\n' "$(pg_bin)" "$(command -v redis-server)"
