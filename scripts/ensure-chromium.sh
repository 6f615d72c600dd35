#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser end-to-end test (playwright-core drives it;
# Playwright's own browser download cannot reach its CDN here). Idempotent: returns at once when it is installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  /usr/bin/chromium --version 2>/dev/null || true
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo -n"; else echo "ensure-chromium: need root or sudo to apt-get install chromium" >&2; exit 1; fi
fi
t0=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
echo "ensure-chromium: installed $(/usr/bin/chromium --version 2>/dev/null) in $(( $(date +%s) - t0 )) s"
