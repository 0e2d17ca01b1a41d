#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/report/browser.test.ts),
# which drive it with playwright-core. Never downloads a browser from anywhere
# else: playwright-core ships no browser and has no install script.
# Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "install-chromium: /usr/bin/chromium present, nothing to do"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium
/usr/bin/chromium --version
