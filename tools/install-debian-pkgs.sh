#!/usr/bin/env bash
# Installs Debian's third-party pure-Python packages that the example
# application examples/realapp runs on (its tests: test/e2e/realapp.test.ts).
# Idempotent: installs only what is missing, and runs `apt-get update` only when
# a package is missing and apt cannot find it. Without apt-get (not Debian) it
# says so and exits 0: the tests then skip with a printed reason.
set -euo pipefail

PKGS=(python3-jinja2 python3-markupsafe python3-markdown python3-pygments python3-yaml
      python3-attr python3-six python3-tz python3-certifi tzdata ca-certificates)

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-debian-pkgs: no apt-get here; the example application's tests will skip"
  exit 0
fi

missing=()
for p in "${PKGS[@]}"; do
  if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" != "install ok installed" ]; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-debian-pkgs: ${PKGS[*]} present, nothing to do"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
# Package lists are needed only when apt does not know a missing package yet.
for p in "${missing[@]}"; do
  if ! apt-cache show "$p" >/dev/null 2>&1; then
    $SUDO apt-get update
    break
  fi
done
$SUDO apt-get install -y --no-install-recommends "${missing[@]}"
